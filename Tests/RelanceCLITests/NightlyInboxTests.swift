import Foundation
import Testing

/// The nightly inbox in the modes `[inbox]` gives: a snapshot export that drops an invoice closes
/// it as settled outside Relance, and the ingest summary names each file's mode.
@Suite struct NightlyInboxTests {
    @Test func aSnapshotExportInTheInboxClosesAnInvoiceItNoLongerLists() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        let config = ws + "/relance.toml"
        var text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(text.contains("\"invoice*.csv\" = \"invoices\""), "a new workspace writes the inbox defaults")
        text = text.replacingOccurrences(of: "\"invoice*.csv\" = \"invoices\"", with: "\"invoice*.csv\" = \"invoices --snapshot\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let env = ["RELANCE_WORKSPACE": ws]
        func night(_ day: String, _ files: [String: String]) throws -> CLI.Result {
            for (name, body) in files { try body.write(toFile: ws + "/inbox/" + name, atomically: true, encoding: .utf8) }
            return try CLI.run(["nightly", "--as-of", day], env: env)
        }
        let first = try night("2026-11-20", [
            "debtors.csv": "debtor_id,name,email\nK1,Een BV,een@example.be\n",
            "invoices-1.csv": "invoice_number,debtor_id,issue_date,due_date,amount,open_amount\nA-1,K1,2026-10-01,2026-10-31,100.00,100.00\nB-1,K1,2026-10-02,2026-11-01,50.00,50.00\n",
        ])
        #expect(first.stderr.contains("stage=ingest outcome=ok"), "\(first.stderr)")
        #expect(first.stderr.contains("modes=\"debtors.csv=debtors; invoices-1.csv=invoices --snapshot\""), "\(first.stderr)")
        let second = try night("2026-11-21", [
            "invoices-2.csv": "invoice_number,debtor_id,issue_date,due_date,amount,open_amount\nA-1,K1,2026-10-01,2026-10-31,100.00,100.00\n",
        ])
        #expect(second.stderr.contains("modes=\"invoices-2.csv=invoices --snapshot\" closed_by_snapshot=1"), "\(second.stderr)")
        let show = try CLI.run(["debtor", "show", "K1", "--as-of", "2026-11-21", "--format", "json"], env: env)
        let obj = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let open = (obj?["open_items"] as? [[String: String]])?.compactMap { $0["invoice"] }
        #expect(open == ["A-1"], "B-1, missing from the snapshot, is closed: \(show.stdout)")
        #expect(FileManager.default.fileExists(atPath: ws + "/processed/2026-11-21/invoices-2.csv"))
    }

    @Test func aFileNoPatternNamesIsRejected() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        try "x\n".write(toFile: ws + "/inbox/notes.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run(["nightly", "--as-of", "2026-11-21"], env: ["RELANCE_WORKSPACE": ws])
        #expect(r.stderr.contains("notes.txt:0:0: error: [inbox] no [inbox] pattern in relance.toml names this file"), "\(r.stderr)")
        #expect(r.stderr.contains("modes=\"notes.txt=unknown\""), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws + "/rejected/2026-11-21/notes.txt"))
    }

    @Test func theInboxTakesRegularFilesOnlyAndNeverFollowsALink() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        try FileManager.default.createSymbolicLink(atPath: ws + "/inbox/debtors-passwd.csv", withDestinationPath: "/etc/passwd")
        let r = try CLI.run(["nightly", "--as-of", "2026-11-21"], env: ["RELANCE_WORKSPACE": ws])
        // (A new workspace has no [company] yet, so the dunning stage also asks for it: exit 78.)
        #expect(r.status == 78, "\(r.stderr)")
        #expect(r.stderr.contains("inbox/debtors-passwd.csv:0:0: error: [inbox] not a regular file"), "\(r.stderr)")
        #expect(r.stderr.contains("stage=ingest outcome=rejected") && r.stderr.contains("rejected_files=1"), "\(r.stderr)")
        // The link itself was moved, unread: nothing of /etc/passwd reached the ledger or the rejects.
        let moved = ws + "/rejected/2026-11-21/debtors-passwd.csv"
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: moved)) == "/etc/passwd")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: ws + "/rejects")) ?? []).isEmpty)
        #expect(try CLI.run(["status"], env: ["RELANCE_WORKSPACE": ws]).stdout.contains("Debtors: 0"))
    }
}
