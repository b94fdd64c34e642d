import Foundation
import Testing

/// Dunning's workspace files are loaded in one place (Pipeline's `DunningSetup`): `config check`
/// and the runs refuse the same broken file, naming it (78), and never fall back to the shipped one.
@Suite struct WorkspaceFilesCLITests {
    @Test func aBrokenTemplateFailsConfigCheckAndThePlanNamesIt() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        // A new workspace lacks its company identity (78), but its shipped templates are fine.
        #expect(try !CLI.run(["config", "check", "--workspace", ws]).stderr.contains("[template]"))
        try "no content type line {{".write(toFile: ws + "/templates/nl/broken.mustache", atomically: true, encoding: .utf8)
        let c = try CLI.run(["config", "check", "--workspace", ws])
        #expect(c.status == 78)
        #expect(c.stderr.contains("templates/nl/broken.mustache:0:0: error: [template]"), "\(c.stderr)")
        let r = try CLI.run(["dunning", "run", "--workspace", ws, "--as-of", "2026-11-21", "--ignore-stale"])
        #expect(r.status == 78)
        #expect(r.stderr.contains("templates/nl/broken.mustache"), "\(r.stderr)")
    }

    @Test func aLadderThatCannotBeReadFailsConfigCheck() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: URL(fileURLWithPath: ws + "/ladder-b2b.toml"))
        let c = try CLI.run(["config", "check", "--workspace", ws])
        #expect(c.status == 78)
        #expect(c.stderr.contains("ladder-b2b.toml: cannot be read"), "\(c.stderr)")
        let p = try CLI.run(["dunning", "plan", "--workspace", ws, "--as-of", "2026-11-21"])
        #expect(p.status == 78)
        #expect(p.stderr.contains("ladder-b2b.toml: cannot be read"), "\(p.stderr)")
    }
}
