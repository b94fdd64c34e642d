/// Header field text per RFC 5322 and RFC 2047: neutralising, encoded-words, folding.
///
/// Every piece of text that reaches a header goes through `neutralised` first, so a line break
/// coming from a CSV (a name, a subject) can never start a header line of its own.
package enum HeaderText {
    /// The text on one line: line breaks, other control characters and Unicode line/paragraph
    /// separators become spaces, runs of white space one space, and the ends are trimmed.
    package static func neutralised(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for c in s.unicodeScalars {
            let blank = c.isASCII
                ? c.value <= 0x20 || c.value == 0x7F
                : (0x80...0x9F).contains(c.value) || c.value == 0x2028 || c.value == 0x2029 || c.properties.isWhitespace
            if blank {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(c)
        }
        return String(out)
    }

    /// Longest header line we produce when folding is possible (RFC 5322 recommends 78).
    static let lineLimit = 78
    /// UTF-8 bytes per encoded-word: 39 bytes make 52 base64 characters, a 64-character word.
    static let wordBytes = 39

    /// A `Name: value` field folded into lines of at most 78 characters where the tokens allow;
    /// tokens are joined by one space (a fold is CRLF followed by that space). No trailing CRLF.
    static func field(_ name: String, _ tokens: [String]) -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for t in tokens {
            let n = t.utf8.count
            if lineLength + 1 + n > lineLimit && lineLength > name.utf8.count + 1 {
                out += "\r\n " + t
                lineLength = 1 + n
            } else {
                out += " " + t
                lineLength += 1 + n
            }
        }
        return out
    }

    /// Tokens for unstructured text (a subject): its words when it is plain ASCII, else
    /// RFC 2047 encoded-words (also when it contains `=?`, which a reader would try to decode).
    static func unstructured(_ s: String) -> [String] {
        let text = neutralised(s)
        let words = text.split(separator: " ").map(String.init)
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            && !text.contains("=?") && words.allSatisfy { $0.utf8.count <= 900 }
        return plain ? words : encodedWords(text)
    }

    /// Tokens for a display name (an RFC 5322 phrase): atoms as they are, other ASCII as a quoted
    /// string, anything else as encoded-words.
    static func phrase(_ s: String) -> [String] {
        let text = neutralised(s)
        if text.isEmpty { return [] }
        let ascii = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if !ascii || text.contains("=?") || text.utf8.count > 900 { return encodedWords(text) }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".unicodeScalars)
        if text.unicodeScalars.allSatisfy(atext.contains) { return text.split(separator: " ").map(String.init) }
        var q = "\""
        for c in text.unicodeScalars {
            if c == "\"" || c == "\\" { q += "\\" }
            q.unicodeScalars.append(c)
        }
        return [q + "\""]
    }

    /// `=?UTF-8?B?…?=` words of at most 39 bytes of text each, never splitting a character.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            if chunk.isEmpty { return }
            words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
            chunk.removeAll(keepingCapacity: true)
        }
        for ch in text {
            let bytes = Array(String(ch).utf8)
            if bytes.count > wordBytes {
                // A single character longer than a word (a long combining sequence): split by scalar.
                flush()
                for sc in ch.unicodeScalars {
                    let b = Array(String(sc).utf8)
                    if chunk.count + b.count > wordBytes { flush() }
                    chunk += b
                }
                continue
            }
            if chunk.count + bytes.count > wordBytes { flush() }
            chunk += bytes
        }
        flush()
        return words
    }

    /// Tokens for one mailbox: `Name <address>`, or `<address>` without a name.
    static func mailbox(name: String?, address: String) -> [String] {
        (name.map(phrase) ?? []) + ["<" + address + ">"]
    }

    /// Tokens for a list of mailboxes, commas attached to the end of each but the last.
    static func mailboxList(_ boxes: [(name: String?, address: String)]) -> [String] {
        var tokens: [String] = []
        for (i, b) in boxes.enumerated() {
            var t = mailbox(name: b.name, address: b.address)
            if i < boxes.count - 1, let last = t.popLast() { t.append(last + ",") }
            tokens += t
        }
        return tokens
    }
}

/// Base64 without line breaks (encoded-words) and with 76-character CRLF lines (bodies).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes on one line.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out, lineLength: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `out`, in lines of `lineLength` characters (a multiple of
    /// 4) separated by CRLF, or on one line when `lineLength` is 0; no CRLF after the last line.
    static func append(_ bytes: [UInt8], to out: inout [UInt8], lineLength: Int) {
        let chars = (bytes.count + 2) / 3 * 4
        let perLine = lineLength > 0 ? lineLength / 4 * 3 : max(bytes.count, 1)
        let lines = bytes.isEmpty ? 0 : (bytes.count + perLine - 1) / perLine
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: chars + 2 * max(0, lines - 1)))
        let table = alphabet
        out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { src in
                table.withUnsafeBufferPointer { a in
                    var w = start
                    var lineStart = 0
                    while lineStart < src.count {
                        if lineStart > 0 {
                            o[w] = 13
                            o[w + 1] = 10
                            w += 2
                        }
                        let lineEnd = min(src.count, lineStart + perLine)
                        var i = lineStart
                        while i + 3 <= lineEnd {
                            let v = Int(src[i]) << 16 | Int(src[i + 1]) << 8 | Int(src[i + 2])
                            o[w] = a[v >> 18 & 63]
                            o[w + 1] = a[v >> 12 & 63]
                            o[w + 2] = a[v >> 6 & 63]
                            o[w + 3] = a[v & 63]
                            w += 4
                            i += 3
                        }
                        if i < lineEnd {
                            let two = lineEnd - i == 2
                            let v = Int(src[i]) << 16 | (two ? Int(src[i + 1]) << 8 : 0)
                            o[w] = a[v >> 18 & 63]
                            o[w + 1] = a[v >> 12 & 63]
                            o[w + 2] = two ? a[v >> 6 & 63] : UInt8(ascii: "=")
                            o[w + 3] = UInt8(ascii: "=")
                            w += 4
                        }
                        lineStart = lineEnd
                    }
                }
            }
        }
    }
}
