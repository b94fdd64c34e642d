import Foundation
import Ledger

/// Reads Febelfin CODA 2.x statements (128-character records, Windows-1252): header 0, old
/// balance 1, movements 2.1/2.2/2.3, information 3.x, free communication 4, new balance 8,
/// trailer 9. Checks each statement's trailer (record count, debit and credit totals) and that
/// old balance + movements = new balance. Positions are those of `belgian-rules.md` §7.1.
enum CODAParser {
    /// Parses a whole file's bytes into its statements; throws on the first structural error.
    static func parse(_ bytes: [UInt8], fileName: String) throws -> [BankStatement] {
        var statements: [BankStatement] = []
        var current: BankStatement? = nil
        var records = 0
        var debits: Int64 = 0
        var credits: Int64 = 0
        var lastMain: Int? = nil  // index in current.movements of the last main (detail 0000) movement
        // Whether the whole file is UTF-8 decides how a line that is not ASCII is decoded: checked at
        // the first such line (a file of ASCII lines alone, as banks write CODA, is never checked:
        // 1.5 % of a CODA ingest's instructions).
        var utf8: Bool? = nil
        func isUTF8() -> Bool {
            if let utf8 { return utf8 }
            let valid = TextEncoding.validateUTF8(bytes[...]) == .valid
            utf8 = valid
            return valid
        }
        for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            guard let r = record(line, utf8: isUTF8(), lineNo: lineNo) else { continue }
            switch (r.char(0), r.char(1)) {
            case ("0", _):
                if current != nil { throw BankFileError(line: lineNo, rule: "coda-structure", message: "a new header before the previous statement's trailer (record 9)") }
                guard r.char(127) == "2" else {
                    throw BankFileError(line: lineNo, rule: "coda-version", message: "CODA version \(r.char(127)) is not supported; ask the bank for CODA 2.x")
                }
                current = BankStatement(format: "coda", key: "", account: "", currency: .eur, line: lineNo)
                records = 0; debits = 0; credits = 0; lastMain = nil
            case ("1", let structure):
                guard var s = current.take() else { throw r.error("coda-structure", "an old-balance record (1) outside a statement") }
                records += 1
                switch structure {
                case "0": s.account = r.text(5, 17); s.currency = try r.currency(18, 21)
                case "2": s.account = r.text(5, 21); s.currency = try r.currency(39, 42)
                case "1", "3": s.account = r.text(5, 39); s.currency = try r.currency(39, 42)
                default: throw r.error("coda-account", "unknown account structure \(structure)")
                }
                s.oldBalance = try r.signedAmount(signAt: 42, 43, 58, digits: s.currency.minorDigits)
                let date = try r.day(58, 64)
                s.date = date
                s.key = "CODA/\(s.account)/\(date.year)/\(r.text(2, 5))/\(r.text(125, 128))"
                current = s
            case ("2", let kind):
                guard var s = current.take() else { throw r.error("coda-structure", "a movement record (2) outside a statement") }
                records += 1
                let seq = r.text(2, 6), detail = r.text(6, 10)
                switch kind {
                case "1":
                    let amount = try r.signedAmount(signAt: 31, 32, 47, digits: s.currency.minorDigits)
                    var m = BankMovement(key: "\(seq)/\(detail)", line: lineNo, amount: amount, bookingDate: try r.day(115, 121),
                                         valueDate: try? r.day(47, 53))
                    if r.char(61) == "1" {
                        let type = r.text(62, 65)
                        switch type {
                        case "101", "102": m.ogm = r.text(65, 77)
                        case "100": m.rf = r.compacted(65, 115)
                        default: m.freeText = r.text(65, 115)
                        }
                    } else {
                        m.freeText = r.text(62, 115)
                    }
                    if detail == "0000" {
                        if amount < 0 { debits -= amount } else { credits += amount }
                        s.movements.append(m)
                        lastMain = s.movements.count - 1
                    } else {
                        // A detail of a globalised movement: the payment itself; its total is not one.
                        guard let main = lastMain, s.movements[main].key.hasPrefix(seq + "/") else {
                            throw r.error("coda-structure", "detail \(seq)/\(detail) without its movement")
                        }
                        s.movements[main].isGlobalTotal = true
                        m.isDetail = true
                        s.movements.append(m)
                    }
                case "2", "3":
                    guard let i = s.movements.indices.last, s.movements[i].key == "\(seq)/\(detail)" else {
                        throw r.error("coda-structure", "record 2.\(kind) for \(seq)/\(detail) does not follow its movement")
                    }
                    if kind == "2" {
                        s.movements[i].freeText = join(s.movements[i].freeText, r.text(10, 63))
                    } else {
                        let iban = r.compacted(10, r.char(22) == " " ? 22 : 44)
                        s.movements[i].counterpartyIBAN = iban.isEmpty ? nil : iban
                        let name = r.text(47, 82)
                        s.movements[i].counterpartyName = name.isEmpty ? nil : name
                        s.movements[i].freeText = join(s.movements[i].freeText, r.text(82, 125))
                    }
                default:
                    throw r.error("coda-structure", "unknown movement record 2.\(kind)")
                }
                current = s
            case ("3", _), ("4", _):
                guard current != nil else { throw r.error("coda-structure", "an information record outside a statement") }
                records += 1
            case ("8", _):
                guard var s = current.take() else { throw r.error("coda-structure", "a new-balance record (8) outside a statement") }
                records += 1
                s.newBalance = try r.signedAmount(signAt: 41, 42, 57, digits: s.currency.minorDigits)
                if let d = try? r.day(57, 63) { s.date = d }
                current = s
            case ("9", _):
                guard let s = current else { throw r.error("coda-structure", "a trailer (9) without its header") }
                let count = Int(r.text(16, 22)) ?? -1
                guard count == records else {
                    throw r.error("coda-trailer", "the trailer counts \(count) records, the statement has \(records)")
                }
                let tDebit = try r.amount(22, 37, digits: s.currency.minorDigits)
                let tCredit = try r.amount(37, 52, digits: s.currency.minorDigits)
                guard tDebit == debits, tCredit == credits else {
                    throw r.error("coda-trailer", "the trailer's totals (debit \(Money(minorUnits: tDebit, currency: s.currency).decimalString), credit \(Money(minorUnits: tCredit, currency: s.currency).decimalString)) differ from the movements' (debit \(Money(minorUnits: debits, currency: s.currency).decimalString), credit \(Money(minorUnits: credits, currency: s.currency).decimalString))")
                }
                guard let old = s.oldBalance, let new = s.newBalance else {
                    throw r.error("coda-structure", "the statement has no old or new balance record")
                }
                guard old + credits - debits == new else {
                    let m = { (v: Int64) in Money(minorUnits: v, currency: s.currency).decimalString }
                    throw BankFileError(line: s.line, rule: "balance", message: "statement \(s.key): old balance \(m(old)) + movements \(m(credits - debits)) = \(m(old + credits - debits)), but the new balance is \(m(new)); the statement is refused")
                }
                statements.append(s)
                current = nil
            default:
                throw r.error("coda-structure", "unknown record type \(r.char(0))")
            }
        }
        if current != nil { throw BankFileError(line: 0, rule: "coda-structure", message: "the last statement has no trailer (record 9)") }
        if statements.isEmpty { throw BankFileError(line: 1, rule: "coda-structure", message: "no statement in the file") }
        return statements
    }

    /// One line's record, nil for a line that is empty or all spaces. A line of ASCII bytes alone (as
    /// banks write CODA) is read as bytes: each byte is then one character in either encoding, so its
    /// positions are the same; any other line is decoded into characters (`decode`): `utf8` is only
    /// evaluated then.
    static func record(_ line: ArraySlice<UInt8>, utf8: @autoclosure () -> Bool, lineNo: Int) -> Record? {
        var l = line
        if l.last == 0x0D { l = l.dropLast() }
        if l.isEmpty { return nil }
        // A CR kept inside the line is one character too: only CR LF is one, and the line holds no LF.
        if l.allSatisfy({ $0 < 0x80 }) {
            if l.allSatisfy({ $0 == 0x20 }) { return nil }
            return Record(ascii: l, line: lineNo)
        }
        let raw = decode(line, utf8: utf8())
        if raw.isEmpty || raw.allSatisfy({ $0 == " " }) { return nil }
        return Record(raw, line: lineNo)
    }

    /// One line's characters: CR dropped, Windows-1252 (CODA's usual encoding) or UTF-8 decoded.
    static func decode(_ line: ArraySlice<UInt8>, utf8: Bool) -> [Character] {
        var l = line
        if l.last == 0x0D { l = l.dropLast() }
        if l.isEmpty { return [] }
        if utf8 { return Array(String(decoding: l, as: UTF8.self)) }
        var decoded: [UInt8] = []
        _ = TextEncoding.appendUTF8(fromWindows1252: l, to: &decoded)
        return Array(String(decoding: decoded, as: UTF8.self))
    }

    static func join(_ a: String?, _ b: String) -> String? {
        guard !b.isEmpty else { return a }
        guard let a, !a.isEmpty else { return b }
        return a + " " + b
    }

    /// One 128-character record, addressed by 0-based positions: a line's ASCII bytes, or else its
    /// characters (one position each).
    struct Record {
        /// The line's bytes when all are ASCII (then `chars` is empty).
        let ascii: [UInt8]?
        let chars: [Character]
        let line: Int

        init(_ chars: [Character], line: Int) {
            // Records shorter than 128 characters (trailing spaces trimmed) are padded.
            self.chars = chars.count >= 128 ? chars : chars + Array(repeating: " ", count: 128 - chars.count)
            self.ascii = nil
            self.line = line
        }

        init(ascii bytes: ArraySlice<UInt8>, line: Int) {
            var b = Array(bytes)
            if b.count < 128 { b.append(contentsOf: repeatElement(0x20, count: 128 - b.count)) }
            self.ascii = b
            self.chars = []
            self.line = line
        }

        func char(_ i: Int) -> Character {
            if let ascii { return Character(Unicode.Scalar(ascii[i])) }
            return chars[i]
        }

        /// The field as it stands (no trimming).
        func raw(_ from: Int, _ to: Int) -> String {
            if let ascii { return String(decoding: ascii[from..<to], as: UTF8.self) }
            return String(chars[from..<to])
        }

        /// The field with its spaces trimmed and runs of spaces made one.
        func text(_ from: Int, _ to: Int) -> String {
            if let ascii {
                // A field with no run of spaces inside (most are) is its trimmed bytes as they stand,
                // made into a string without a copy of its own (this was 4 % of a CODA ingest's
                // instructions); any other goes through the loop below.
                var a = from, b = to
                while a < b, ascii[a] == 0x20 { a += 1 }
                while b > a, ascii[b - 1] == 0x20 { b -= 1 }
                var i = a
                while i + 1 < b, !(ascii[i] == 0x20 && ascii[i + 1] == 0x20) { i += 1 }
                if i + 1 >= b { return String(decoding: ascii[a..<b], as: UTF8.self) }
                var out: [UInt8] = []
                out.reserveCapacity(to - from)
                var space = false
                for b in ascii[from..<to] {
                    if b == 0x20 { space = !out.isEmpty; continue }
                    if space { out.append(0x20); space = false }
                    out.append(b)
                }
                return String(decoding: out, as: UTF8.self)
            }
            var out = ""
            var space = false
            for c in chars[from..<to] {
                if c == " " { space = !out.isEmpty; continue }
                if space { out.append(" "); space = false }
                out.append(c)
            }
            return out
        }

        /// The field with every space removed (an IBAN, an RF reference).
        func compacted(_ from: Int, _ to: Int) -> String {
            if let ascii {
                // Spaces around the field alone (an IBAN followed by blanks): its trimmed bytes as they stand.
                var a = from, b = to
                while a < b, ascii[a] == 0x20 { a += 1 }
                while b > a, ascii[b - 1] == 0x20 { b -= 1 }
                if !ascii[a..<b].contains(0x20) { return String(decoding: ascii[a..<b], as: UTF8.self) }
                return String(decoding: ascii[a..<b].filter { $0 != 0x20 }, as: UTF8.self)
            }
            return text(from, to).replacingOccurrences(of: " ", with: "")
        }

        func error(_ rule: String, _ message: String) -> BankFileError { BankFileError(line: line, rule: rule, message: message) }

        func amount(_ from: Int, _ to: Int, digits: Int) throws -> Int64 {
            let t = raw(from, to)
            guard let v = Int64(t), t.count == 15 else { throw error("coda-amount", "positions \(from + 1)-\(to) hold \"\(t)\", not an amount") }
            // Three implied decimals; a currency with two decimals must have a zero third one.
            let drop = 3 - digits
            var scale: Int64 = 1
            for _ in 0..<max(0, drop) { scale *= 10 }
            guard v % scale == 0 else { throw error("coda-amount", "an amount with more decimals than its currency") }
            return v / scale
        }

        func signedAmount(signAt: Int, _ from: Int, _ to: Int, digits: Int) throws -> Int64 {
            let v = try amount(from, to, digits: digits)
            switch char(signAt) {
            case "0": return v
            case "1": return -v
            default: throw error("coda-amount", "sign at position \(signAt + 1) is \"\(char(signAt))\", expected 0 (credit) or 1 (debit)")
            }
        }

        func day(_ from: Int, _ to: Int) throws -> Day {
            // Six ASCII digits (every date a bank writes) are read in place: the same day as through
            // the text below, without its strings (3 % of a CODA ingest's instructions). Anything
            // else, and a date that does not exist, takes the text's way and its error.
            if let ascii, to - from == 6, ascii[from..<to].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                func two(_ i: Int) -> Int { Int(ascii[i] - 0x30) * 10 + Int(ascii[i + 1] - 0x30) }
                if let day = Day(year: 2000 + two(from + 4), month: two(from + 2), day: two(from)) { return day }
            }
            let t = raw(from, to)
            guard t.count == 6, let d = Int(t.prefix(2)), let m = Int(t.dropFirst(2).prefix(2)), let y = Int(t.suffix(2)),
                  let day = Day(year: 2000 + y, month: m, day: d)
            else { throw error("coda-date", "positions \(from + 1)-\(to) hold \"\(t)\", not a DDMMYY date") }
            return day
        }

        func currency(_ from: Int, _ to: Int) throws -> Currency {
            guard let c = Currency(code: text(from, to)) else { throw error("coda-currency", "no currency code at positions \(from + 1)-\(to)") }
            return c
        }
    }
}
