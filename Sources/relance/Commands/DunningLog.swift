import ArgumentParser
import Foundation
import Ledger
import Pipeline
import Store

extension DunningCommand {
    /// `relance dunning log`: every message written, with what it demanded.
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Every message the dunning run wrote: day, debtor, step, channels, status, what it demanded and by when.",
            discussion: """
                Status: queued (e-mail waiting), sent (e-mail delivered, or letter written), held (by the anomaly gate, \
                until `relance dunning release DAY`), cancelled (a payment made it moot before it left), bounced, worklist \
                (a manual step: call, hand-over). JSON: one object per message with its items; amounts are decimal strings.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this debtor (its id in the debtors export).") var debtor: String?
        @Option(help: "From this day (YYYY-MM-DD), inclusive.") var from: Day?
        @Option(help: "To this day (YYYY-MM-DD), inclusive.") var to: Day?
        @Option(help: "Output: table, csv or json.") var format: ListFormat = .table

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                let entries = try store.pool.read { db in try DunningLog.entries(db, debtorKey: debtor, from: from, to: to) }
                switch format {
                case .json: Terminal.out(try Self.json(entries))
                case .csv, .table:
                    let rows = entries.map { e in
                        [e.day?.description ?? "", e.debtorKey, e.step, String(e.stepIndex + 1), e.channels.joined(separator: "+"), e.status,
                         e.demanded.decimalString, e.deadline?.description ?? "", e.interest.decimalString, e.fees.decimalString,
                         e.demanded.currency.code, String(e.items.count), String(e.items.filter(\.demanded).count)]
                    }
                    Terminal.out(ListFormat.render(rows, columns: ["day", "debtor_id", "step", "level", "channels", "status", "demanded",
                                                                   "deadline", "interest", "fees", "currency", "items", "demanded_items"], as: format))
                }
                return .ok
            }
        }

        /// The log as JSON: an array of objects with sorted keys; amounts as decimal strings, counts as numbers.
        static func json(_ entries: [DunningLogEntry]) throws -> String {
            struct Item: Encodable {
                var invoice_number: String
                var due_date: String
                var open: String
                var demanded: Bool
            }
            struct Entry: Encodable {
                var day: String
                var debtor_id: String
                var step: String
                var level: Int
                var channels: [String]
                var status: String
                var demanded: String
                var deadline: String?
                var interest: String
                var fees: String
                var currency: String
                var items: [Item]
            }
            let out = entries.map { e in
                Entry(day: e.day?.description ?? "", debtor_id: e.debtorKey, step: e.step, level: e.stepIndex + 1, channels: e.channels,
                      status: e.status, demanded: e.demanded.decimalString, deadline: e.deadline?.description,
                      interest: e.interest.decimalString, fees: e.fees.decimalString, currency: e.demanded.currency.code,
                      items: e.items.map { Item(invoice_number: $0.invoiceNumber, due_date: $0.due?.description ?? "",
                                                open: $0.open.decimalString, demanded: $0.demanded) })
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(out), as: UTF8.self)
        }
    }

    /// `relance dunning release DAY`: sends what the anomaly gate held.
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Release the messages the anomaly gate held on a day: their e-mails go with the next flush, their letters back to out/letters/DAY/.",
            discussion: "Without DAY, lists the days with held messages. A later night never releases them by itself.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The day whose messages to release (YYYY-MM-DD).") var day: Day?

        func run() throws {
            try withExitStatus {
                let (ws, _, store) = try global.open()
                guard let day else {
                    let held = try store.pool.read { db in try DunningHolds.heldDays(db) }
                    if held.isEmpty { Terminal.out("no messages are held") }
                    for h in held { Terminal.out("\(h.day): \(h.messages) message(s) held: \(h.reason); release with `relance dunning release \(h.day)`") }
                    return .ok
                }
                // The database first, then the letters: a release killed in between is finished by running it again.
                let n = try store.pool.write { db in try DunningHolds.release(db, day: day, by: NSUserName(), at: Date()) }
                let moved = try HeldLetters.release(lettersDir: ws.path("out/letters"), day: day)
                guard n > 0 || moved > 0 else { throw CLIError(.dataError, "no messages are held on \(day) (`relance dunning release` lists the days)") }
                Terminal.out("released \(n) message(s) of \(day): e-mails go with the next `relance outbox flush`"
                    + (moved > 0 ? "; \(moved) letter(s) back in out/letters/\(day)/" : ""))
                return .ok
            }
        }
    }
}
