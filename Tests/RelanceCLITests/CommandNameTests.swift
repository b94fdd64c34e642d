import Foundation
import RelanceTestSupport
import Testing

/// Every command names itself. Without `commandName`, ArgumentParser derives the name from the type
/// (`String(describing:)`, a protocol-conformance search of the Swift runtime per type) for every
/// command of the tree at each start: ≈ 100 M instructions a process, more than a small ingest's work.
@Suite struct CommandNameTests {
    @Test func everyCommandConfigurationNamesItsCommand() throws {
        let root = TestPaths.packageRoot + "/Sources/relance"
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".swift") }
        var commands = 0, configurations = 0
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            commands += text.matches(of: /struct \w+\s*:[^{]*\bParsableCommand\b/).count
            for m in text.matches(of: /CommandConfiguration\(\s*(\w*)/) {
                configurations += 1
                #expect(m.output.1 == "commandName", "\(file): a CommandConfiguration without commandName first")
            }
        }
        #expect(commands > 80)
        #expect(configurations >= commands, "a command without its own configuration (and name)")
    }
}
