import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// Exit codes and outcome words monitoring can trust, and the run ledger after SIGTERM and
/// SIGKILL, with the real `relance` process and a real loopback SMTP server.
@Suite(.tags(.slow, .smtp), .requires(.aiosmtpd, .relance))
struct ExitCodeProcessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func runs(_ ws: String) throws -> [(command: String, outcome: String, exit: Int?)] {
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        return try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT command, outcome, exit_code FROM run ORDER BY id").map { ($0[0], $0[1], $0[2]) }
        }
    }

    func states(_ ws: String) throws -> [String: Int] {
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        return try store.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox_message GROUP BY state")
                .map { ($0[0] as String, $0[1] as Int) })
        }
    }

    @Test(arguments: [("451 4.2.0 mailbox busy", Int32(81), "deferred"), ("550 5.1.1 no such user", Int32(82), "bounced")])
    func aFlushWhoseRecipientsAllFailDoesNotExitZero(reply: String, status: Int32, outcome: String) throws {
        let server = try SMTPServer(["--rcpt-reply", "jan.peeters@klant.example=" + reply])
        let setup = try FlushProcessTests.Setup(count: 3, server: server, pdfSize: 500)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        // Queued just now, so that a deferral is not an expiry (which bounces).
        let store = try LedgerStore(path: setup.ws + "/relance.sqlite")
        try store.pool.write { db in
            try db.execute(sql: "UPDATE outbox_message SET lifetime_from = ?", arguments: [Instant.string(Date())])
        }
        let r = try RelanceBinary.run(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        #expect(r.status == status, "\(r.stdout)\(r.stderr)")
        #expect(try runs(setup.ws).last?.outcome == outcome)
        #expect(try runs(setup.ws).last?.exit == Int(status))
        if status == 82 { #expect(r.stderr.contains("bounced: see `relance outbox list --state bounced`")) }
    }

    @Test func aServerReplyWithTerminalEscapesIsPrintedEscaped() throws {
        let server = try SMTPServer(["--rcpt-reply", "jan.peeters@klant.example=550 5.1.1 \u{1B}[2J\u{1B}]0;owned\u{07} gone"])
        let setup = try FlushProcessTests.Setup(count: 1, server: server, pdfSize: 500)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        let flush = try RelanceBinary.run(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        #expect(flush.status == 82)
        let list = try RelanceBinary.run(["outbox", "list"], env: setup.env, logDir: setup.dir)
        #expect(!list.stdout.contains("\u{1B}") && !list.stderr.contains("\u{1B}"), "\(list.stdout)")
        #expect(list.stdout.contains("\\x1B[2J"), "\(list.stdout)")
    }

    @Test func sigtermStopsAFlushAfterTheMessageOnTheWireAndRecordsTheRunAsInterrupted() throws {
        let server = try SMTPServer(["--delay", "0.25"])
        let setup = try FlushProcessTests.Setup(count: 40, server: server, pdfSize: 500)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        let p = try RelanceBinary.start(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        _ = try server.waitFor(3, timeout: 20)
        kill(p.processIdentifier, SIGTERM)
        let r = RelanceBinary.finish(p, timeout: 20)
        #expect(r.status == 143, "\(r.stderr)")
        #expect(r.stderr.contains("stopped by SIGTERM"))
        let counts = try states(setup.ws)
        #expect(counts["active"] == nil, "no lease is left behind: \(counts)")
        #expect((counts["sent"] ?? 0) >= 3 && (counts["sent"] ?? 0) < 40 && (counts["queued"] ?? 0) > 0, "\(counts)")
        #expect((counts["sent"] ?? 0) == (try server.received().count), "every message the server has is recorded as sent")
        #expect(try runs(setup.ws).last?.outcome == "interrupted" && runs(setup.ws).last?.exit == 143)
    }

    /// The demo workspace, its night sending through `server`.
    func demo(_ label: String, server: SMTPServer) throws -> (dir: String, ws: String, env: [String: String]) {
        let dir = TestDir.make("exit-\(label)")
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_DEMO_DIR": Self.root.path + "/Examples/demo", "RELANCE_SMTP_URL": server.url,
                   "RELANCE_SMTP_TLS": "none", "RELANCE_MAIL_FROM": "boekhouding@demo-facturatie.example"]
        let made = try RelanceBinary.run(["init", ws, "--demo"], env: env, logDir: dir)
        guard made.status == 0 else { throw ServerError("relance init failed: \(made.stderr)") }
        return (dir, ws, env)
    }

    @Test func theRunsLedgerAfterSigtermAndAfterSigkill() throws {
        let server = try SMTPServer(["--delay", "0.2"])
        let (dir, ws, env) = try demo("signals", server: server)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let night = ["nightly", "--as-of", "2026-11-21"]

        // SIGTERM in the outbox stage: the message on the wire is finished, the run is interrupted, exit 143.
        let first = try RelanceBinary.start(night, env: env, logDir: dir)
        _ = try server.waitFor(2, timeout: 90)
        kill(first.processIdentifier, SIGTERM)
        let stopped = RelanceBinary.finish(first, timeout: 30)
        #expect(stopped.status == 143, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("stage=outbox outcome=interrupted"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("stage=reports outcome=interrupted reason=SIGTERM"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("stage=run outcome=interrupted exit=143"), "\(stopped.stderr)")
        #expect(try runs(ws).last?.outcome == "interrupted")
        #expect(try states(ws)["active"] == nil)

        // SIGKILL in the outbox stage: the run stays `running` until the next run sees its process is gone.
        let second = try RelanceBinary.start(night, env: env, logDir: dir)
        let before = try server.received().count
        _ = try server.waitFor(before + 2, timeout: 90)
        kill(second.processIdentifier, SIGKILL)
        _ = RelanceBinary.finish(second, timeout: 10)
        #expect(try runs(ws).last?.outcome == "running")
        let list = try RelanceBinary.run(["runs", "list"], env: env, logDir: dir)
        #expect(list.status == 0)
        #expect(try runs(ws).last?.outcome == "interrupted", "runs list marks the dead run")

        // The third run finishes the outbox, and makes the day's reports and backup again after it.
        let third = try RelanceBinary.run(night, env: env, logDir: dir, timeout: 120)
        #expect([0, 65].contains(third.status), "\(third.stderr)")
        #expect(third.stderr.contains("stage=dunning outcome=done-earlier"))
        #expect(third.stderr.contains("stage=outbox outcome=ok"), "\(third.stderr)")
        #expect(third.stderr.contains("stage=reports outcome=ok") && third.stderr.contains("stage=backup outcome=ok"))
        #expect(try states(ws).keys.sorted() == ["sent"])
        #expect(try runs(ws).map(\.outcome).suffix(3) == ["interrupted", "interrupted", third.status == 0 ? "ok" : "rejected"])
    }

    @Test func aNightWhoseMailIsAllDeferredSaysSoAndExits81() throws {
        let server = try SMTPServer(["--end-reply", "451 4.3.0 try again later"])
        let (dir, ws, env) = try demo("deferred", server: server)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The night's input rows are ingested first, so that only the mail decides the outcome.
        var quiet = env
        quiet["RELANCE_SMTP_URL"] = nil
        for kind in ["debtors", "invoices", "payments"] {
            _ = try RelanceBinary.run(["ingest", kind, ws + "/inbox/\(kind).csv", "--as-of", "2026-11-21"], env: quiet, logDir: dir)
            try FileManager.default.removeItem(atPath: ws + "/inbox/\(kind).csv")
        }
        let r = try RelanceBinary.run(["nightly", "--as-of", "2026-11-21"], env: env, logDir: dir, timeout: 120)
        #expect(r.status == 81, "\(r.stderr)")
        #expect(r.stderr.contains("stage=outbox outcome=deferred"), "\(r.stderr)")
        #expect(r.stderr.contains("stage=run outcome=deferred exit=81"), "\(r.stderr)")
        #expect(try runs(ws).last?.outcome == "deferred")
    }

    @Test func configCheckAppliesTheFlushsTLSRulesToTheEnvironmentToo() throws {
        let dir = TestDir.make("config-tls")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try RelanceBinary.run(["init", ws], env: [:], logDir: dir).status == 0)
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_SMTP_URL": "smtp://mail.example.be:25", "RELANCE_SMTP_TLS": "none",
                   "RELANCE_MAIL_FROM": "boekhouding@facturatie.example"]
        let check = try RelanceBinary.run(["config", "check"], env: env, logDir: dir)
        let flush = try RelanceBinary.run(["outbox", "flush"], env: env, logDir: dir)
        #expect(check.status == 78 && flush.status == 78, "\(check.stderr)")
        #expect(check.stderr.contains("only accepted for a loopback host"))
    }

    @Test func aNightThatNeedsALookEmailsASummaryToTheAlertsAddress() throws {
        let server = try SMTPServer()
        let (dir, ws, env) = try demo("alerts", server: server)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try String(contentsOfFile: ws + "/relance.toml", encoding: .utf8)
        try (config + "\n[alerts]\nto = [\"finance-it@demo-facturatie.example\"]\n").write(toFile: ws + "/relance.toml", atomically: true,
                                                                                            encoding: .utf8)
        let r = try RelanceBinary.run(["nightly", "--as-of", "2026-11-21"], env: env, logDir: dir, timeout: 120)
        #expect(r.status == 65, "the demo exports have rejected rows: \(r.stderr)")
        #expect(r.stderr.contains("stage=alert outcome=sent to=finance-it@demo-facturatie.example"), "\(r.stderr)")
        let alerts = try server.received().filter { $0.rcpt_tos == ["finance-it@demo-facturatie.example"] }
        let alert = try #require(alerts.first)
        #expect(alerts.count == 1)
        #expect(alert.message.header("subject") == "relance nightly 2026-11-21: rejected (exit 65)")
        #expect(alert.message.text?.contains("stage=ingest outcome=rejected") == true)
        #expect(alert.message.text?.contains("stage=run outcome=rejected exit=65") == true)
        // A good night sends none.
        let again = try RelanceBinary.run(["nightly", "--as-of", "2026-11-21"], env: env, logDir: dir, timeout: 120)
        #expect(again.status == 0 && !again.stderr.contains("stage=alert"), "\(again.stderr)")
    }

    @Test func aLaterFlushOnTheSameDayRefreshesTheDaysOutboxReportAndBackup() throws {
        let server = try SMTPServer()
        let setup = try FlushProcessTests.Setup(count: 2, server: server, pdfSize: 500)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Europe/Brussels") ?? .gmt
        func day(_ d: Date) -> String {
            let c = cal.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        }
        // The nightly made the day's reports earlier, when nothing was sent yet: today's folder, and
        // tomorrow's, in case midnight in Brussels passes before the flush reads its day.
        let now = Date()
        let days = [day(now), day(now.addingTimeInterval(86_400))]
        for d in days {
            try FileManager.default.createDirectory(atPath: setup.ws + "/out/reports/" + d, withIntermediateDirectories: true)
            try "stale".write(toFile: setup.ws + "/out/reports/" + d + "/outbox.html", atomically: true, encoding: .utf8)
        }
        let r = try RelanceBinary.run(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        #expect(r.status == 0, "\(r.stderr)")
        let refreshed = days.filter { r.stderr.contains("refreshed out/reports/\($0)/outbox.*") }
        #expect(refreshed.count == 1, "\(r.stderr)")
        let folder = setup.ws + "/out/reports/" + (refreshed.first ?? days[0])
        let html = try String(contentsOfFile: folder + "/outbox.html", encoding: .utf8)
        #expect(html != "stale" && html.contains("<html"))
        #expect(FileManager.default.fileExists(atPath: folder + "/outbox.csv"))
        let backups = (try? FileManager.default.contentsOfDirectory(atPath: setup.ws + "/backups")) ?? []
        #expect(backups.filter { $0.hasSuffix(".sqlite") }.count == 1)
    }
}
