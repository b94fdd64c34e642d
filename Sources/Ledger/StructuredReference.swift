/// A Belgian structured communication (OGM/VCS, "gestructureerde mededeling"): 12 digits, the
/// last two being `(first ten) mod 97`, with 0 written as 97.
///
/// Accepts `+++123/4567/89002+++`, `***123/4567/89002***` and the bare 12 digits (spaces, slashes
/// and dots inside ignored, surrounding spaces and tabs trimmed); always stores the 12 digits.
package struct StructuredReference: Sendable, Hashable, CustomStringConvertible {
    /// The 12 digits.
    package let digits: String

    /// Why a text is not a valid structured communication.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not 12 digits once the wrapper, slashes, dots and spaces are removed (the count found).
        case wrongLength(Int)
        /// Something other than digits, slashes, dots and spaces inside the wrapper.
        case notDigits
        /// The last two digits are not the check digits of the first ten.
        case checkDigits(expected: String, found: String)

        /// A message that names the expected check digits.
        package var description: String {
            switch self {
            case .wrongLength(let n): "a structured communication has 12 digits, found \(n)"
            case .notDigits: "a structured communication holds only digits inside +++…+++ or ***…***"
            case .checkDigits(let e, let f): "wrong check digits \(f): expected \(e) (mod 97)"
            }
        }
    }

    /// Parses and validates; throws the precise problem.
    ///
    /// A text of ASCII bytes (every generated or bank file's reference) is read on its UTF-8 bytes
    /// in place; any other text by characters (`init(parsingCharacters:)`). Both readings give the
    /// same reference or the same problem for every ASCII text: in ASCII each character is one byte
    /// but CR LF, which is neither a space, a tab, a wrapper's sign nor a digit, so the trim, the
    /// wrapper test, the count and the digit scan see the same things.
    package init(parsing text: some StringProtocol) throws(Problem) {
        self.digits = try StructuredReference.parsedDigits(text)
    }

    /// The 12 digits of `init(parsing:)`.
    private static func parsedDigits(_ text: some StringProtocol) throws(Problem) -> String {
        let read: Result<UInt64, Problem>? = text.utf8.withContiguousStorageIfAvailable {
            StructuredReference.readASCII(UnsafeRawBufferPointer($0))
        } ?? nil
        guard let read else { return try StructuredReference(parsingCharacters: text).digits }
        let value = try read.get()
        let digits = String(unsafeUninitializedCapacity: 12) { out in
            var v = value
            for i in stride(from: 11, through: 0, by: -1) {
                out[i] = UInt8(truncatingIfNeeded: v % 10) + 48
                v /= 10
            }
            return 12
        }
        let r = Int(value / 100 % 97)
        guard (r == 0 ? 97 : r) == Int(value % 100) else {
            throw .checkDigits(expected: StructuredReference.checkDigits(base: digits.prefix(10)), found: String(digits.suffix(2)))
        }
        return digits
    }

    /// The 12 digits of an ASCII text as one number, or the problem; nil for a text with a byte
    /// above 127 (read by characters instead). The same steps as `init(parsingCharacters:)`.
    private static func readASCII(_ bytes: UnsafeRawBufferPointer) -> Result<UInt64, Problem>? {
        var lo = 0
        var hi = bytes.count
        for b in bytes where b >= 128 { return nil }
        while lo < hi, bytes[lo] == 32 || bytes[lo] == 9 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 32 || bytes[hi - 1] == 9 { hi -= 1 }
        func unwrap(_ sign: UInt8) {
            guard hi - lo >= 6, bytes[lo] == sign, bytes[lo + 1] == sign, bytes[lo + 2] == sign,
                bytes[hi - 1] == sign, bytes[hi - 2] == sign, bytes[hi - 3] == sign
            else { return }
            lo += 3
            hi -= 3
        }
        unwrap(43)  // "+++", then "***", in the character reading's order
        unwrap(42)
        var count = 0
        var value: UInt64 = 0
        while lo < hi {
            let b = bytes[lo]
            lo += 1
            if b == 47 || b == 32 || b == 46 { continue }  // "/", " ", "."
            guard b >= 48, b <= 57 else { return .failure(.notDigits) }
            count += 1
            if count <= 12 { value = value * 10 + UInt64(b - 48) }
        }
        return count == 12 ? .success(value) : .failure(.wrongLength(count))
    }

    /// Parses and validates by characters: the reading for any text, kept for text that is not
    /// ASCII and as the byte reading's reference in the tests.
    package init(parsingCharacters text: some StringProtocol) throws(Problem) {
        var s = Substring(text).trimmingASCIISpaces()
        for wrapper in ["+++", "***"] where s.hasPrefix(wrapper) && s.hasSuffix(wrapper) && s.count >= 6 {
            s = s.dropFirst(3).dropLast(3)
        }
        var digits = ""
        for ch in s.unicodeScalars {
            if ch == "/" || ch == " " || ch == "." { continue }
            guard ch.value >= 48, ch.value <= 57 else { throw .notDigits }
            digits.unicodeScalars.append(ch)
        }
        guard digits.count == 12 else { throw .wrongLength(digits.count) }
        let expected = StructuredReference.checkDigits(base: digits.prefix(10))
        let found = String(digits.suffix(2))
        guard expected == found else { throw .checkDigits(expected: expected, found: found) }
        self.digits = digits
    }

    /// Builds the reference for ten base digits (leading zeros kept); nil unless exactly ten digits.
    package init?(base: some StringProtocol) {
        guard base.utf8.count == 10, base.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        self.digits = String(base) + StructuredReference.checkDigits(base: base)
    }

    /// Builds the reference for a number below 10^10.
    package init?(number: Int64) {
        guard number >= 0, number < 10_000_000_000 else { return nil }
        let s = String(number)
        self.init(base: String(repeating: "0", count: 10 - s.count) + s)
    }

    /// The two check digits for ten base digits: mod 97, 0 → 97.
    package static func checkDigits(base: some StringProtocol) -> String {
        let r = mod97(base) ?? 0
        let c = r == 0 ? 97 : r
        return c < 10 ? "0\(c)" : "\(c)"
    }

    /// `+++123/4567/89002+++`.
    package var formatted: String {
        let d = Array(digits)
        return "+++" + String(d[0..<3]) + "/" + String(d[3..<7]) + "/" + String(d[7..<12]) + "+++"
    }

    /// `+++123/4567/89002+++`.
    package var description: String { formatted }
}

