/// The character encoding of an input file.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// Accepts `utf-8`, `utf8`, `windows-1252`, `cp1252`, `latin1`, `iso-8859-1` (read as 1252, its superset).
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "windows-1252", "cp1252", "win1252", "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .windows1252
        default: return nil
        }
    }

    /// Guesses from the first bytes of a file: valid UTF-8 (a truncated last sequence allowed)
    /// means UTF-8, anything else Windows-1252, the usual encoding of Belgian Windows exports.
    public static func detect(sample: ArraySlice<UInt8>) -> TextEncoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        switch validateUTF8(sample) {
        case .valid, .truncated: return .utf8
        case .invalid: return .windows1252
        }
    }

    enum UTF8Validity { case valid, truncated, invalid }

    /// Checks UTF-8 well-formedness (no overlongs, no surrogates, ≤ U+10FFFF).
    static func validateUTF8(_ s: ArraySlice<UInt8>) -> UTF8Validity {
        var i = s.startIndex
        let e = s.endIndex
        while i < e {
            let c = s[i]
            if c < 0x80 { i += 1; continue }
            let n: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: n = 1
            case 0xE0: n = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: n = 2
            case 0xED: n = 2; hi = 0x9F
            case 0xF0: n = 3; lo = 0x90
            case 0xF1...0xF3: n = 3
            case 0xF4: n = 3; hi = 0x8F
            default: return .invalid
            }
            for k in 1...n {
                if i + k >= e { return .truncated }
                let b = s[i + k]
                if k == 1 { if b < lo || b > hi { return .invalid } } else if b < 0x80 || b > 0xBF { return .invalid }
            }
            i += n + 1
        }
        return .valid
    }

    /// Unicode scalars of Windows-1252's 0x80–0x9F (0 where undefined).
    static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Appends the UTF-8 form of Windows-1252 bytes; false when a byte is undefined in 1252.
    static func appendUTF8(fromWindows1252 s: ArraySlice<UInt8>, to out: inout [UInt8]) -> Bool {
        for b in s {
            if b < 0x80 { out.append(b); continue }
            let scalar: UInt32 = b < 0xA0 ? cp1252High[Int(b - 0x80)] : UInt32(b)
            if scalar == 0 { return false }
            if scalar < 0x800 {
                out.append(UInt8(0xC0 | (scalar >> 6)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                out.append(UInt8(0xE0 | (scalar >> 12)))
                out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                out.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        return true
    }
}
