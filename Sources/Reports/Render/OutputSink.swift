#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where a rendered report goes: text appended in order, buffered, written to a file descriptor.
package final class OutputSink {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let limit = 1 << 16
    /// The first write error, reported by `finish`.
    private(set) var failure: Int32?

    /// Writes to an open descriptor, which the caller closes.
    package init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(limit + 4096)
    }

    package func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= limit { flush() }
    }

    package func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { flush() }
    }

    func flush() {
        guard failure == nil else { buffer.removeAll(keepingCapacity: true); return }
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                #if canImport(Glibc)
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(fd, raw.baseAddress! + offset, raw.count - offset)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes; throws when any write failed.
    package func finish(path: String) throws {
        flush()
        if let e = failure { throw ReportError.cannotWrite(path: path, reason: String(cString: strerror(e))) }
    }
}

/// Files and folders that may hold personal data: created readable by their owner only.
package enum OwnerOnly {
    /// Creates `path` and its missing parents with mode 0700 (an existing folder is left as it is).
    package static func directory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReportError.cannotWrite(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Opens a new file with mode 0600 for writing (truncating none: the file must not exist).
    package static func create(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ReportError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    /// Writes a file atomically: `body` writes into `path.partial` (mode 0600), renamed over
    /// `path` once complete, so a reader never sees half a file.
    package static func write(_ path: String, _ body: (OutputSink) throws -> Void) throws {
        let temp = path + ".partial"
        unlink(temp)
        let fd = try create(temp)
        let sink = OutputSink(fd: fd)
        do {
            try body(sink)
            try sink.finish(path: path)
            guard fsync(fd) == 0 || errno == EINVAL else {
                throw ReportError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw ReportError.cannotWrite(path: path, reason: reason)
        }
    }
}
