/// Quoted-printable (RFC 2045 §6.7) for the text and HTML bodies: readable, 7-bit, and with
/// lines of at most 76 characters whatever the input.
enum QuotedPrintable {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends the encoding of `text` to `out`. Line breaks (CRLF, LF or CR) become hard CRLF
    /// breaks; nothing is added at the end, so the decoded text is `text` exactly (with CRLF breaks).
    ///
    /// Byte by byte over the UTF-8 view, without an array per character (this was one in eight of a
    /// flush's CPU samples).
    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in append(bytes, to: &out) }
    }

    static func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + bytes.count / 8)
        var column = 0
        var i = 0
        // Soft break when the piece would not fit before the 76th column (leaving room for `=`).
        func room(_ width: Int) {
            if column + width > 75 {
                out.append(UInt8(ascii: "="))
                out.append(13)
                out.append(10)
                column = 0
            }
            column += width
        }
        func plain(_ b: UInt8) {
            room(1)
            out.append(b)
        }
        func encoded(_ b: UInt8) {
            room(3)
            out.append(UInt8(ascii: "="))
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 13 || b == 10 {
                out.append(13)
                out.append(10)
                column = 0
                i += (b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) ? 2 : 1
                continue
            }
            let atLineEnd = i + 1 == bytes.count || bytes[i + 1] == 13 || bytes[i + 1] == 10
            if b == 32 || b == 9 {
                if atLineEnd { encoded(b) } else { plain(b) }
            } else if (33...126).contains(b) && b != UInt8(ascii: "=") {
                plain(b)
            } else {
                encoded(b)
            }
            i += 1
        }
    }
}
