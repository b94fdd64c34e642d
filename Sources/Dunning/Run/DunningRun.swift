import Foundation
import GRDB
import Ledger
import Letters
import Store
import Support

/// Tonight's reminders, written: for every debtor the planner reminds, a reminder event with its
/// items and computation, the ladder state moved one step, the letter PDF, and the e-mail queued in
/// the outbox, all of a batch of debtors in one transaction.
///
/// Rerunning for the same day changes nothing: a debtor reminded on that day is not reminded again,
/// and an event's idempotency key is the debtor, the day and the figures. A crash leaves whole
/// batches: letters of a batch that did not commit are written again by the next run (same bytes).
package enum DunningRun {
    package struct Options: Sendable {
        package var asOf: Day
        /// The folder letters go to: `<lettersDir>/<as-of>/<debtor>-<step>.pdf`.
        package var lettersDir: String
        package var runID: Int64?
        /// The data-freshness gate: when set, plan but write and send nothing, and say why.
        package var holdReason: String?
        package var batchSize = 256
        package var concurrency = 2
        package var now: @Sendable () -> Date = { Date() }
        /// Told now and then how many debtors have been planned and how many reminders written.
        package var progress: (@Sendable (_ debtorsPlanned: Int, _ remindersWritten: Int) -> Void)?

        package init(asOf: Day, lettersDir: String, runID: Int64? = nil, holdReason: String? = nil) {
            self.asOf = asOf
            self.lettersDir = lettersDir
            self.runID = runID
            self.holdReason = holdReason
        }
    }

    package struct Summary: Sendable {
        package var plan = LedgerPlan.Summary()
        /// Reminder events written tonight.
        package var reminders = 0
        package var emails = 0
        package var letters = 0
        package var worklist = 0
        /// Debtors already reminded on this day (a rerun): left alone.
        package var alreadyDone = 0
        /// Debtors whose reminder could not be made (template, letter), with why.
        package var errors: [(debtor: String, message: String)] = []
        package var claimed = MoneyBag()
        /// Why nothing was written (the data-freshness gate), when so.
        package var held: String?
    }

    /// One debtor's reminder, composed and waiting for its letter and its transaction.
    struct Pending: Sendable {
        var plan: DebtorPlan
        var stepIndex: Int
        var channels: [Ladder.Channel]
        var composed: ComposedReminder?
        var documentPath: String?
        var key: String
    }

    /// Plans and writes tonight's reminders.
    ///
    /// The plan reads the ledger on this thread while the batches already planned are composed,
    /// rendered and written behind it (`BatchWriter`, in order, one transaction per batch): the
    /// ledger's walk no longer waits for the letters, nor they for it.
    package static func run(store: LedgerStore, planner: Planner, composer: ReminderComposer, options: Options) throws -> Summary {
        var summary = Summary()
        let reader = try DatabaseQueue(path: store.path, configuration: {
            var c = Configuration()
            c.readonly = true
            c.busyMode = .timeout(10)
            return c
        }())
        let asOf = options.asOf
        let folder = (options.lettersDir as NSString).appendingPathComponent(asOf.description)
        let done = try store.pool.read { db in try DunningQueries.remindedDebtors(db, on: asOf) }
        let seenBatch = try store.pool.read { db in try DunningQueries.lastIngestBatchID(db) } ?? 0
        let writer = BatchWriter(store: store, planner: planner, composer: composer, options: options, folder: folder, seenBatch: seenBatch)
        // Whatever happens to the plan, no batch is left being written when this returns.
        defer { writer.drain() }
        var batch: [Pending] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            try writer.submit(batch)
            batch.removeAll(keepingCapacity: true)
        }
        summary.plan = try reader.read { db in
            var planned = 0
            return try LedgerPlan.run(db, asOf: asOf, planner: planner) { plan in
                planned += 1
                if planned & 255 == 0, let progress = options.progress { progress(planned, writer.written) }
                let stepIndex: Int
                switch plan.action {
                case .remind(let i), .worklist(let i): stepIndex = i
                default: return
                }
                if done.contains(plan.debtor.id) { summary.alreadyDone += 1; return }
                if options.holdReason != nil { return }
                guard let ladder = planner.ladders[plan.debtor.kind] else { return }
                // The walk leaves the items' descriptions out: a reminder's text shows them.
                let plan = plan.action == .remind(stepIndex: stepIndex) ? try SnapshotReader(db: db).describing(plan) : plan
                let channels = Self.channels(ladder.steps[stepIndex].channels, plan.debtor)
                var p = Pending(plan: plan, stepIndex: stepIndex, channels: channels, composed: nil, documentPath: nil,
                                key: Self.key(plan, asOf: asOf, step: ladder.steps[stepIndex].name))
                if case .remind = plan.action, channels.contains(.letter) || ladder.steps[stepIndex].channels.contains(.letter) {
                    p.documentPath = (folder as NSString).appendingPathComponent(
                        "\(Self.fileName(plan.debtor.key))-\(plan.debtor.id)-\(Self.fileName(ladder.steps[stepIndex].name)).pdf")
                }
                batch.append(p)
                if batch.count >= options.batchSize { try flush() }
            }
        }
        try flush()
        let w = try writer.finish()
        summary.reminders = w.reminders
        summary.emails = w.emails
        summary.letters = w.letters
        summary.worklist = w.worklist
        summary.alreadyDone += w.alreadyDone
        summary.errors = w.errors
        summary.claimed = w.claimed
        // What the night left out and why, for the dunning report (replaced by a rerun of the day).
        let exclusions = summary.plan.exclusions
        try store.pool.write { db in try exclusions.save(db, asOf: asOf) }
        summary.held = options.holdReason
        return summary
    }

    /// The channels a step actually uses for this debtor: a missing e-mail address falls back to a
    /// letter and a missing postal address to an e-mail (the planner excludes debtors with neither).
    package static func channels(_ wanted: [Ladder.Channel], _ d: DebtorSnapshot) -> [Ladder.Channel] {
        if wanted == [.manual] { return wanted }
        let email = d.email.flatMap(EmailAddress.init) != nil
        var used = wanted.filter { ($0 == .email && email) || ($0 == .letter && d.hasPostalAddress) }
        if used.isEmpty { used = email ? [.email] : (d.hasPostalAddress ? [.letter] : []) }
        return used
    }

    /// The event's idempotency key: the day, the debtor, the step and a digest of the figures.
    static func key(_ plan: DebtorPlan, asOf: Day, step: String) -> String {
        var h = FNV1a()
        func mix(_ s: String) { h.add(utf8: s); h.add(0xff) }
        for p in plan.items { mix(p.item.number); mix(String(p.item.open.minorUnits)); mix(p.advances ? "1" : "0") }
        mix(String(plan.total.minorUnits))
        return "dunning:\(asOf):\(plan.debtor.key):\(step):\(h.hex)"
    }

    /// A debtor key or step name as a safe file-name part.
    package static func fileName(_ s: String) -> String {
        String(s.unicodeScalars.map { ($0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))) ? Character($0) : "_" }.prefix(60))
    }

    /// Composes the batch's reminders and renders their letters on both cores, then writes the batch in one transaction.
    static func write(_ batch: inout [Pending], store: LedgerStore, planner: Planner, composer: ReminderComposer, options: Options, folder: String, seenBatch: Int64,
                      dictionaries: BodyDictionaries? = nil, summary: inout Summary) throws {
        if batch.contains(where: { $0.documentPath != nil }) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Compose and render on every core; a debtor whose reminder cannot be made is listed and skipped.
        let work = batch
        let results = ParallelWork.map(work.count, workers: options.concurrency) { i -> Result<ComposedReminder?, Error> in
            let p = work[i]
            return Result {
                guard case .remind = p.plan.action, let ladder = planner.ladders[p.plan.debtor.kind] else { return nil }
                let c = try composer.compose(p.plan, ladder: ladder, stepIndex: p.stepIndex, asOf: options.asOf, channels: p.channels,
                                             dictionaries: dictionaries)
                if let path = p.documentPath, let error = LetterRenderer.render(c.letter, to: path) { throw LetterFailure(error: error) }
                return c
            }
        }
        var failed = Set<Int>()
        for (i, r) in results.enumerated() {
            switch r {
            case .success(let c): batch[i].composed = c
            case .failure(let error):
                failed.insert(i)
                summary.errors.append((batch[i].plan.debtor.key, "\(error)"))
            }
        }
        let now = options.now()
        let created = Instant.string(now)
        try store.pool.write { db in
            for (i, p) in batch.enumerated() where !failed.contains(i) {
                guard let ladder = planner.ladders[p.plan.debtor.kind] else { continue }
                if try insert(db, p, ladder: ladder, options: options, seenBatch: seenBatch, created: created, now: now) {
                    if case .worklist = p.plan.action { summary.worklist += 1 } else {
                        summary.reminders += 1
                        summary.claimed.add(p.plan.total)
                        if p.channels.contains(.email) { summary.emails += 1 }
                        if p.channels.contains(.letter) { summary.letters += 1 }
                    }
                } else {
                    summary.alreadyDone += 1
                }
            }
        }
    }

    /// Writes one debtor's event, items, state and e-mail; false when the event already exists.
    static func insert(_ db: Database, _ p: Pending, ladder: Ladder, options: Options, seenBatch: Int64, created: String, now: Date) throws -> Bool {
        let d = p.plan.debtor
        let step = ladder.steps[p.stepIndex]
        let reminding: Bool
        if case .remind = p.plan.action { reminding = true } else { reminding = false }
        let ladderName = "\(ladder.kind.rawValue)/v\(ladder.version)"
        let record = DunningEventRecord(
            idempotencyKey: p.key, debtorID: d.id, asOf: options.asOf, ladder: ladderName, step: step.name, stepIndex: p.stepIndex,
            channels: p.channels, language: d.language, currency: p.plan.balance.currency.code, balanceMinor: p.plan.balance.minorUnits,
            interestMinor: p.plan.interest.minorUnits, feesMinor: p.plan.fees.minorUnits, totalMinor: p.plan.total.minorUnits,
            // Stored from its figures (`insertEvent`'s `facts`): the JSON is not written here.
            computation: p.composed == nil ? "{}" : "", documentPath: p.documentPath, status: reminding ? .queued : .worklist,
            runID: options.runID, createdAt: created, structuredReference: p.composed?.reference.digits, seenBatchID: seenBatch,
            demandedMinor: p.plan.demanded.minorUnits, payBy: p.composed?.payBy)
        let items = p.plan.items.map {
            DunningComputation.Item(invoiceID: $0.item.invoiceID, number: $0.item.number, openMinor: $0.item.open.minorUnits, daysLate: $0.daysLate)
        }
        guard let event = try DunningCommands.insertEvent(db, record, items: items, facts: p.composed?.computationFacts) else { return false }
        let firstChannel: ReminderChannel = p.channels.contains(.letter) ? .post : .email
        for item in p.plan.items {
            let o = item.item
            try DunningCommands.insertItem(db, DunningEventItemRecord(
                eventID: event, invoiceID: o.invoiceID, stepIndex: item.stepIndex, advanced: item.advances, openMinor: o.open.minorUnits,
                daysLate: item.daysLate, interestMinor: item.claim?.interest.minorUnits ?? 0,
                feeMinor: item.claim?.flatCompensation.minorUnits ?? 0, prevStepIndex: o.stepIndex,
                prevStep: o.stepIndex.map { $0 < ladder.steps.count ? ladder.steps[$0].name : "\($0)" }, prevLastReminder: o.lastReminder,
                prevFirstReminder: o.firstReminder, prevFirstChannel: o.firstReminderChannel))
            if item.advances, let s = item.stepIndex {
                try DunningCommands.advanceState(db, DunningStateRecord(
                    invoiceID: o.invoiceID, ladder: ladderName, stepIndex: s, step: ladder.steps[s].name, lastReminder: options.asOf,
                    firstReminder: reminding ? options.asOf : nil, firstChannel: reminding ? firstChannel : nil))
            }
        }
        guard reminding, p.channels.contains(.email), let c = p.composed, let address = d.email.flatMap(EmailAddress.init) else { return true }
        var message = NewOutboxMessage(idempotencyKey: p.key, origin: "dunning", to: [OutboxMailbox(address, name: d.name)],
                                       subject: c.subject, textBody: c.text, htmlBody: c.html)
        message.bodyDictionary = c.bodyDictionary
        if let path = p.documentPath {
            message.attachments = [OutboxAttachment(filename: (path as NSString).lastPathComponent, content: .file(path: path))]
        }
        message.references = [.debtor(DebtorID(rawValue: d.key))] + p.plan.items.filter(\.advances).map { .invoice(InvoiceNumber(rawValue: $0.item.number)) }
        message.dunningEvent = event
        let id = try OutboxQueue.enqueue(db, message, at: now)
        try DunningCommands.linkMessage(db, event: event, message: id)
        return true
    }
}

