#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Support

/// The character encoding of an input file.
package enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// Accepts `utf-8`, `utf8`, `windows-1252`, `cp1252`, `latin1`, `iso-8859-1` (read as 1252, its superset).
    package init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "windows-1252", "cp1252", "win1252", "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .windows1252
        default: return nil
        }
    }

    /// Guesses from the first bytes of a file: valid UTF-8 (a truncated last sequence allowed)
    /// means UTF-8, anything else Windows-1252, the usual encoding of Belgian Windows exports.
    package static func detect(sample: ArraySlice<UInt8>) -> TextEncoding {
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


extension TextEncoding {
    /// What a pass over a whole file found: whether it holds any valid multi-byte UTF-8 sequence,
    /// and where the first byte that is not UTF-8 stands.
    package struct Scan: Sendable, Equatable {
        /// True when at least one valid multi-byte UTF-8 sequence was seen.
        package var hasMultiByteUTF8 = false
        /// Line and column (1-based, in characters) of the first byte that is not UTF-8.
        package var firstInvalid: (line: Int, column: Int, byte: UInt8)?
        /// Line of the first valid multi-byte sequence.
        package var firstMultiByteLine: Int?

        /// Equal when the same facts were found (the offending byte's value aside).
        package static func == (a: Scan, b: Scan) -> Bool {
            a.hasMultiByteUTF8 == b.hasMultiByteUTF8 && a.firstInvalid?.line == b.firstInvalid?.line
                && a.firstInvalid?.column == b.firstInvalid?.column && a.firstMultiByteLine == b.firstMultiByteLine
        }
    }

    /// The file's encoding by a pass over all of it: UTF-8 when every byte is well-formed UTF-8;
    /// Windows-1252 only when no valid multi-byte UTF-8 sequence appears anywhere; a file that
    /// mixes the two (one stray Windows-1252 byte in a UTF-8 export, say) is refused with the line
    /// and column of its first offending byte, because decoding either way garbles some names.
    package static func detect(path: String, hasBOM: Bool) throws(CSVFileError) -> TextEncoding {
        let scan = try Self.scan(path: path)
        guard let bad = scan.firstInvalid else { return .utf8 }
        if !scan.hasMultiByteUTF8 && !hasBOM { return .windows1252 }
        let hex = String(bad.byte, radix: 16, uppercase: true)
        let why = hasBOM ? "the file starts with a UTF-8 byte order mark"
            : "line \(scan.firstMultiByteLine ?? 1) has UTF-8 text (an accented letter as two or more bytes)"
        throw CSVFileError(line: bad.line, column: bad.column, rule: "encoding", message:
            "mixed encodings: byte 0x\(hex) is not UTF-8, but \(why); decoding the file either way would garble names. "
            + "Save the export as UTF-8, or declare its encoding (encoding = \"windows-1252\" or \"utf-8\" in a --mapping file, "
            + "or --encoding)")
    }

    /// Reads the whole file once, in 1 MiB chunks, following UTF-8's grammar byte by byte, and
    /// eight bytes at a time through ASCII (the serial pass before the reading threads start).
    package static func scan(path: String) throws(CSVFileError) -> Scan {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVFileError(line: 0, rule: "unreadable", message: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var result = Scan()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var line = 1, column = 0
        var need = 0, lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        var start = (line: 1, column: 0, byte: UInt8(0))
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVFileError(line: 0, rule: "unreadable", message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            buffer.withUnsafeBufferPointer { p in
                let raw = UnsafeRawPointer(p.baseAddress!)
                var i = 0
                while i < n {
                    // Eight ASCII bytes at a time outside a sequence: only lines and columns to count.
                    if need == 0 && i + 8 <= n {
                        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                        if w & 0x8080_8080_8080_8080 == 0 {
                            // The high bit of each byte that is a line feed (exact: every byte is below 0x80).
                            let x = w ^ 0x0a0a_0a0a_0a0a_0a0a
                            let feeds = ~(((x & 0x7f7f_7f7f_7f7f_7f7f) &+ 0x7f7f_7f7f_7f7f_7f7f) | x) & 0x8080_8080_8080_8080
                            if feeds == 0 {
                                column += 8
                            } else {
                                line += feeds.nonzeroBitCount
                                // The bytes after the word's last line feed (the first byte is the lowest).
                                column = feeds.leadingZeroBitCount / 8
                            }
                            i += 8
                            continue
                        }
                    }
                    let b = p[i]
                    i += 1
                    if need > 0 {
                        if b >= lo && b <= hi {
                            need -= 1
                            lo = 0x80
                            hi = 0xBF
                            if need == 0 && !result.hasMultiByteUTF8 {
                                result.hasMultiByteUTF8 = true
                                result.firstMultiByteLine = start.line
                            }
                            continue
                        }
                        need = 0
                        if result.firstInvalid == nil { result.firstInvalid = start }
                    }
                    column += 1
                    if b < 0x80 {
                        if b == 0x0A { line += 1; column = 0 }
                        continue
                    }
                    start = (line, column, b)
                    switch b {
                    case 0xC2...0xDF: need = 1
                    case 0xE0: need = 2; lo = 0xA0
                    case 0xE1...0xEC, 0xEE...0xEF: need = 2
                    case 0xED: need = 2; hi = 0x9F
                    case 0xF0: need = 3; lo = 0x90
                    case 0xF1...0xF3: need = 3
                    case 0xF4: need = 3; hi = 0x8F
                    default: if result.firstInvalid == nil { result.firstInvalid = start }
                    }
                }
            }
            // Once both are known the answer cannot change.
            if result.firstInvalid != nil && result.hasMultiByteUTF8 { return result }
        }
        if need > 0 && result.firstInvalid == nil { result.firstInvalid = start }
        return result
    }
}
