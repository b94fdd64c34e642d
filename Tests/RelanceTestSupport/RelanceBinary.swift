import Foundation

/// The built `relance` executable, run as a user (or cron) would: the test runner's environment
/// without any `RELANCE_*` variable, plus the test's; every run bounded.
package enum RelanceBinary {
    /// True when the process tests can run: the executable was built, or tools are required (CI),
    /// in which case a missing executable fails them.
    package static var runnable: Bool { RequiredTools.runnable([.relance]) }

    /// The executable next to the test bundle, when the build made one.
    package static var path: String? { Products.relance }

    /// What a run left.
    package typealias Result = ProcessOutput

    /// Starts `relance ARGS` with `env` added, its output kept in files in `logDir`.
    package static func start(_ args: [String], env: [String: String], logDir: String) throws -> RunningProcess {
        guard let path else { throw ServerError("the relance executable was not built next to the tests") }
        let environment = ProcessRunner.environment(env.mapValues { Optional($0) }, removingPrefix: "RELANCE_")
        return try ProcessRunner.start(path, args, environment: environment, logDir: logDir)
    }

    /// Waits (at most `timeout` seconds, then kills it) and collects the output.
    package static func finish(_ p: RunningProcess, timeout: Double = 30) -> Result { p.finish(timeout: timeout) }

    /// Runs `relance ARGS` to completion.
    package static func run(_ args: [String], env: [String: String], logDir: String, timeout: Double = 30) throws -> Result {
        finish(try start(args, env: env, logDir: logDir), timeout: timeout)
    }
}
