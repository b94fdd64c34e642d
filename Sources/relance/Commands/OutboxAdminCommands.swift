import ArgumentParser
import Foundation
import GRDB
import Ledger
import Outbox
import Store

/// `relance outbox hold ID...`.
struct OutboxHold: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Park queued or deferred messages: no flush sends them until they are released.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var messages: MessageIDs
    func run() throws { try AdminVerb.run("hold", global, messages.ids, OutboxAdmin.hold) }
}

/// `relance outbox release ID...`.
struct OutboxRelease: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Put held messages back in the queue, due at once.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var messages: MessageIDs
    func run() throws { try AdminVerb.run("release", global, messages.ids, OutboxAdmin.release) }
}

/// `relance outbox requeue ID...`.
struct OutboxRequeue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requeue",
        abstract: "Make messages due at once again: deferred, held, bounced or cancelled ones (never a sent one).",
        discussion: "A bounced or cancelled message starts a new lifetime, and its refused recipients are tried again.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var messages: MessageIDs
    func run() throws { try AdminVerb.run("requeue", global, messages.ids, OutboxAdmin.requeue) }
}

/// Runs one admin verb over message ids in one transaction; unknown ids exit 64, refused changes 65.
enum AdminVerb {
    static func run(_ verb: String, _ global: GlobalOptions, _ ids: [Int64],
                    _ apply: @escaping (Database, MessageID, Date) throws -> OutboxAdmin.Change) throws {
        try withExitStatus {
            let (_, _, store) = try global.open()
            let ledger = RunLedger(store: store)
            let now = Date()
            let runID = try ledger.begin(command: "outbox \(verb)", asOf: nil, at: now)
            let changes = try store.pool.write { db in try ids.map { try apply(db, MessageID(rawValue: $0), now) } }
            var status = ExitStatus.ok
            for (id, c) in zip(ids, changes) {
                switch c {
                case .changed(let from, let to):
                    Terminal.out("\(id): \(from) → \(to)")
                case .refused(let why):
                    Terminal.error("error: message \(id): \(why)")
                    if status == .ok { status = .dataError }
                case .notFound:
                    Terminal.error("error: no outbox message \(id)")
                    status = .usage
                }
            }
            try? ledger.finish(id: runID, outcome: status == .ok ? "ok" : "rejected", exitCode: status.rawValue,
                               summary: JSONWriter.counts(["messages": ids.count]), at: Date())
            return status
        }
    }
}
