import ArgumentParser
import Foundation
import Ingest
import Ledger

/// `relance promise add|list`.
struct PromiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promise", abstract: "Promises to pay: the ladder pauses until the date plus the grace days.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Record a debtor's promise to pay an amount by a day.",
            discussion: """
                No reminder for the debtor until DAY plus [dunning] promise_grace_days (default 3). The promise is kept when \
                the payments received from today until then cover it (or every promised invoice is closed), broken once \
                that day has passed: the ladder resumes and the debtor goes on the worklist as "broken promise".
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key.") var debtor: String
        @Option(help: "The promised amount (decimal point).") var amount: String
        @Option(help: "The day it is promised by (YYYY-MM-DD).") var date: Day
        @Option(help: "An invoice the promise covers (repeat for several).") var invoice: [String] = []
        @Option(help: "Today, for the check that the date is not in the past (YYYY-MM-DD).") var asOf: Day?

        func run() throws {
            try ControlAction.run(global, command: "promise add", asOf: asOf) { db, actor, config in
                let o = try Promises.add(db, debtor: debtor, amount: amount, date: date, invoices: invoice,
                                         graceDays: config.dunning.promiseGraceDays, defaultCurrency: config.defaultCurrency, by: actor)
                try Promises.review(db, asOf: actor.today, by: Actor(who: "relance", at: actor.at, today: actor.today))
                return o
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List promises to pay, open ones first, with their status.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this debtor's.") var debtor: String?
        @Option(help: "Output format: table, csv or json.") var format: ListFormat = .table

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                let rows = try store.pool.read { db in try Promises.list(db, debtor: debtor) }
                Terminal.out(ListFormat.render(rows.map(\.fields), columns: PromiseRow.columns, as: format))
                return .ok
            }
        }
    }
}

/// `relance note add`.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Notes on debtors.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a note to a debtor (shown in `debtor show`).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key.") var debtor: String
        @Argument(help: "The note.") var text: String

        func run() throws {
            try ControlAction.run(global, command: "note add") { db, actor, _ in try Controls.addNote(db, debtor: debtor, text: text, by: actor) }
        }
    }
}
