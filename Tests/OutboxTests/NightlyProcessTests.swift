import Foundation
import GRDB
import Store
import Testing

/// `relance nightly` as cron runs it, on the demo workspace: killed right after each stage and
/// started again, it ends in the same state as a run that was never interrupted; a second run
/// waits for the lock's holder.
@Suite(.tags(.slow), .enabled(if: RelanceBinary.path != nil, "needs the relance executable built next to the tests"))
struct NightlyProcessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Workspace {
        let dir: String
        let ws: String
        var env: [String: String]

        init(_ label: String) throws {
            dir = TestDir.make("nightly-\(label)")
            ws = dir + "/ws"
            env = ["RELANCE_WORKSPACE": ws, "RELANCE_DEMO_DIR": NightlyProcessTests.root.path + "/Examples/demo",
                   "RELANCE_MAIL_FROM": "boekhouding@demo-facturatie.example"]
            let made = try RelanceBinary.run(["init", ws, "--demo"], env: env, logDir: dir)
            guard made.status == 0 else { throw ServerError("relance init failed: \(made.stderr)") }
        }

        func nightly(stopAfter stage: String? = nil) throws -> RelanceBinary.Result {
            var e = env
            if let stage { e["RELANCE_NIGHTLY_STOP_AFTER"] = stage }
            return try RelanceBinary.run(["nightly", "--as-of", "2026-11-21"], env: e, logDir: dir, timeout: 120)
        }

        /// What a night leaves behind, without clocks, row ids of runs or Message-IDs.
        func state() throws -> String {
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            let tables = try store.pool.read { db in
                try [
                    "SELECT invoice_number, status, open_minor FROM invoice ORDER BY invoice_number",
                    "SELECT payment_key, unapplied_minor FROM payment ORDER BY payment_key",
                    "SELECT idempotency_key, step, total_minor, status, document_path FROM dunning_event ORDER BY idempotency_key",
                    "SELECT i.invoice_number, s.step, s.last_reminder, s.first_channel FROM dunning_state s JOIN invoice i ON i.id = s.invoice_id ORDER BY 1",
                    "SELECT idempotency_key, state, subject FROM outbox_message ORDER BY idempotency_key",
                    "SELECT COUNT(*) FROM invoice_forecast",
                ].map { sql in try Row.fetchAll(db, sql: sql).map(\.description).joined(separator: "\n") }
            }
            let fm = FileManager.default
            let files = ["inbox", "processed/2026-11-21", "out/letters/2026-11-21", "out/reports/2026-11-21"].map { folder in
                folder + ": " + ((try? fm.contentsOfDirectory(atPath: ws + "/" + folder)) ?? []).sorted().joined(separator: ", ")
            }
            let mails = ((try? fm.contentsOfDirectory(atPath: ws + "/out/mail")) ?? []).filter { $0.hasSuffix(".eml") }.count
            let backups = ((try? fm.contentsOfDirectory(atPath: ws + "/backups")) ?? []).filter { $0.hasSuffix(".sqlite") }.count
            return (tables + files + ["mails: \(mails)", "backups: \(backups)"]).joined(separator: "\n--\n").replacingOccurrences(of: dir, with: "DIR")
        }
    }

    @Test func aNightKilledAfterAnyStageAndStartedAgainEndsLikeAnUninterruptedOne() throws {
        let clean = try Workspace("clean")
        defer { try? FileManager.default.removeItem(atPath: clean.dir) }
        let first = try clean.nightly()
        #expect(first.status == 65, "the demo exports have rejected rows: \(first.stderr)")
        for stage in ["ingest", "billing", "forecast", "dunning", "outbox", "reports", "backup"] {
            #expect(first.stderr.contains("stage=\(stage) outcome="), "no summary line for \(stage)")
        }
        let expected = try clean.state().replacingOccurrences(of: "nightly-clean", with: "nightly-X")
        #expect(expected.contains("processed/2026-11-21: debtors.csv, invoices.csv, payments.csv"))
        let again = try clean.nightly()
        #expect(again.status == 0 && again.stderr.contains("stage=dunning outcome=done-earlier"))
        #expect(try clean.state().replacingOccurrences(of: "nightly-clean", with: "nightly-X") == expected, "a rerun changes nothing")

        #expect(expected.contains("aging.html") && expected.contains("backups: 1"))
        for stage in ["ingest", "forecast", "dunning", "outbox", "reports", "backup"] {
            let w = try Workspace(stage)
            defer { try? FileManager.default.removeItem(atPath: w.dir) }
            let killed = try w.nightly(stopAfter: stage)
            #expect(killed.status == 137, "\(stage): \(killed.stderr)")
            let resumed = try w.nightly()
            #expect([0, 65].contains(resumed.status), "\(stage): \(resumed.stderr)")
            #expect(resumed.stderr.contains("stage=\(stage) outcome=done-earlier"))
            #expect(try w.state().replacingOccurrences(of: "nightly-\(stage)", with: "nightly-X") == expected,
                    "killed after \(stage) and resumed, the night differs from an uninterrupted one")
        }
    }

    @Test func aSecondRunWaitsForTheLockHolderAndADeadHoldersLockIsTakenOver() throws {
        let w = try Workspace("lock")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let lock = w.ws + "/relance.lock"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX); f.write('pid 4242 started 2026-11-21T02:30:00.000Z'); f.flush()
            open(sys.argv[1] + '.ready', 'w').close(); time.sleep(30)
            """, lock]
        try holder.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: lock + ".ready") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let blocked = try w.nightly()
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("another nightly run holds the workspace lock (pid 4242 started 2026-11-21T02:30:00.000Z)"))
        kill(holder.processIdentifier, SIGKILL)  // the holder dies without unlocking: the kernel releases its lock
        holder.waitUntilExit()
        let after = try w.nightly()
        #expect(after.status == 65 && after.stderr.contains("stage=outbox outcome=ok"), "\(after.stderr)")
    }
}
