import ArgumentParser
import Foundation
import Outbox
import Pipeline
import Store

/// `relance outbox …`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "The e-mail queue: flush, list, show, hold, release, requeue, export.",
        subcommands: [OutboxFlush.self, List.self, Show.self, OutboxHold.self, OutboxRelease.self, OutboxRequeue.self,
                      Export.self, OutboxEnqueue.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List messages: id, state, attempts, queued at, next attempt, first recipient, last error or reply.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only messages in this state: queued, active, deferred, hold, sent, bounced or cancelled.")
        var state: OutboxState?
        @Option(help: "How many messages at most.") var limit = 1000

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                let rows = try store.pool.read { db in try OutboxInspector.list(db, state: state, limit: limit) }
                for r in rows {
                    let note = (r.note ?? "").replacingOccurrences(of: "\t", with: " ")
                    Terminal.out("\(r.id)\t\(r.state)\t\(r.attempts)\t\(r.createdAt)\t\(r.nextAttemptAt ?? "-")\t\(r.to)\t\(note)")
                }
                let counts = try store.pool.read { db in try OutboxInspector.counts(db) }
                let total = OutboxState.allCases.compactMap { s in counts[s.rawValue].map { "\($0) \(s.rawValue)" } }
                Terminal.error(total.isEmpty ? "the outbox is empty" : "outbox: " + total.joined(separator: ", "))
                return .ok
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one message: state, recipients, attachments, headers, history.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Message id.") var id: Int64

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let identity = try? MailSetup(ws, config).identity
                guard let d = try store.pool.read({ db in try OutboxInspector.detail(db, MessageID(rawValue: id), identity: identity) })
                else { throw CLIError(.usage, "no outbox message \(id)") }
                for line in OutboxShowText.lines(d) { Terminal.out(line) }
                return .ok
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write one message as an .eml file, exactly as it is (or would be) sent.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Message id.") var id: Int64
        @Option(help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file")) var out: String?

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let identity = try MailSetup(ws, config).identity
                guard let result = try store.pool.read({ db in try OutboxInspector.export(db, MessageID(rawValue: id), identity: identity) })
                else { throw CLIError(.usage, "no outbox message \(id)") }
                let bytes: [UInt8]
                switch result {
                case .success(let b): bytes = b
                case .failure(let e): throw CLIError(.dataError, "message \(id) cannot be built: \(e.message)")
                }
                if let out {
                    let path = absolute(out)
                    guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                        throw CLIError(.cannotWrite, "cannot write \(path)")
                    }
                } else {
                    FileHandle.standardOutput.write(Data(bytes))
                }
                return .ok
            }
        }
    }
}
