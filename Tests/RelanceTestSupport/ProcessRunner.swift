import Foundation

/// What a finished process left: its exit status and what it wrote.
package struct ProcessOutput: Sendable {
    /// The exit status (128 + n when killed by signal n is reported by `Process` as n).
    package var status: Int32
    /// Standard output, as bytes.
    package var stdoutData: Data
    /// Standard error, as text.
    package var stderr: String
    /// True when the process outlived its time limit and was killed.
    package var timedOut: Bool

    /// Standard output, as text.
    package var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
}

/// A process started by `ProcessRunner`, its output going to files (never a pipe, which a chatty
/// process could fill and block on).
package final class RunningProcess: @unchecked Sendable {
    /// The process.
    package let process: Process
    private let stem: String
    private let ownsFolder: String?

    init(process: Process, stem: String, ownsFolder: String?) {
        self.process = process
        self.stem = stem
        self.ownsFolder = ownsFolder
    }

    /// Its process id.
    package var processIdentifier: Int32 { process.processIdentifier }

    /// True while it runs.
    package var isRunning: Bool { process.isRunning }

    /// Waits at most `timeout` seconds (then kills it with SIGKILL) and collects its output.
    package func finish(timeout: Double = 120) -> ProcessOutput {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let out = FileManager.default.contents(atPath: stem + ".out") ?? Data()
        let err = FileManager.default.contents(atPath: stem + ".err") ?? Data()
        if let ownsFolder { try? FileManager.default.removeItem(atPath: ownsFolder) }
        return ProcessOutput(status: process.terminationStatus, stdoutData: out, stderr: String(decoding: err, as: UTF8.self),
                             timedOut: timedOut)
    }
}

/// A child's standard input.
package enum ProcessInput: Sendable {
    /// `/dev/null`: the child reads end of file at once.
    case null
    /// The test runner's own standard input.
    case inherit
    /// These bytes, then end of file.
    case bytes(Data)
}

/// Runs programs for tests: output captured in files, standard input from bytes or nothing, every
/// wait bounded.
package enum ProcessRunner {
    /// Starts `executable ARGUMENTS` in `cwd` with exactly `environment` (nil: the test runner's),
    /// `stdin` as its standard input, its output kept in `logDir` (nil: a private
    /// temporary folder removed by `finish`).
    package static func start(_ executable: String, _ arguments: [String], cwd: String? = nil, environment: [String: String]? = nil,
                              stdin: ProcessInput = .null, logDir: String? = nil) throws -> RunningProcess {
        let folder = logDir ?? TemporaryDirectory.make("process")
        let stem = folder + "/" + UUID().uuidString
        for s in [".out", ".err"] { _ = FileManager.default.createFile(atPath: stem + s, contents: nil) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if let environment { p.environment = environment }
        p.standardOutput = FileHandle(forWritingAtPath: stem + ".out")
        p.standardError = FileHandle(forWritingAtPath: stem + ".err")
        switch stdin {
        case .null: p.standardInput = FileHandle.nullDevice
        case .inherit: break
        case .bytes(let data):
            _ = FileManager.default.createFile(atPath: stem + ".in", contents: data)
            p.standardInput = FileHandle(forReadingAtPath: stem + ".in")
        }
        try p.run()
        return RunningProcess(process: p, stem: stem, ownsFolder: logDir == nil ? folder : nil)
    }

    /// Runs a program to completion (killed after `timeout` seconds) and returns what it left.
    package static func run(_ executable: String, _ arguments: [String], cwd: String? = nil, environment: [String: String]? = nil,
                            stdin: ProcessInput = .null, logDir: String? = nil, timeout: Double = 120) throws -> ProcessOutput {
        try start(executable, arguments, cwd: cwd, environment: environment, stdin: stdin, logDir: logDir).finish(timeout: timeout)
    }

    /// The test runner's environment with `changes` applied (a nil value removes the variable).
    package static func environment(_ changes: [String: String?], removingPrefix prefix: String? = nil) -> [String: String] {
        var e = ProcessInfo.processInfo.environment
        if let prefix { for k in e.keys where k.hasPrefix(prefix) { e[k] = nil } }
        for (k, v) in changes { e[k] = v }
        return e
    }
}
