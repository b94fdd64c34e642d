#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an output file could not be opened or written.
struct OutputError: Error, CustomStringConvertible {
    /// The file's path.
    let path: String
    /// What the C library said.
    let reason: String

    /// `path: reason`.
    var description: String { "\(path): \(reason)" }

    /// The error for the current `errno`.
    static func fromErrno(_ path: String) -> OutputError {
        OutputError(path: path, reason: String(cString: strerror(errno)))
    }
}

/// Creates a directory and its missing parents, like `mkdir -p`.
func makeDirectories(_ path: String) throws(OutputError) {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw .fromErrno(prefix) }
        prefix += "/"
    }
}

/// One CSV file written through a 1 MiB byte buffer and `fwrite`.
///
/// Rows are formatted straight into the buffer by hand (no `String`, no formatters).
/// ``beginRow()`` flushes when less than ``maxRowBytes`` are left, so the per-byte writers need
/// no bounds checks of their own: a row must never exceed ``maxRowBytes``.
final class OutputFile {
    /// Size of the write buffer.
    static let bufferSize = 1 << 20
    /// Upper bound on one row's length; rows here are below 600 bytes.
    static let maxRowBytes = 4096

    /// The file's path, for messages.
    let path: String
    /// The C stream.
    private let file: UnsafeMutablePointer<FILE>
    /// The write buffer of ``bufferSize`` bytes.
    private let base: UnsafeMutablePointer<UInt8>
    /// Bytes in the buffer not yet written.
    private var count = 0
    /// Whether ``close()`` ran.
    private var closed = false
    /// Bytes handed to the C library so far (header included).
    private(set) var bytesWritten: Int64 = 0
    /// Data rows begun so far (header excluded).
    private(set) var rows = 0

    /// Creates or truncates `path` and writes the header line.
    init(path: String, header: String) throws(OutputError) {
        guard let f = fopen(path, "wb") else { throw .fromErrno(path) }
        self.path = path
        self.file = f
        self.base = .allocate(capacity: OutputFile.bufferSize)
        for b in header.utf8 { byte(b) }
        byte(0x0A)
    }

    deinit {
        if !closed { fclose(file) }
        base.deallocate()
    }

    /// Starts a data row: makes room for ``maxRowBytes`` and counts the row.
    @inline(__always) func beginRow() throws(OutputError) {
        if count > OutputFile.bufferSize - OutputFile.maxRowBytes { try flush() }
        rows += 1
    }

    /// Hands the buffer to the C library.
    func flush() throws(OutputError) {
        guard count > 0 else { return }
        let written = fwrite(base, 1, count, file)
        guard written == count else { throw .fromErrno(path) }
        bytesWritten += Int64(count)
        count = 0
    }

    /// Flushes and closes the file, reporting any late write error.
    func close() throws(OutputError) {
        try flush()
        closed = true
        guard fclose(file) == 0 else { throw .fromErrno(path) }
    }

    /// One byte.
    @inline(__always) func byte(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// A field separator.
    @inline(__always) func comma() { byte(0x2C) }

    /// The end of a row (LF).
    @inline(__always) func newline() { byte(0x0A) }

    /// Bytes copied as they are (already quoted when they need to be).
    @inline(__always) func bytes(_ source: [UInt8]) {
        source.withUnsafeBufferPointer { src in
            guard let from = src.baseAddress else { return }
            (base + count).update(from: from, count: src.count)
            count += src.count
        }
    }

    /// `n` bytes from a raw pointer.
    @inline(__always) func bytes(_ from: UnsafePointer<UInt8>, count n: Int) {
        (base + count).update(from: from, count: n)
        count += n
    }

    /// A field per RFC 4180: quoted, with quotes doubled, only when it holds a comma, quote, CR or LF.
    func field(_ source: [UInt8]) {
        var needsQuotes = false
        for b in source where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return bytes(source) }
        byte(0x22)
        for b in source {
            if b == 0x22 { byte(0x22) }
            byte(b)
        }
        byte(0x22)
    }

    /// `value` in exactly `width` decimal digits, zero-padded (the value must fit).
    @inline(__always) func digits(_ value: UInt64, width: Int) {
        let start = base + count
        var v = value
        var i = width - 1
        while i >= 0 {
            start[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            i -= 1
        }
        count += width
    }

    /// `value` in decimal with no padding.
    @inline(__always) func number(_ value: UInt64) {
        digits(value, width: OutputFile.digitCount(value))
    }

    /// An amount of cents as `-1234.56`: a point and always two decimals.
    @inline(__always) func cents(_ value: Int64) {
        if value < 0 { byte(0x2D) }
        let m = value.magnitude
        number(m / 100)
        byte(0x2E)
        digits(m % 100, width: 2)
    }

    /// Number of decimal digits of `value` (1 for 0).
    static func digitCount(_ value: UInt64) -> Int {
        var n = 1
        var v = value
        while v >= 10 {
            v /= 10
            n += 1
        }
        return n
    }
}