/// An ISO 11649 creditor reference: `RF`, two check digits, 1–21 letters or digits.
package struct CreditorReference: Sendable, Hashable, CustomStringConvertible {
    /// The reference in electronic form, upper-case without spaces (`RF18539007547034`).
    package let value: String

    /// Why a text is not a valid creditor reference.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not `RF`, two digits and 1 to 21 letters or digits.
        case format
        /// The mod 97 check fails, or the check digits are outside 02–98.
        case checkDigits

        /// A message for a diagnostic.
        package var description: String {
            switch self {
            case .format: "an RF reference is RF, two check digits and 1 to 21 letters or digits"
            case .checkDigits: "the RF reference fails its mod 97 check"
            }
        }
    }

    /// Parses and validates (spaces ignored, case-insensitive).
    package init(parsing text: some StringProtocol) throws(Problem) {
        let s = asciiUppercased(text, droppingSpaces: true)
        let u = Array(s.utf8)
        guard u.count >= 5, u.count <= 25, u[0] == 82, u[1] == 70, isDigit(u[2]), isDigit(u[3]),
            u[4...].allSatisfy({ isDigit($0) || isUpper($0) })
        else { throw .format }
        // ISO 7064 MOD 97-10 issues check digits 02–98 only; 00, 01 and 99 pass the remainder
        // test whenever their twin 97 apart (97, 98, 02) is valid, so refuse them explicitly.
        let rearranged = s.dropFirst(4) + s.prefix(4)
        guard (2...98).contains(Int(u[2] - 48) * 10 + Int(u[3] - 48)), mod97(rearranged) == 1 else {
            throw .checkDigits
        }
        self.value = s
    }

    /// Builds an RF reference for a payload of 1–21 letters or digits.
    package init?(payload: some StringProtocol) {
        let p = asciiUppercased(payload, droppingSpaces: false)
        guard (1...21).contains(p.utf8.count),
            p.utf8.allSatisfy({ isDigit($0) || isUpper($0) }),
            let r = mod97(p + "RF00")
        else { return nil }
        let check = 98 - r
        self.value = "RF" + (check < 10 ? "0" : "") + String(check) + p
    }

    /// Groups of four for print: `RF18 5390 0754 7034`.
    package var formatted: String { value.grouped(by: 4) }

    /// The electronic form, `RF18539007547034`.
    package var description: String { value }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

extension String {
    func grouped(by n: Int) -> String {
        var out = ""
        for (i, ch) in enumerated() {
            if i > 0 && i % n == 0 { out.append(" ") }
            out.append(ch)
        }
        return out
    }
}
