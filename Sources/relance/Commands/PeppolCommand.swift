import ArgumentParser
import Foundation
import Ledger
import Outbox
import Pipeline
import Store
import Workspace

/// `relance peppol list|flush|hold|release|requeue`: the Peppol outbox of the billing run's UBL
/// documents, with the e-mail outbox's states and verbs.
struct PeppolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peppol", abstract: "The Peppol outbox: UBL invoices and credit notes for the access point.",
        subcommands: [List.self, Flush.self, Hold.self, Release.self, Requeue.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the documents: id, number, type, receiver, state, attempts, next attempt or answer.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this state: queued, active, deferred, hold, sent or bounced.") var state: String?

        func run() throws {
            try withExitStatus {
                let only = try state.map { s in
                    guard let v = PeppolState(rawValue: s) else {
                        throw CLIError(.usage, "--state must be queued, active, deferred, hold, sent or bounced")
                    }
                    return v
                }
                let (_, _, store) = try global.open()
                let rows = try PeppolAdmin.list(store: store, state: only)
                for r in rows { Terminal.out(r.line) }
                Terminal.error("\(rows.count) document(s)")
                return .ok
            }
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "flush",
            abstract: "Send the due documents to the pickup folder or the access point, and record each answer.",
            discussion: """
                [peppol] transport = "pickup" (the default) writes out/peppol/YYYY-MM/NUMBER.xml; "http" posts each \
                document to [peppol] url with the token from $RELANCE_PEPPOL_TOKEN (or [peppol] token_env) or an \
                owner-only [peppol] token_file, TLS verified. Exits 69 when the access point cannot be used (the flush \
                stops), 82 when a document was rejected (bounced), 81 when one was deferred, 78 on a configuration problem.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Handle at most this many documents.") var limit: Int?
        @Flag(name: .shortAndLong, help: "Log each document's outcome on stderr (ids and states only).") var verbose = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let p = config.peppol
                let (transport, defaults) = try PeppolSetup.flusher(ws, p)
                var options = defaults
                options.limit = limit
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "peppol flush", asOf: nil, at: Date())
                let summary: PeppolFlushSummary
                do {
                    summary = try PeppolFlusher(store: store, transport: transport, clock: SystemClock(),
                                                logger: LineLogger.stderr(verbose ? .info : .warning), options: options).flush()
                } catch {
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                Terminal.out("\(summary.text) (via \(transport.name))")
                let status: ExitStatus = summary.stoppedBy != nil ? .unavailable
                    : summary.bounced > 0 ? .bounced : summary.deferred > 0 ? .deferred : .ok
                try? ledger.finish(id: runID, outcome: status == .ok ? "ok" : "failed", exitCode: status.rawValue,
                                   summary: JSONWriter.counts(["sent": summary.sent, "deferred": summary.deferred, "bounced": summary.bounced]),
                                   at: Date())
                if let why = summary.stoppedBy {
                    throw CLIError(.unavailable, "the Peppol access point is unavailable (\(why)); the document was deferred and the flush stopped")
                }
                return status
            }
        }
    }

    /// The documents an admin verb takes: row ids or invoice numbers.
    struct Documents: ParsableArguments {
        @Argument(help: ArgumentHelp("Document ids or invoice numbers (see `relance peppol list`).", valueName: "document"))
        var documents: [String]

        func validate() throws {
            if documents.isEmpty { throw ValidationError("name at least one document") }
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hold", abstract: "Park queued or deferred documents: no flush sends them.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var documents: Documents
        func run() throws { try admin(global, "held") { try PeppolAdmin.hold(store: $0, documents.documents, now: Date()) } }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Release held documents: due at once.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var documents: Documents
        func run() throws { try admin(global, "released") { try PeppolAdmin.release(store: $0, documents.documents, now: Date()) } }
    }

    struct Requeue: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "requeue",
            abstract: "Queue deferred or bounced documents again, due at once with a new lifetime (after a fix).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var documents: Documents
        func run() throws { try admin(global, "requeued") { try PeppolAdmin.requeue(store: $0, documents.documents, now: Date()) } }
    }
}

/// Runs an admin verb and reports how many documents it changed; an unknown document exits 65.
private func admin(_ global: GlobalOptions, _ verb: String, _ body: (LedgerStore) throws -> Int) throws {
    try withExitStatus {
        let (_, _, store) = try global.open()
        do {
            let n = try body(store)
            Terminal.out("\(n) document(s) \(verb)")
        } catch let e as PeppolAdmin.Problem {
            throw CLIError(.dataError, e.description)
        }
        return .ok
    }
}
