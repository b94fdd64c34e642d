import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// `relance nightly` as cron runs it, on the demo workspace: killed right after each stage and
/// started again, it ends in the same state as a run that was never interrupted; a second run
/// waits for the lock's holder.
@Suite(.tags(.slow), .requires(.relance))
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

        func nightly(stopAfter stage: String? = nil, day: String = "2026-11-21", extra: [String: String] = [:]) throws -> RelanceBinary.Result {
            var e = env.merging(extra) { $1 }
            if let stage { e["RELANCE_NIGHTLY_STOP_AFTER"] = stage }
            return try RelanceBinary.run(["nightly", "--as-of", day], env: e, logDir: dir, timeout: 120)
        }

        func relance(_ args: String...) throws -> RelanceBinary.Result { try RelanceBinary.run(args, env: env, logDir: dir, timeout: 120) }

        func sql(_ statement: String) throws {
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            try store.pool.write { db in try db.execute(sql: statement) }
        }

        func count(_ query: String) throws -> Int {
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            return try store.pool.read { db in try Int.fetchOne(db, sql: query) ?? 0 }
        }

        /// What a night leaves behind, without clocks, row ids of runs or Message-IDs.
        func state() throws -> String {
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            let tables = try store.pool.read { db in
                try [
                    "SELECT invoice_number, status, open_minor FROM invoice ORDER BY invoice_number",
                    "SELECT payment_key, unapplied_minor FROM payment ORDER BY payment_key",
                    "SELECT \(DunningEventKey.sql()) AS k, step, total_minor, status, \(DunningEventRecord.documentPathSQL()) FROM dunning_event ORDER BY k",
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
            if stage == "dunning" {
                // The ledger says which stages the first, killed run finished and the second did not redo.
                let show = try w.relance("runs", "show")
                #expect(show.status == 0, "\(show.stderr)")
                #expect(show.stdout.hasPrefix("run ") && show.stdout.contains("nightly"), "\(show.stdout)")
                #expect(show.stdout.contains("finished earlier on 2026-11-21, not redone by this run:"), "\(show.stdout)")
                #expect(show.stdout.split(separator: "\n").contains { $0.hasPrefix("dunning\t") && $0.contains("\tok\t") && $0.contains("reminders") },
                        "\(show.stdout)")
                #expect(show.stdout.split(separator: "\n").contains { $0.hasPrefix("outbox\t") && $0.contains("\tok\t") }, "\(show.stdout)")
                let missing = try w.relance("runs", "show", "9999")
                #expect(missing.status == 64)
            }
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

    @Test func aFailingMailServerHoldsTheMailButNotTheReportsAndTheNextRunSends() throws {
        let w = try Workspace("smtp-down")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let down = try w.nightly(extra: ["RELANCE_SMTP_URL": "smtp://127.0.0.1:9", "RELANCE_SMTP_TLS": "none"])
        #expect(down.status == 69, "\(down.stderr)")
        for line in ["stage=outbox outcome=failed", "stage=reports outcome=ok", "stage=backup outcome=ok"] {
            #expect(down.stderr.contains(line), "missing: \(line)")
        }
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'sent'") == 0)
        // The server is back (here: the pickup folder): the same night's rerun sends, and only that stage runs.
        let back = try w.nightly()
        #expect(back.status == 0 && back.stderr.contains("stage=outbox outcome=ok") && back.stderr.contains("stage=dunning outcome=done-earlier"))
        // The one message that met the dead server waits for its retry time; the others went.
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'queued'") == 0)
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'deferred'") == 1)
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'sent'") == 98)
    }

    /// The demo's debtors, and reminders of €1 each on the three nights before 2026-11-21.
    func seedEarlierNights(_ w: Workspace, reminders: Int, status: String) throws {
        #expect(try w.relance("ingest", "debtors", w.ws + "/inbox/debtors.csv", "--as-of", "2026-11-18").status == 65)
        for day in ["2026-11-18", "2026-11-19", "2026-11-20"] {
            try w.sql("""
                INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                SELECT 'seed:\(day):' || id, id, '\(day)', 'b2b/v1', 'reminder-1', 1, 'email', 'nl', 'EUR', 100, 0, 0, 100, '{}', '\(status)',
                  '\(day)T02:30:00.000Z' FROM debtor ORDER BY id LIMIT \(reminders)
                """)
        }
    }

    @Test func anUnusualNumberOfRemindersIsWrittenButHeldUntilAPersonReleasesThem() throws {
        let w = try Workspace("anomaly")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        // Three earlier nights of ten messages each, and many worklist items that do not count.
        try seedEarlierNights(w, reminders: 10, status: "queued")
        let night = try w.nightly()
        #expect(night.status == 80)
        #expect(night.stderr.contains("stage=dunning outcome=held"))
        #expect(night.stderr.contains("reminders tonight against a usual 10"), "\(night.stderr)")
        #expect(night.stderr.contains("relance dunning release 2026-11-21"))
        // (The seeded debtors had a message yesterday: the cadence keeps them out tonight.)
        let messages = try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-11-21' AND status = 'held'")
        let emails = try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-11-21' AND outbox_message_id IS NOT NULL")
        let pdfs = try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-11-21' AND document_path IS NOT NULL")
        #expect(messages > 80 && emails > 80 && pdfs > 30, "\(messages) \(emails) \(pdfs)")
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'hold'") == emails, "written, waiting for a person")
        // The letters wait too, out of the folder people print from.
        let letters = (try? FileManager.default.contentsOfDirectory(atPath: w.ws + "/out/letters/held/2026-11-21")) ?? []
        #expect(letters.count == pdfs)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: w.ws + "/out/letters/2026-11-21")) ?? []).isEmpty)
        // A flush, and the next night, leave them alone.
        #expect(try w.relance("outbox", "flush").stdout.contains("sent 0,"))
        _ = try w.nightly(day: "2026-11-22")
        #expect(try w.count("""
            SELECT COUNT(*) FROM outbox_message m JOIN dunning_event e ON e.outbox_message_id = m.id WHERE e.as_of = '2026-11-21' AND m.state = 'hold'
            """) == emails)
        #expect(try w.relance("status").stdout.contains("Messages held on 2026-11-21: \(messages) (anomaly:"))
        // A person releases them: the e-mails go with the next flush, the letters come back.
        let release = try w.relance("dunning", "release", "2026-11-21")
        #expect(release.status == 0 && release.stdout.contains("released \(messages) message(s) of 2026-11-21"), "\(release.stdout)\(release.stderr)")
        #expect(try w.relance("outbox", "flush").stdout.contains("sent \(emails),"))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: w.ws + "/out/letters/2026-11-21")) ?? []).count == pdfs)
        #expect(try w.relance("dunning", "release", "2026-11-21").status == 65)
    }

    @Test func anUnusualTotalClaimedIsWrittenButHeld() throws {
        let w = try Workspace("anomaly-claimed")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        // Three earlier nights with as many reminders as tonight, each claiming €1.
        try seedEarlierNights(w, reminders: 107, status: "queued")
        let night = try w.nightly()
        #expect(night.status == 80)
        #expect(night.stderr.contains("stage=dunning outcome=held"))
        #expect(!night.stderr.contains("reminders tonight against a usual"), "the number is usual: \(night.stderr)")
        #expect(night.stderr.contains("claimed tonight against a usual EUR 107.00"), "\(night.stderr)")
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE state = 'sent'") == 0)
    }

    @Test func staleInputHoldsTheRemindersAndTheMail() throws {
        let w = try Workspace("stale")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        #expect(try w.nightly().status == 65)
        // The next night nothing new has arrived, and the last ingest is long ago.
        try w.sql("UPDATE ingest_batch SET finished_at = '2026-11-01T01:00:00.000Z'")
        let next = try w.nightly(day: "2026-12-10")
        #expect(next.status == 80, "\(next.stderr)")
        for line in ["stage=dunning outcome=held", "stage=outbox outcome=held", "stage=reports outcome=ok", "gate=\"stale data: the last ingest was"] {
            #expect(next.stderr.contains(line), "missing: \(line)")
        }
        #expect(try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-12-10'") == 0)
    }

    @Test func aMissingRateHoldsOnlyTheMessagesThatNeedItUntilTheRateIsSet() throws {
        let w = try Workspace("rate-missing")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        // Night 1: first reminders only, no interest needed, the demo's rates.toml has no 2026-H2.
        #expect(try w.nightly().status == 65)
        // Fifteen days later the B2B second reminders claim interest over days of 2026-H2.
        let night = try w.nightly(day: "2026-12-06")
        #expect(night.status == 79, "\(night.stderr)")
        #expect(night.stderr.contains("stage=dunning outcome=held"))
        #expect(night.stderr.contains("rate_missing=2026-H2"))
        #expect(night.stderr.contains("`relance rates set 2026-H2 <percent> --source"), "\(night.stderr)")
        let written = try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-12-06' AND status = 'queued'")
        let claiming = try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-12-06' AND interest_minor > 0")
        #expect(written > 0 && claiming == 0, "the messages that need no interest went out: \(written)")
        // `relance rates set` adds the rate; the next night writes the messages that waited.
        #expect(try w.relance("rates", "set", "2026-H2", "10.50", "--source", "BS test notice").status == 0)
        let next = try w.nightly(day: "2026-12-07")
        #expect(!next.stderr.contains("rate_missing"), "\(next.stderr)")
        #expect(try w.count("SELECT COUNT(*) FROM dunning_event WHERE as_of = '2026-12-07' AND interest_minor > 0") > 0)
    }

    @Test func theMorningPageIsMailedTheSameNight() throws {
        let w = try Workspace("morning-mail")
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let config = w.ws + "/relance.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        #expect(!text.contains("[reports]"))
        try (text + "\n[reports]\nmail_to = [\"cfo@demo-facturatie.example\"]\n").write(toFile: config, atomically: true, encoding: .utf8)
        let night = try w.nightly()
        #expect(night.stderr.contains("morning_mail=sent"), "\(night.stderr)")
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = 'report:morning:2026-11-21' AND state = 'sent'") == 1)
    }
}
