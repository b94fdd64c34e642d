import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// The `relance report`, `db backup|restore|export` and `debtor erase` commands, run as a user
/// would: exit codes, file modes, messages.
@Suite struct CommandTests {
    static let binary = Products.relance ?? "relance (not built)"

    typealias Result = ProcessOutput

    func relance(_ args: [String], workspace: String?) throws -> Result {
        try ProcessRunner.run(CommandTests.binary, args + (workspace.map { ["--workspace", $0] } ?? []),
                              environment: ProcessRunner.environment(["RELANCE_WORKSPACE": nil]))
    }

    /// A workspace made by `relance init` with the seeded ledger.
    func workspace() throws -> (String, TempLedger) {
        let l = try TempLedger()
        let ws = l.dir + "/ws"
        let r = try relance(["init", ws], workspace: nil)
        #expect(r.status == 0, "\(r.stderr)")
        let store = try Store.LedgerStore(path: ws + "/relance.sqlite")
        try seedLedger(store)
        return (ws, l)
    }

    @Test func reportToFileIsOwnerOnly() throws {
        let (ws, l) = try workspace()
        _ = l
        let out = ws + "/out/aging.html"
        let r = try relance(["report", "aging", "--as-of", "2026-11-21", "--out", out], workspace: ws)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(mode(out) == 0o600)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("Aged receivables"))
        let csv = try relance(["report", "worklist", "--as-of", "2026-11-21", "--format", "csv", "--excel"], workspace: ws)
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("\u{FEFF}#;Klant;Naam;Telefoon;Munt;"), "\(csv.stdout.prefix(80))")
        let plain = try relance(["report", "worklist", "--as-of", "2026-11-21", "--format", "csv", "--dialect", "plain"], workspace: ws)
        #expect(plain.stdout.hasPrefix("report,worklist\n"))
        let bad = try relance(["report", "outbox", "--out", "/proc/forbidden/x.html"], workspace: ws)
        #expect(bad.status == 73, "\(bad.stderr)")
        let usage = try relance(["report", "aging", "--format", "pdf"], workspace: ws)
        #expect(usage.status == 64)
    }

    /// `[reports] dialect` and `mail_to`, and `report morning` writing the night's folder.
    @Test func reportsSectionAndMorningCommand() throws {
        let (ws, l) = try workspace()
        _ = l
        let toml = ws + "/relance.toml"
        let base = try String(contentsOfFile: toml, encoding: .utf8)
        try (base + "\n[reports]\ndialect = \"plain\"\nmail_to = [\"finance@demo.example\"]\n").write(toFile: toml, atomically: true, encoding: .utf8)
        let plain = try relance(["report", "worklist", "--as-of", "2026-11-21", "--format", "csv"], workspace: ws)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("report,worklist\n"))
        let morning = try relance(["report", "morning", "--as-of", "2026-11-21"], workspace: ws)
        #expect(morning.status == 0, "\(morning.stderr)")
        #expect(morning.stdout.contains("Input rows rejected") || morning.stdout.contains("E-mails bounced"), "\(morning.stdout)")
        #expect(FileManager.default.fileExists(atPath: ws + "/out/reports/2026-11-21/index.html"))
        #expect(FileManager.default.fileExists(atPath: ws + "/out/reports/2026-11-21/aging.csv"), "plain: one file per report")
        try (base + "\n[reports]\nmail_to = [\"not an address\"]\ndialect = \"excel-be\"\n").write(toFile: toml, atomically: true, encoding: .utf8)
        let bad = try relance(["report", "aging", "--as-of", "2026-11-21"], workspace: ws)
        #expect(bad.status == 78, "\(bad.stderr)")
        #expect(bad.stderr.contains("reports.mail_to"), "\(bad.stderr)")
    }

    @Test func backupRestoreExportErase() throws {
        let (ws, l) = try workspace()
        _ = l
        let b = try relance(["db", "backup"], workspace: ws)
        #expect(b.status == 0, "\(b.stderr)")
        let backups = try FileManager.default.contentsOfDirectory(atPath: ws + "/backups").filter { $0.hasSuffix(".sqlite") }
        #expect(backups.count == 1)
        #expect(mode(ws + "/backups/" + backups[0]) == 0o600)
        let refused = try relance(["debtor", "erase", "K004"], workspace: ws)
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        let unknown = try relance(["debtor", "erase", "K999"], workspace: ws)
        #expect(unknown.status == 65)
        let erased = try relance(["debtor", "erase", "K001"], workspace: ws)
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.hasPrefix("erased debtor K001"))
        let export = try relance(["db", "export", "--out", ws + "/out/all.tar.gz"], workspace: ws)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(mode(ws + "/out/all.tar.gz") == 0o600)
        let again = try relance(["db", "export", "--out", ws + "/out/all.tar.gz"], workspace: ws)
        #expect(again.status == 73)
        let missing = try relance(["db", "restore", ws + "/backups/none.sqlite"], workspace: ws)
        #expect(missing.status == 66)
        let junk = ws + "/junk.sqlite"
        try Data(repeating: 7, count: 9000).write(to: URL(fileURLWithPath: junk))
        let damaged = try relance(["db", "restore", junk], workspace: ws)
        #expect(damaged.status == 65, "\(damaged.stderr)")
        // The backup was made before K001's erasure: the restore erases K001 again.
        let restored = try relance(["db", "restore", ws + "/backups/" + backups[0]], workspace: ws)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("erased debtor K001 again"), "\(restored.stdout)")
        let store = try Store.LedgerStore(path: ws + "/relance.sqlite")
        try store.pool.read { (db: Database) throws -> Void in
            #expect(try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = 'K001'") == "erased-K001")
            #expect(try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = 'K002'") == Hostile.script)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM data_rights_log WHERE action = 'erase' AND subject = 'K001'") == 2)
        }
        #expect(mode(ws + "/relance.sqlite.before-restore") == 0o600)
    }

    /// The ERP's next export still lists an erased debtor: its personal data is not stored again.
    @Test func anErasedDebtorStaysErasedWhenTheNextExportListsIt() throws {
        let (ws, l) = try workspace()
        _ = l
        let csv = ws + "/inbox-debtors.csv"
        try "debtor_id,name,email,street,postal_code,city\nK001,Brasserie Éclair SRL,compta@eclair.example,Rue 1,1000,Bruxelles\nK900,Nouveau SA,ap@nouveau.example,Rue 2,1000,Bruxelles\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let erased = try relance(["debtor", "erase", "K001"], workspace: ws)
        #expect(erased.status == 0, "\(erased.stderr)")
        let again = try relance(["ingest", "debtors", csv, "--as-of", "2026-11-22"], workspace: ws)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("erased-debtor") && again.stderr.contains("K001"), "\(again.stderr)")
        let store = try Store.LedgerStore(path: ws + "/relance.sqlite")
        try store.pool.read { (db: Database) throws -> Void in
            let d = try #require(try Row.fetchOne(db, sql: "SELECT * FROM debtor WHERE debtor_key = 'K001'"))
            #expect(d["name"] as String == "erased-K001" && (d["email"] as String?) == nil && (d["street"] as String?) == nil)
            #expect(d["on_hold"] as Bool == true)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_change WHERE entity = 'debtor' AND entity_key = 'K001'") == 0)
            #expect(try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = 'K900'") == "Nouveau SA")
        }
    }
}
