import Foundation

/// Writes the rows an ingest refused, verbatim, to `rejects/<file name>.rejects.csv`: the original
/// header and each refused record exactly as it stood in the file, preceded by two columns
/// `rejected_line` and `rejected_reason`. The file keeps the input's delimiter and encoding, so it
/// can be corrected and ingested again (a UTF-8 input's byte-order mark is kept, for Excel) (the two extra columns are ignored with a warning).
package final class RejectsWriter {
    /// Where the rejects go.
    package let path: String
    private let handle: FileHandle
    private let delimiter: UInt8
    private let asciiOnly: Bool
    private var buffer: [UInt8] = []

    /// Creates the file (mode 0600, its directory if need be) and writes the header line.
    /// `asciiOnly`: the input is not UTF-8 (Windows-1252), so reasons are written in ASCII, `?` for
    /// any other character, and the file stays in the input's encoding.
    package init(path: String, rawHeader: [UInt8], delimiter: UInt8, asciiOnly: Bool, byteOrderMark: Bool) throws {
        self.path = path
        self.delimiter = delimiter
        self.asciiOnly = asciiOnly
        let fm = FileManager.default
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let h = FileHandle(forWritingAtPath: path)
        else { throw CSVFileError(line: 0, rule: "cannot-write", message: "cannot create \(path)") }
        self.handle = h
        if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        buffer.append(contentsOf: "rejected_line".utf8)
        buffer.append(delimiter)
        buffer.append(contentsOf: "rejected_reason".utf8)
        buffer.append(delimiter)
        buffer.append(contentsOf: rawHeader)
        buffer.append(0x0A)
    }

    /// One refused record: its line, its reasons (quoted) and its bytes as they stood in the file.
    package func write(line: Int, reasons: String, raw: [UInt8]) {
        buffer.append(contentsOf: String(line).utf8)
        buffer.append(delimiter)
        buffer.append(0x22)
        for u in reasons.unicodeScalars {
            if u == "\"" { buffer.append(0x22); buffer.append(0x22) }
            else if u == "\n" || u == "\r" { buffer.append(0x20) }
            else if asciiOnly && u.value >= 0x80 { buffer.append(UInt8(ascii: "?")) }
            else { buffer.append(contentsOf: String(u).utf8) }
        }
        buffer.append(0x22)
        buffer.append(delimiter)
        buffer.append(contentsOf: raw)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    /// Writes what is buffered.
    package func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file.
    package func close() {
        flush()
        try? handle.close()
    }
}
