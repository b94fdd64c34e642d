import Foundation
import Testing

/// Runs the built `relance` binary as a user would.
struct CLI {
    /// The folder holding the test runner and the products it was built with.
    static let productsDir: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        // The runner may sit inside a bundle folder (…/RelancePackageTests.xctest/…).
        while !FileManager.default.fileExists(atPath: dir + "/relance") && dir.count > 1 {
            dir = (dir as NSString).deletingLastPathComponent
        }
        return dir
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("IngestTests/Fixtures").path
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `relance ARGS` in `cwd` with the given extra environment.
    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        try runTool(productsDir + "/relance", args, cwd: cwd, env: env)
    }

    /// Runs any program as `run` runs `relance`.
    static func runTool(_ tool: String, _ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var environment = ProcessInfo.processInfo.environment
        environment["RELANCE_WORKSPACE"] = nil
        environment["COLUMNS"] = "100"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Compares `actual` with the golden file `name`; `RELANCE_RECORD=1` rewrites it and fails,
    /// so a re-recording can never pass silently.
    static func assertGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = golden + "/" + name
        if ProcessInfo.processInfo.environment["RELANCE_RECORD"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("re-recorded \(name); run again without RELANCE_RECORD", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "output differs from golden file \(name)", sourceLocation: sourceLocation)
    }

    /// A temporary folder.
    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "relance-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
