import ArgumentParser
import Foundation
import Ledger
import Outbox
import Store
import Workspace

/// `relance outbox enqueue FILE.jsonl`: queue hand-made messages (manual sends, tests, benchmarks).
struct OutboxEnqueue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue the messages described in a JSON Lines file (one message per line).",
        discussion: """
            Each line: {"key": "…", "to": [{"address": "…", "name": "…"}], "subject": "…", "text": "…", "html": "…", \
            "attachments": [{"path": "letter.pdf", "filename": "…", "content_type": "application/pdf"}], \
            "debtor": "…", "invoices": ["…"]}. Only key, to, subject and text are required. Attachments are read \
            into the queue at once. A key already queued is skipped, so the same file can be queued twice safely.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("JSON Lines file.", valueName: "file")) var file: String

    struct Line: Decodable {
        struct Box: Decodable {
            var address: String
            var name: String?
        }
        struct File: Decodable {
            var path: String
            var filename: String?
            var contentType: String?
            enum CodingKeys: String, CodingKey { case path, filename, contentType = "content_type" }
        }
        var key: String
        var to: [Box]
        var cc: [Box]?
        var bcc: [Box]?
        var subject: String
        var text: String
        var html: String?
        var attachments: [File]?
        var debtor: String?
        var invoices: [String]?
    }

    func run() throws {
        try withExitStatus {
            let path = absolute(file)
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError(.noInput, "no such file: \(path)") }
            let (_, _, store) = try global.open()
            let name = (path as NSString).lastPathComponent
            let dir = (path as NSString).deletingLastPathComponent
            let now = Date()
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: "outbox enqueue", asOf: nil, at: now)
            var bad = 0, read = 0
            let before = try store.pool.read { db in try LedgerCounts.outboxMessageCount(db) }
            // One transaction, one message in memory at a time.
            try store.pool.write { db in
                for (i, raw) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !raw.isEmpty {
                    read += 1
                    do { try OutboxQueue.enqueue(db, try message(Data(raw), dir: dir), at: now) } catch let e as CLIError {
                        bad += 1
                        Terminal.error(Diagnostic(file: name, line: i + 1, column: 0, rule: "outbox-message", message: e.message).description)
                    } catch let e as StoreError {
                        bad += 1
                        Terminal.error(Diagnostic(file: name, line: i + 1, column: 0, rule: "outbox-message", message: e.description).description)
                    } catch is DecodingError {
                        bad += 1
                        let why = "not a message object: key, to, subject and text are required"
                        Terminal.error(Diagnostic(file: name, line: i + 1, column: 0, rule: "outbox-message", message: why).description)
                    }
                }
            }
            let after = try store.pool.read { db in try LedgerCounts.outboxMessageCount(db) }
            let messages = read - bad
            Terminal.out("\(name): queued \(after - before), already queued \(messages - (after - before)), rejected \(bad)")
            let status: ExitStatus = bad > 0 ? .dataError : .ok
            try? ledger.finish(id: runID, outcome: bad > 0 ? "rejected" : "ok", exitCode: status.rawValue,
                               summary: JSONWriter.counts(["queued": after - before, "rejected": bad]), at: Date())
            return status
        }
    }

    private func message(_ data: Data, dir: String) throws -> NewOutboxMessage {
        let l = try JSONDecoder().decode(Line.self, from: data)
        func boxes(_ list: [Line.Box]?, _ field: String) throws -> [OutboxMailbox] {
            try (list ?? []).enumerated().map { i, b in
                guard MailConfig.isUsableAddress(b.address), let a = EmailAddress(b.address) else {
                    throw CLIError(.dataError, "[\(field)] address \(i + 1) is not an ASCII e-mail address")
                }
                return OutboxMailbox(a, name: b.name)
            }
        }
        var m = NewOutboxMessage(idempotencyKey: l.key, origin: "manual", to: try boxes(l.to, "to"), subject: l.subject,
                                 textBody: l.text, htmlBody: l.html)
        if m.to.isEmpty { throw CLIError(.dataError, "[to] at least one recipient is needed") }
        if l.key.isEmpty { throw CLIError(.dataError, "[key] the idempotency key is empty") }
        m.cc = try boxes(l.cc, "cc")
        m.bcc = try boxes(l.bcc, "bcc")
        for a in l.attachments ?? [] {
            let p = a.path.hasPrefix("/") ? a.path : (dir as NSString).appendingPathComponent(a.path)
            guard let bytes = FileManager.default.contents(atPath: p) else { throw CLIError(.dataError, "[attachments] cannot read \(a.path)") }
            m.attachments.append(OutboxAttachment(filename: a.filename ?? (p as NSString).lastPathComponent,
                                                  contentType: a.contentType ?? "application/pdf", content: .bytes(bytes)))
        }
        m.references = (l.debtor.map { [OutboxReference.debtor(DebtorID(rawValue: $0))] } ?? [])
            + (l.invoices ?? []).map { .invoice(InvoiceNumber(rawValue: $0)) }
        return m
    }
}
