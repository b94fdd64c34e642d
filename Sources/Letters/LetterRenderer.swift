import Dispatch
import Foundation
import Ledger
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders ``LetterDocument``s to A4 PDF with cairo and pango (fonts embedded as subsets).
package enum LetterRenderer {
    /// Renders one letter to PDF bytes (fonts embedded).
    ///
    /// Safe to call from several threads at once: each call has its own cairo surface, and what is
    /// kept between letters (pango's context and font map, the laid-out text of ``TextCache``) is
    /// per thread.
    /// - Throws: ``LetterError`` (a malformed table or page label, a QR code that cannot be made, a
    ///   cairo failure).
    package static func pdf(_ letter: LetterDocument) throws -> [UInt8] {
        let canvas = try PDFCanvas(title: letter.subject, author: letter.sender.name, creationDate: letter.creationDate)
        try LetterComposer(letter: letter, canvas: canvas).render()
        return try canvas.finish()
    }

    /// Renders many letters to files using both cores (for the nightly run); returns per-letter errors.
    ///
    /// Letter `i` goes to `jobs[i].1`, written next to it under a temporary name and renamed into
    /// place, so a reader never sees half a letter (not fsynced: the run's database transaction,
    /// not the file, is the record; a lost file is rendered again);
    /// element `i` of the result is nil on success or the ``LetterError`` for that letter. One bad
    /// letter never stops the others.
    /// - Parameter concurrency: the number of worker threads (at least 1).
    package static func renderAll(_ jobs: [(LetterDocument, String)], concurrency: Int = 2) -> [Error?] {
        ParallelWork.map(jobs.count, workers: concurrency) { i in render(jobs[i].0, to: jobs[i].1) }
    }

    /// One letter to one file (written under a temporary name, then renamed); the error, if any.
    package static func render(_ letter: LetterDocument, to path: String) -> Error? {
        do {
            try write(try pdf(letter), to: path)
            return nil
        } catch {
            return error
        }
    }

    /// Writes `bytes` to `path.tmp-PID`, then renames it to `path`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw LetterError.write(path: path, reason: String(cString: strerror(errno))) }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw LetterError.write(path: path, reason: String(cString: strerror(failure)))
        }
    }
}

/// `write(2)`, named apart from ``LetterRenderer/write(_:to:)``.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
