import Foundation

/// The built `relance` executable, run as a user (or cron) would; every run is bounded.
enum RelanceBinary {
    /// True when the process tests can run: the executable was built, or tools are required (CI),
    /// in which case a missing executable fails them.
    static let runnable = path != nil || RequiredTools.on

    /// The executable next to the test bundle, when the build made one.
    static let path: String? = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        while dir.count > 1 {
            if FileManager.default.isExecutableFile(atPath: dir + "/relance") { return dir + "/relance" }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return nil
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `relance ARGS` with the given environment added, output to files in `logDir`.
    static func start(_ args: [String], env: [String: String], logDir: String) throws -> Process {
        guard let path else { throw ServerError("the relance executable was not built") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for k in environment.keys where k.hasPrefix("RELANCE_") { environment[k] = nil }
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let tag = UUID().uuidString
        _ = FileManager.default.createFile(atPath: logDir + "/\(tag).out", contents: nil)
        _ = FileManager.default.createFile(atPath: logDir + "/\(tag).err", contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: logDir + "/\(tag).out")
        p.standardError = FileHandle(forWritingAtPath: logDir + "/\(tag).err")
        p.standardInput = FileHandle.nullDevice
        try p.run()
        lock.withLock { logs[p.processIdentifier] = logDir + "/\(tag)" }
        return p
    }

    nonisolated(unsafe) private static var logs: [Int32: String] = [:]
    private static let lock = NSLock()

    /// Waits (at most `timeout` seconds, then kills it) and collects the output.
    static func finish(_ p: Process, timeout: Double = 30) -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let stem = lock.withLock { logs[p.processIdentifier] } ?? ""
        func read(_ s: String) -> String { (try? String(contentsOfFile: stem + s, encoding: .utf8)) ?? "" }
        return Result(status: p.terminationStatus, stdout: read(".out"), stderr: read(".err"))
    }

    /// Runs `relance ARGS` to completion.
    static func run(_ args: [String], env: [String: String], logDir: String, timeout: Double = 30) throws -> Result {
        finish(try start(args, env: env, logDir: logDir), timeout: timeout)
    }
}