/// The batches of a dunning run, composed, rendered and written on a thread of their own, one after
/// the other in the order they were planned (so the rows get the ids they got when the plan waited
/// for each batch), while the plan goes on reading the ledger. At most `depth` batches are planned
/// ahead of the one being written, so memory stays flat. The first error stops the batches after it
/// and is thrown by the next `submit` or by `finish`.
///
/// `@unchecked Sendable`: `summary` and `failure` are touched only on `queue` (read by `finish`
/// after it), `written` through `lock`.
final class BatchWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "relance.dunning.batches")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var count = 0
    private var failure: (any Error)?
    private var summary = DunningRun.Summary()
    /// The run's body dictionaries, rendered once each (the composer does not change during a run).
    private let dictionaries = BodyDictionaries()
    private let store: LedgerStore, planner: Planner, composer: ReminderComposer, options: DunningRun.Options
    private let folder: String, seenBatch: Int64

    init(store: LedgerStore, planner: Planner, composer: ReminderComposer, options: DunningRun.Options, folder: String, seenBatch: Int64,
         depth: Int = 2) {
        (self.store, self.planner, self.composer, self.options, self.folder, self.seenBatch) = (store, planner, composer, options, folder, seenBatch)
        slots = DispatchSemaphore(value: max(1, depth))
    }

    /// Reminders and worklist items written so far (for the progress bar).
    var written: Int { lock.withLock { count } }

    /// Queues `batch` behind the earlier ones; waits while `depth` batches are already waiting.
    /// Throws the error that stopped an earlier batch.
    func submit(_ batch: [DunningRun.Pending]) throws {
        slots.wait()
        if let e = lock.withLock({ failure }) {
            slots.signal()
            throw e
        }
        queue.async { [self] in
            defer { slots.signal() }
            guard lock.withLock({ failure }) == nil else { return }
            var b = batch
            do {
                try DunningRun.write(&b, store: store, planner: planner, composer: composer, options: options, folder: folder,
                                     seenBatch: seenBatch, dictionaries: dictionaries, summary: &summary)
                let n = summary.reminders + summary.worklist
                lock.withLock { count = n }
            } catch {
                lock.withLock { failure = error }
            }
        }
    }

    /// Waits for every queued batch.
    func drain() { queue.sync {} }

    /// Waits for every queued batch; their counts, or the first error.
    func finish() throws -> DunningRun.Summary {
        drain()
        if let e = lock.withLock({ failure }) { throw e }
        return summary
    }
}

/// A letter that could not be rendered.
struct LetterFailure: Error, CustomStringConvertible {
    var error: Error
    var description: String { "letter: \(error)" }
}
