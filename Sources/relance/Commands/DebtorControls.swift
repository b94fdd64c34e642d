import ArgumentParser
import Foundation
import Ingest
import Ledger
import Pipeline
import Store

/// `relance debtor show|hold|release|set`: one debtor's statement and the controls on it.
extension DebtorCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "A debtor's statement and timeline: items, payments, promises, disputes, holds, notes, messages.",
            discussion: """
                Open items (due), items not yet due, credit notes, unapplied payments; promises, disputes, the hold, notes; \
                the reminders sent (by Relance, with their document and e-mail state, and outside it); the journal of \
                actions (who, when, what). Reads only. See docs/CONTROLS.md.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key (its customer number in the exports).") var id: String
        @Option(help: "Output format: table or json.") var format: ShowFormat = .table
        @Option(help: "The day to show it as of (YYYY-MM-DD); default today.") var asOf: Day?

        enum ShowFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let s: DebtorStatement
                let next = try DunningSetup.nextStep(ws, config, store: store, debtorKey: id, asOf: day)
                do {
                    s = try store.pool.read { db in try DebtorStatement.load(db, debtor: id, asOf: day, nextStep: next) }
                } catch let r as ControlRefusal { throw CLIError(.dataError, r.message) }
                Terminal.out(format == .json ? Self.json(s) : Self.table(s))
                return .ok
            }
        }

        static func table(_ s: DebtorStatement) -> String {
            let width = s.facts.map(\.0.count).max() ?? 0
            var out = s.facts.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
            for section in s.sections {
                out += "\n\n" + section.title + (section.rows.isEmpty ? ": none" : "")
                if !section.rows.isEmpty { out += "\n" + ListFormat.render(section.rows, columns: section.columns, as: .table) }
            }
            return out
        }

        static func json(_ s: DebtorStatement) -> String {
            var w = JSONWriter()
            w.beginObject(.linePerItem)
            for (k, v) in s.facts { w.field(k, v) }
            for section in s.sections {
                w.key(section.title.replacingOccurrences(of: " ", with: "_"))
                ListFormat.writeJSON(section.rows, columns: section.columns, into: &w)
            }
            w.endObject()
            return w.text
        }
    }

    struct Hold: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hold",
            abstract: "Put a debtor on hold: no reminders until released (or until --until).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key.") var id: String
        @Option(help: "Why (shown in `debtor show` and the journal).") var reason: String
        @Option(help: "The last day of the hold (YYYY-MM-DD); reminders resume the day after.") var until: Day?

        func run() throws {
            try ControlAction.run(global, command: "debtor hold") { db, actor, _ in
                try Controls.hold(db, debtor: id, reason: reason, until: until, by: actor)
            }
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Take a debtor off hold.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key.") var id: String

        func run() throws {
            try ControlAction.run(global, command: "debtor release") { db, actor, _ in try Controls.release(db, debtor: id, by: actor) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a debtor's flags: --direct-debit on|off (a debtor paying by direct debit gets no reminders).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key.") var id: String
        @Option(help: "Pays by direct debit (domiciliëring): on or off.") var directDebit: OnOff

        func run() throws {
            try ControlAction.run(global, command: "debtor set") { db, actor, _ in
                try Controls.setDirectDebit(db, debtor: id, on: directDebit == .on, by: actor)
            }
        }
    }
}
