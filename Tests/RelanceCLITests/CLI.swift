import Foundation
import RelanceTestSupport
import Testing

/// Runs the built `relance` binary as a user would.
struct CLI {
    /// The folder holding the test runner and the products it was built with.
    static let productsDir: String = Products.directory ?? "(relance not built)"

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("IngestTests/Fixtures").path

    typealias Result = ProcessOutput

    /// Runs `relance ARGS` in `cwd` with the given extra environment.
    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        try runTool(productsDir + "/relance", args, cwd: cwd, env: env)
    }

    /// Runs any program as `run` runs `relance`: without `RELANCE_WORKSPACE`, 100 columns wide, the
    /// test runner's standard input, killed after two minutes.
    static func runTool(_ tool: String, _ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Result {
        var changes: [String: String?] = ["RELANCE_WORKSPACE": nil, "COLUMNS": "100"]
        for (k, v) in env { changes[k] = v }
        return try ProcessRunner.run(tool, args, cwd: cwd, environment: ProcessRunner.environment(changes), stdin: .inherit)
    }

    /// A temporary folder.
    static func tempDir() -> String { TemporaryDirectory.make("cli") }
}
