import Foundation
import Store

#if canImport(Glibc)
import Glibc
#endif

/// One nightly run per workspace: an exclusive `flock` on `relance.lock`, released by the kernel
/// when the process ends however it ends (so a dead run's lock is never stale); the file says who
/// holds it.
package final class NightlyLock {
    let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock, or fails at once with 75 (naming the holder) when another process has it.
    package static func acquire(_ path: String, at now: Date) throws -> NightlyLock {
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw StatusError(.lockFileUnopenable(path: path)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw StatusError(.lockHeld(holder: holder))
        }
        let text = "pid \(getpid()) started \(Instant.string(now))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return NightlyLock(fd: fd)
    }

    /// Empties the file and lets the lock go.
    package func release() {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
