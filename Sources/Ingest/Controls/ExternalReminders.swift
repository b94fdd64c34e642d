import Foundation
import GRDB
import Ledger
import Store
import Support

/// Reminders sent outside Relance before it took over (`relance ingest reminders FILE`).
///
/// One row per reminder: `invoice_number` or `debtor_id` (then every invoice of the debtor due
/// before that day), `day`, `step` (a step name of the debtor's ladder) or `level` (1 = the ladder's
/// first step after the due date), and an optional `channel`. Each becomes an `external_reminder` and
/// moves the invoice's ladder state (`dunning_state`) to that step when it is further than where it
/// stands, so the ladder continues from there. The file is checked whole first: one bad row writes
/// nothing. The same row twice adds nothing.
package enum ExternalReminders {
    /// What the file's rows are checked against: one ladder per debtor kind.
    package struct LadderOutline: Sendable {
        /// As stored in `dunning_state.ladder`, e.g. `b2b/v1`.
        package var name: String
        /// The step names, in order.
        package var steps: [String]
        /// The index of the first step after the due date (`level` 1).
        package var firstAfterDue: Int

        package init(name: String, steps: [String], firstAfterDue: Int) {
            self.name = name
            self.steps = steps
            self.firstAfterDue = firstAfterDue
        }
    }

    /// What an ingest of reminders did.
    package struct Summary: Sendable, Equatable {
        package var file: String
        package var read = 0
        /// New external reminders (one per invoice and row).
        package var recorded = 0
        package var unchanged = 0
        /// Invoices whose ladder state moved.
        package var advanced = 0
        package var rejected = 0

        package init(file: String) { self.file = file }
    }

    struct Pending {
        var invoiceID: Int64, debtorID: Int64, day: Day, stepIndex: Int, step: String, channel: String?, ladder: String, line: Int
    }

    /// Reads `path` and records its reminders in one transaction; any bad row refuses the file
    /// (its diagnostics are returned and nothing is written).
    package static func ingest(_ db: Database, path: String, ladders: [String: LadderOutline], by actor: Actor)
        throws -> (Summary, [Diagnostic])
    {
        let file = (path as NSString).lastPathComponent
        var summary = Summary(file: file)
        var problems: [Diagnostic] = []
        func problem(_ line: Int, _ column: Int, _ rule: String, _ message: String) {
            problems.append(Diagnostic(file: file, line: line, column: column, rule: rule, message: message))
        }
        var reader = try CSVReader(path: path)
        var record = CSVRecord()
        guard try reader.next(into: &record) else {
            problem(1, 0, "empty-file", "the file is empty: expected a header with day, step or level, and invoice_number or debtor_id")
            return (summary, problems)
        }
        let header = (0..<record.count).map { foldHeader(String(decoding: record.field($0), as: UTF8.self)) }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        let cInvoice = column("invoice_number", "factuurnummer", "numero_facture", "invoice")
        let cDebtor = column("debtor_id", "klantnummer", "numero_client", "customer_id")
        let cDay = column("day", "date", "datum", "reminder_date")
        let cStep = column("step", "stap", "etape")
        let cLevel = column("level", "niveau", "reminder_level")
        let cChannel = column("channel", "kanaal", "canal")
        if cDay == nil { problem(1, 0, "missing-column", "no day column") }
        if cInvoice == nil && cDebtor == nil { problem(1, 0, "missing-column", "no invoice_number or debtor_id column") }
        if cStep == nil && cLevel == nil { problem(1, 0, "missing-column", "no step or level column") }
        if !problems.isEmpty { return (summary, problems) }
        var pending: [Pending] = []
        while try reader.next(into: &record) {
            if record.isBlank { continue }
            summary.read += 1
            let line = record.line
            func text(_ c: Int?) -> String? {
                guard let c else { return nil }
                let t = String(decoding: record.field(c), as: UTF8.self).trimmingCharacters(in: .whitespaces)
                return t.isEmpty ? nil : t
            }
            let before = problems.count
            var day: Day? = nil
            if let d = text(cDay) {
                day = Day(iso: d)
                if day == nil { problem(line, (cDay ?? 0) + 1, "date", "could not read \"\(d)\" as a day (YYYY-MM-DD)") }
                else if let d = day, d > actor.today { problem(line, (cDay ?? 0) + 1, "future-day", "the reminder's day \(d) is after today \(actor.today)") }
            } else { problem(line, (cDay ?? 0) + 1, "required", "day is empty") }
            // Which invoices: the one named, or the debtor's invoices due before the day.
            var targets: [(id: Int64, debtor: Int64, kind: String)] = []
            if let number = text(cInvoice) {
                if let r = try IngestQueries.reminderTarget(db, invoiceNumber: number) {
                    if r.type == .creditNote { problem(line, (cInvoice ?? 0) + 1, "credit-note", "\(number) is a credit note") }
                    else { targets = [(r.id, r.debtorID, r.kind)] }
                } else { problem(line, (cInvoice ?? 0) + 1, "unknown-invoice", "invoice \(number) is not in the ledger") }
            } else if let key = text(cDebtor) {
                if let d = try IngestQueries.debtorKind(db, key: key) {
                    if let day {
                        targets = try IngestQueries.invoicesDueBefore(db, debtorID: d.id, day: day.description).map { ($0, d.id, d.kind) }
                        if targets.isEmpty { problem(line, (cDebtor ?? 0) + 1, "no-invoice", "debtor \(key) has no invoice due before \(day)") }
                    }
                } else { problem(line, (cDebtor ?? 0) + 1, "unknown-debtor", "debtor \(key) is not in the ledger") }
            } else { problem(line, (cInvoice ?? cDebtor ?? 0) + 1, "required", "neither invoice_number nor debtor_id is given") }
            // Which step, in the debtor's ladder.
            var step: (index: Int, name: String, ladder: String)? = nil
            if let kind = targets.first?.kind {
                if let ladder = ladders[kind] {
                    if let name = text(cStep) {
                        if let i = ladder.steps.firstIndex(of: name) { step = (i, name, ladder.name) }
                        else {
                            problem(line, (cStep ?? 0) + 1, "unknown-step",
                                    "the \(kind) ladder has no step \"\(name)\" (it has \(ladder.steps.joined(separator: ", ")))")
                        }
                    } else if let l = text(cLevel) {
                        let levels = ladder.steps.count - ladder.firstAfterDue
                        if let n = Int(l), n >= 1, n <= levels {
                            let i = ladder.firstAfterDue + n - 1
                            step = (i, ladder.steps[i], ladder.name)
                        } else {
                            problem(line, (cLevel ?? 0) + 1, "unknown-level", "level \"\(l)\" is not 1 to \(levels) of the \(kind) ladder")
                        }
                    } else { problem(line, (cStep ?? cLevel ?? 0) + 1, "required", "neither step nor level is given") }
                } else { problem(line, 0, "no-ladder", "no \(kind) ladder") }
            }
            let channel = text(cChannel)?.lowercased()
            guard problems.count == before, let day, let step else { summary.rejected += 1; continue }
            for t in targets {
                pending.append(Pending(invoiceID: t.id, debtorID: t.debtor, day: day, stepIndex: step.index, step: step.name,
                                       channel: channel, ladder: step.ladder, line: line))
            }
        }
        if !problems.isEmpty { return (summary, problems) }
        for p in pending {
            let recorded = try IngestCommands.insertExternalReminder(db, ExternalReminderRow(
                invoiceID: p.invoiceID, day: p.day.description, stepIndex: p.stepIndex, step: p.step, channel: p.channel,
                fileName: file, line: p.line, at: Instant.string(actor.at)))
            guard recorded else { summary.unchanged += 1; continue }
            summary.recorded += 1
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "external-reminder", debtorID: p.debtorID, invoiceID: p.invoiceID,
                                     detail: ["day": p.day.description, "step": p.step, "channel": p.channel, "file": file])
            let first = p.channel.map { $0.contains("post") || $0.contains("letter") || $0.contains("brief") ? "post" : "email" }
            if try IngestCommands.advanceLadderState(db, invoiceID: p.invoiceID, ladder: p.ladder, stepIndex: p.stepIndex, step: p.step,
                                                     day: p.day.description, firstChannel: first) {
                summary.advanced += 1
            }
        }
        return (summary, [])
    }
}
