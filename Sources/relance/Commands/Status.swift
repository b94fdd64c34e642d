import ArgumentParser
import Dunning
import Foundation
import Ledger
import Store

/// `relance status`: the ledger's headline figures.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the ledger's headline figures and the last ingests.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Day the figures are computed for (YYYY-MM-DD).")
    var asOf: Day?

    func run() throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let day = asOf ?? config.today(now: Date())
            let s = try store.pool.read { db in try LedgerSummary.fetch(db, asOf: day) }
            Terminal.out("Workspace \(ws.root), as of \(day)")
            Terminal.out("Debtors: \(s.debtors) (\(s.debtorsOnHold) on hold)")
            Terminal.out("Invoices and credit notes in the ledger: \(s.invoices)")
            for t in s.totals {
                let m = { (v: Int64) in Money(minorUnits: v, currency: Currency(stored: t.currency)).decimalString }
                Terminal.out("  \(t.currency): \(t.openInvoices) open invoices, \(m(t.openMinor)) open; \(t.overdueInvoices) overdue, \(m(t.overdueMinor)); \(t.openCreditNotes) open credit notes, \(m(t.creditMinor))")
            }
            Terminal.out("Open invoices in dispute: \(s.disputed)")
            let unapplied = s.unappliedMinor.sorted { $0.key < $1.key }.map { "\($0.key) \(Money(minorUnits: $0.value, currency: Currency(stored: $0.key)).decimalString)" }
            Terminal.out("Unapplied payments: \(s.unappliedPayments)" + (unapplied.isEmpty ? "" : " (" + unapplied.joined(separator: ", ") + ")"))
            for l in s.lastIngests { Terminal.out("Last \(l.kind) ingest: \(l.finishedAt) from \(l.file)") }
            // What would stop or hold tonight's reminders, with the command that fixes it.
            let missing = config.company.missingIdentity
            if !missing.isEmpty {
                Terminal.out("Company identity incomplete: \(missing.joined(separator: ", ")) in relance.toml; no reminder is written until they are set")
            }
            do {
                let coverage = try RateFile.load(path: ws.path(RateFile.name)).coverage(on: day)
                for h in coverage.missing {
                    Terminal.out("Interest rate missing for \(h)\(h == coverage.current ? " (today's half-year)" : ""): reminders claiming interest wait; "
                        + "once it is published: \(RateTable.MissingRate(halfYear: h).fixCommand)")
                }
                if let h = coverage.upcoming {
                    Terminal.out("Interest rate not yet set for \(h), which starts on \(h.first): \(RateTable.MissingRate(halfYear: h).fixCommand)")
                }
            } catch {
                Terminal.out("Rate table unreadable: \(error)")
            }
            for h in try store.pool.read({ db in try DunningHolds.heldDays(db) }) {
                Terminal.out("Messages held on \(h.day): \(h.messages) (\(h.reason)); once checked: relance dunning release \(h.day)")
            }
            return .ok
        }
    }
}
