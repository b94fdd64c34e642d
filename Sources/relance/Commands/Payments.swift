import ArgumentParser
import Foundation
import Ingest
import Ledger
import Store

/// `relance payments unapplied|allocate|unallocate`.
struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Payments that matched no invoice, and allocating them by hand.", subcommands: [Unapplied.self, Allocate.self, Unallocate.self])

    struct Unapplied: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unapplied", abstract: "List payments (partly) not applied to an invoice, with why.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output format: table, csv or json.") var format: ListFormat = .table

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                let rows = try store.pool.read { db in try ManualAllocation.unapplied(db) }
                Terminal.out(ListFormat.render(rows.map(\.fields), columns: UnappliedPayment.columns, as: format))
                return .ok
            }
        }
    }

    struct Allocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allocate",
            abstract: "Apply an unapplied payment (or part of it) to an invoice.",
            discussion: "The amount defaults to what the payment has left or what the invoice lacks, whichever is smaller.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment's id (payment_id, or the statement movement's key).") var payment: String
        @Argument(help: "The invoice number.") var invoice: String
        @Option(help: "Amount to apply (decimal point), at most what the payment has left.") var amount: String?

        func run() throws {
            try ControlAction.run(global, command: "payments allocate") { db, actor, _ in
                let applied = try ManualAllocation.allocate(db, payment: payment, invoice: invoice, amount: amount, by: actor)
                return .done("applied \(applied.decimalString) of payment \(payment) to invoice \(invoice)")
            }
        }
    }

    struct Unallocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unallocate",
            abstract: "Undo a payment's allocation to an invoice (or to every invoice): the amount is unapplied again.",
            discussion: """
                The invoice reopens if the allocation had closed it. Automatic matching leaves the payment alone from then on: \
                allocate it again with `relance payments allocate`.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The payment's id (payment_id, or the statement movement's key).") var payment: String
        @Argument(help: "The invoice number; without it, every allocation of the payment.") var invoice: String?

        func run() throws {
            try ControlAction.run(global, command: "payments unallocate") { db, actor, _ in
                try ManualAllocation.unallocate(db, payment: payment, invoice: invoice, by: actor)
            }
        }
    }
}

/// Table, CSV or JSON output of simple listings.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    /// The rows as a JSON array of objects, one per line; the `numeric` columns are numbers (null
    /// when empty or not an integer), the rest strings.
    static func writeJSON(_ rows: [[String]], columns: [String], numeric: Set<String> = [], into w: inout JSONWriter) {
        w.beginArray(.linePerItem)
        for r in rows {
            w.beginObject()
            for (column, v) in zip(columns, r) {
                w.key(column)
                if !numeric.contains(column) {
                    w.string(v)
                } else if let n = Int(v) {
                    w.integer(n)
                } else {
                    w.null()
                }
            }
            w.endObject()
        }
        w.endArray()
    }

    /// The rows in `format`; in JSON the `numeric` columns are numbers (null when empty), the rest strings.
    static func render(_ rows: [[String]], columns: [String], as format: ListFormat, numeric: Set<String> = []) -> String {
        switch format {
        case .json:
            var w = JSONWriter()
            writeJSON(rows, columns: columns, numeric: numeric, into: &w)
            return w.text
        case .csv:
            let q = { (v: String) -> String in
                v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
            }
            return ([columns] + rows).map { $0.map(q).joined(separator: ",") }.joined(separator: "\n")
        case .table:
            let all = [columns] + rows
            let widths = columns.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
            return all.map { r in r.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") }
                .joined(separator: "\n")
        }
    }
}
