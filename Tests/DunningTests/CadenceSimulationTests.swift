import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Sixty nights of `DunningRun` on a ledger `relance-gen` made (400 debtors, 1,600 open items),
/// with a pinned clock and nothing paid in between: what a debtor receives must read like one
/// credit controller's steady hand.
@Suite(.serialized) struct CadenceSimulationTests {
    /// The `relance-gen` built next to the tests, or nil (then the test says why it did not run).
    static var generator: String? { Products.path("relance-gen") }

    struct Message {
        var day: Day
        var step: Int
        var items: [(due: Day, open: Int64, demanded: Bool)]
        var channels: String
        var kind: DebtorKind
    }

    @Test func sixtyNightsOfOneLevelPerDebtorAtASteadyCadence() throws {
        guard try RequiredTools.check(.relanceGen), let generator = Self.generator else { return }
        let dir = NSTemporaryDirectory() + "relance-cadence-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: generator)
        gen.arguments = ["--out", dir + "/gen", "--debtors", "400", "--open-invoices", "1600", "--history", "0", "--as-of", "2026-11-19", "--seed", "7"]
        gen.standardError = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0)

        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors.csv"), (.invoices, "invoices-open.csv")] {
            _ = try Ingestor.run(store: store, files: [dir + "/gen/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-19")!)) { _ in }
        }
        var rules = ClaimRules()
        rules.rates = try RateTable.parse("[b2b_late_payment]\n\"2026-H1\" = \"10.5\"\n\"2026-H2\" = \"10.5\"\n\"2027-H1\" = \"10.25\"\n\"2025-H2\" = \"10.5\"\n\"2025-H1\" = \"11\"\n")
        let ladders: [DebtorKind: Ladder] = [.b2b: try Ladder.parse(DefaultLadders.b2b, file: "b2b"), .b2c: try Ladder.parse(DefaultLadders.b2c, file: "b2c")]
        let planner = Planner(ladders: ladders, rules: rules)
        let creditor = Creditor(name: "Facturatie NV", enterpriseNumber: "0428.759.497", addressLines: ["Kunstlaan 1", "1000 Brussel"],
                                city: "Brussel", iban: try IBAN(parsing: "BE68 5390 0754 7034"), bic: "GKCCBEBB")
        let composer = ReminderComposer(creditor: creditor, templates: try ReminderTemplates(folder: nil), rules: rules)
        var night = Day(iso: "2026-11-20")!
        for _ in 0..<60 {
            var o = DunningRun.Options(asOf: night, lettersDir: dir + "/letters")
            o.now = { Date(timeIntervalSince1970: 1_795_000_000) }
            let s = try DunningRun.run(store: store, planner: planner, composer: composer, options: o)
            #expect(s.errors.isEmpty && s.plan.errors.isEmpty && s.plan.rateMissing.isEmpty)
            night = night.adding(days: 1)
        }

        // Every message (worklist items are not messages), per debtor, in order.
        var byDebtor: [Int64: [Message]] = [:]
        try store.pool.read { db in
            var items: [Int64: [(due: Day, open: Int64, demanded: Bool)]] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT t.event_id, i.due_date, t.open_minor, t.advanced FROM dunning_event_item t JOIN invoice i ON i.id = t.invoice_id
                WHERE i.type = 'invoice'
                """) {
                items[r[0], default: []].append((Day(iso: r[1] as String)!, r[2], r[3]))
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT e.id, e.debtor_id, e.as_of, e.step_index, e.channels, d.kind FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
                WHERE e.status = 'queued' ORDER BY e.debtor_id, e.as_of
                """) {
                byDebtor[r[1], default: []].append(Message(day: Day(iso: r[2] as String)!, step: r[3], items: items[r[0]] ?? [],
                                                           channels: r[4], kind: DebtorKind(rawValue: r[5] as String) ?? .b2b))
            }
        }
        let messages = byDebtor.values.reduce(0) { $0 + $1.count }
        var tooSoon = 0, regressions = 0, notYetDueDemanded = 0, courtesyToLate = 0, consumerPeriod = 0
        for list in byDebtor.values {
            for (n, m) in list.enumerated() {
                let courtesy: Bool
                if case .beforeDue = ladders[m.kind]?.steps[m.step].trigger { courtesy = true } else { courtesy = false }
                if courtesy {
                    if m.items.contains(where: { $0.due < m.day && $0.open > 0 }) { courtesyToLate += 1 }
                } else if m.items.contains(where: { $0.demanded && $0.due >= m.day }) {
                    notYetDueDemanded += 1
                }
                guard n > 0 else { continue }
                let previous = list[n - 1]
                if m.day.days(since: previous.day) < 7 { tooSoon += 1 }
                if m.step < previous.step { regressions += 1 }
                // After a consumer's first reminder, nothing before its 14-day period has run.
                if m.kind == .b2c && previous.step == 0 {
                    let end = ConsumerRules.claimableFrom(firstReminder: previous.day, channel: previous.channels.contains("letter") ? .post : .email)
                    if m.day < end { consumerPeriod += 1 }
                }
            }
        }
        #expect(messages > 300, "the simulation should remind a good share of 400 debtors over 60 nights (\(messages) messages)")
        #expect(tooSoon == 0)
        #expect(regressions == 0)
        #expect(notYetDueDemanded == 0)
        #expect(courtesyToLate == 0)
        #expect(consumerPeriod == 0)
        // The ladder is walked: debtors reach the later steps, not only reminder-1.
        let highest = byDebtor.values.compactMap { $0.map(\.step).max() }
        #expect(highest.filter { $0 >= 2 }.count > 50)
    }
}
