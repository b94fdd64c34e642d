import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// The demo's nightly data through the real commands: `dunning run` writes the reminders, `outbox
/// flush` delivers them to a real SMTP server on loopback, and what arrived is what was decided:
/// one message per debtor, the letter attached byte for byte, the headers and bodies as in the
/// golden files (`Golden/dunning`; `RELANCE_RECORD=1` rewrites them and fails on purpose).
@Suite(.tags(.slow, .smtp), .requires(.aiosmtpd, .relance, .pdftotext))
struct DunningMailTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Debtors whose e-mails are golden: B2B and B2C in each language.
    static let mailDebtors = ["K1030", "K1074", "K1055", "K1012", "K1082", "K1025", "K1024", "K1138"]
    /// Debtors whose letters are golden (text read back with pdftotext).
    static let letterDebtors = ["K1010", "K1129", "K1082", "K1025", "K1024", "K1138"]

    @Test func theDemoNightReachesARealSMTPServerIntactAndMatchesTheGoldenFiles() throws {
        let server = try SMTPServer()
        defer { server.stop() }
        let dir = TestDir.make("dunning")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_DEMO_DIR": Self.root.path + "/Examples/demo", "RELANCE_SMTP_URL": server.url,
                   "RELANCE_SMTP_TLS": "none", "RELANCE_MAIL_FROM": "boekhouding@demo-facturatie.example"]
        func relance(_ args: String...) throws -> RelanceBinary.Result { try RelanceBinary.run(args, env: env, logDir: dir, timeout: 120) }
        #expect(try relance("init", ws, "--demo").status == 0)
        for kind in ["debtors", "invoices", "payments"] {
            let r = try relance("ingest", kind, ws + "/inbox/\(kind).csv", "--as-of", "2026-11-21")
            #expect([0, 65].contains(r.status), "ingest \(kind): \(r.stderr)")
        }
        // A preview renders the next reminder to files and records nothing.
        let preview = try relance("dunning", "preview", "--debtor", "K1082", "--as-of", "2026-11-21", "--out", dir + "/preview")
        #expect(preview.status == 0 && preview.stdout.hasPrefix("K1082: reminder-1 on 2026-11-21 by email+letter, total EUR 611.40"),
                "\(preview.stdout)\(preview.stderr)")
        let previewText = try String(contentsOfFile: dir + "/preview/K1082-reminder-1.txt", encoding: .utf8)
        #expect(previewText.hasPrefix("Subject: Eerste herinnering (kosteloos): openstaand saldo € 611,40\nTo: Griet Vercauteren <"))
        let previewPDF = try SMTPServer.run("/usr/bin/pdftotext", [dir + "/preview/K1082-reminder-1.pdf", "-"])
        #expect(String(decoding: previewPDF.stdout, as: UTF8.self).contains("+++900/0000/08297+++"))
        #expect(try relance("dunning", "preview", "--debtor", "NOPE").status == 65)

        let run = try relance("dunning", "run", "--as-of", "2026-11-21")
        #expect(run.status == 0, "\(run.stderr)")
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        let (events, queued) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE status = 'queued'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE origin = 'dunning' AND state = 'queued'") ?? 0)
        }
        #expect(events > 100 && queued > 90)
        #expect(run.stderr.contains("dunning run for 2026-11-21: \(events) reminders (\(queued) e-mails queued"))
        // Rerunning the night changes nothing.
        let again = try relance("dunning", "run", "--as-of", "2026-11-21")
        #expect(again.status == 0 && again.stderr.contains(": 0 reminders (0 e-mails queued, 0 letters)"))

        // The next night's plan says what changed since this one.
        let next = try relance("dunning", "plan", "--as-of", "2026-11-28", "--all", "--format", "csv")
        #expect(next.stdout.hasPrefix("debtor_id,name,") && next.stdout.split(separator: "\n").first?.hasSuffix(",since_last_run") == true)
        #expect(next.stdout.contains("2026-11-21: reminder-1, total "))
        let table = try relance("dunning", "plan", "--as-of", "2026-11-28")
        #expect(table.stderr.contains("since the last run (2026-11-21): \(events) debtors were reminded; 0 of them have nothing open any more"))

        let flush = try relance("outbox", "flush")
        #expect(flush.status == 0 && flush.stdout.contains("sent \(queued),"), "\(flush.stdout)\(flush.stderr)")
        let received = try server.waitFor(queued, timeout: 30)
        #expect(received.count == queued)
        #expect(Set(received.flatMap(\.rcpt_tos)).count == queued, "one message per debtor")

        // Who got what, from the store: the address, the letter file.
        let rows = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.debtor_key, d.email, \(DunningEventRecord.documentPathSQL("e")) FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
                WHERE e.outbox_message_id IS NOT NULL
                """)
        }
        var byKey: [String: Received] = [:]
        for r in rows {
            let key: String = r[0], email: String = r[1], document: String? = r[2]
            guard let mail = received.first(where: { $0.rcpt_tos == [email.lowercased()] || $0.rcpt_tos == [email] }) else {
                Issue.record("no message reached \(email) (\(key))")
                continue
            }
            byKey[key] = mail
            #expect(mail.message.defects.isEmpty, "\(key): \(mail.message.defects)")
            if let document {
                let letter = try [UInt8](Data(contentsOf: URL(fileURLWithPath: document)))
                #expect(mail.message.attachments.count == 1 && mail.message.attachments.first?.bytes == letter,
                        "\(key): the attached PDF is the letter, byte for byte")
            } else {
                #expect(mail.message.attachments.isEmpty)
            }
        }
        for key in Self.mailDebtors {
            guard let mail = byKey[key] else { Issue.record("\(key) got no e-mail"); continue }
            try check(Self.describe(mail.message), "\(key).eml.txt")
        }
        let letters = try store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: """
                SELECT d.debtor_key, \(DunningEventRecord.documentPathSQL("e")) FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
                WHERE e.document_path IS NOT NULL
                """).map { ($0[0] as String, $0[1] as String) })
        }
        for key in Self.letterDebtors {
            guard let path = letters[key] else { Issue.record("\(key) got no letter"); continue }
            let text = try SMTPServer.run("/usr/bin/pdftotext", ["-layout", path, "-"])
            try check(String(decoding: text.stdout, as: UTF8.self), "\(key).letter.txt")
        }
    }

    /// The e-mail as a reader sees it: the headers that matter, the bodies, the attachments.
    static func describe(_ m: ParsedMail) -> String {
        var out: [String] = []
        for h in ["from", "to", "reply-to", "subject", "content-language"] {
            if let v = m.header(h) { out.append("\(h.capitalized): \(v)") }
        }
        out.append("Content-Type: \(m.content_type)")
        for a in m.attachments { out.append("Attachment: \(a.filename ?? "-") (\(a.content_type))") }
        out.append("")
        out.append("--- text/plain ---")
        out.append(m.text ?? "(none)")
        out.append("--- text/html ---")
        out.append(m.html ?? "(none)")
        return out.joined(separator: "\n")
    }

    func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try assertGolden(actual, "dunning/" + name, sourceLocation: sourceLocation)
    }
}
