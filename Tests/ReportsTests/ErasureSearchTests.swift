import Foundation
import GRDB
import Store
import Testing

/// After `relance debtor erase`, a search of the whole workspace (database included, backups
/// excepted: they rotate out, and the command says so) finds none of the debtor's personal data:
/// not in previews, letters, pickup mail, rejects, processed exports, reports or export archives.
@Suite struct ErasureSearchTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func relance(_ args: [String], ws: String) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandTests.binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for k in env.keys where k.hasPrefix("RELANCE_") { env[k] = nil }
        env["RELANCE_WORKSPACE"] = ws
        env["RELANCE_DEMO_DIR"] = Self.root.path + "/Examples/demo"
        env["RELANCE_MAIL_FROM"] = "boekhouding@demo-facturatie.example"
        p.environment = env
        let dir = (ws as NSString).deletingLastPathComponent
        let out = dir + "/\(UUID().uuidString).out", err = dir + "/\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        p.waitUntilExit()
        defer { unlink(out); unlink(err) }
        return Run(status: p.terminationStatus, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Files under `ws` (backups/ excepted) whose bytes contain `value`.
    func holding(_ value: String, in ws: String) -> [String] {
        let needle = Data(value.utf8)
        var found: [String] = []
        let e = FileManager.default.enumerator(atPath: ws)
        while let rel = e?.nextObject() as? String {
            if rel.hasPrefix("backups") { continue }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: ws + "/" + rel, isDirectory: &isDir), !isDir.boolValue,
                  let data = FileManager.default.contents(atPath: ws + "/" + rel) else { continue }
            if data.range(of: needle) != nil { found.append(rel) }
        }
        return found.sorted()
    }

    @Test func noTraceOfAnErasedDebtorIsLeftInTheWorkspace() throws {
        let dir = NSTemporaryDirectory() + "relance-erase-search-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ws = dir + "/ws"
        #expect(try relance(["init", ws, "--demo"], ws: ws).status == 0)
        let night = try relance(["nightly", "--as-of", "2026-11-21"], ws: ws)
        #expect([0, 65].contains(night.status), "\(night.stderr)")
        let key = "K1082"
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        let row = try #require(try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT name, email, street FROM debtor WHERE debtor_key = ?", arguments: [key])
        })
        let values = [row[0] as String, row[1] as String, row[2] as String]
        // A rejected row of that debtor, a preview, an export archive in the workspace.
        let fix = dir + "/fix-debtors.csv"
        try "debtor_id,name,email,street\n\(key),\(values[0]),not-an-address,\(values[2])\n".write(toFile: fix, atomically: true, encoding: .utf8)
        #expect(try relance(["ingest", "debtors", fix, "--as-of", "2026-11-21"], ws: ws).status == 65)
        // The preview's reminder claims interest over 2026-H2, whose rate the demo leaves for the user to set.
        #expect(try relance(["rates", "set", "2026-H2", "10.50", "--source", "test"], ws: ws).status == 0)
        let preview = try relance(["dunning", "preview", "--debtor", key, "--as-of", "2026-11-28", "--out", ws + "/out/preview"], ws: ws)
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(try relance(["db", "export"], ws: ws).status == 0)
        let before = holding(values[0], in: ws)
        #expect(before.contains { $0.hasPrefix("rejects/") } && before.contains { $0.hasPrefix("out/preview/") }
                && before.contains { $0.hasPrefix("processed/") } && before.contains { $0.hasPrefix("out/mail/") }, "\(before)")

        let erased = try relance(["debtor", "erase", key], ws: ws)
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("  rewritten rejects/") && erased.stdout.contains("  removed   out/relance-export-"),
                "\(erased.stdout)")
        #expect(erased.stdout.contains("not reached: the backups in backups/"))
        for value in values {
            #expect(holding(value, in: ws) == [], "\(value) is still in the workspace")
        }
        #expect(try relance(["status"], ws: ws).status == 0, "the workspace still works")
    }
}
