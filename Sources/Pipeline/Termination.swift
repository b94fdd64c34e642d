import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM (what systemd sends on stop) asks the running command to stop at the next safe point
/// (after the current message or batch, committed) instead of dying where it stands.
package final class Termination: @unchecked Sendable {
    /// The one instance; `watch()` starts listening.
    package static let shared = Termination()
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?

    /// A flag of its own, for tests; only `shared` listens to the signal.
    package init() {}

    /// From now on SIGTERM sets `isRequested` instead of ending the process.
    package func watch() {
        lock.withLock {
            guard source == nil else { return }
            // A parent (a test runner, a service manager) may have left SIGTERM blocked.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            signal(SIGTERM, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
            s.setEventHandler { [weak self] in self?.request() }
            s.resume()
            source = s
        }
    }

    /// Records a stop request (SIGTERM, or a test).
    package func request() { lock.withLock { requested = true } }

    /// True once SIGTERM has arrived.
    package var isRequested: Bool { lock.withLock { requested } }
}
