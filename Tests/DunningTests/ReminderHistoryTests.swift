import Foundation
import RelanceTestSupport
import Testing

/// `relance-gen --reminder-history` (issue 17): the reminders of the base's last 60 days as if Relance
/// had run every night, in the format `relance ingest reminders` reads. Each row names an invoice
/// still open on the as-of day (so none was paid before it was reminded), already due on the row's
/// day; an invoice's rows follow the default ladder's steps and cadence; `relance` takes the file
/// whole, and the same arguments give the same bytes.
@Suite struct ReminderHistoryTests {
    static let asOf = "2026-11-21"
    static let base = ["--debtors", "80", "--open-invoices", "600", "--history", "300", "--as-of", asOf, "--seed", "7"]

    /// Days after the previous step (the first: after the due date) of the default ladders.
    static let ladders: [String: [(String, Int)]] = [
        "b2b": [("reminder-1", 7), ("reminder-2", 14), ("formal-notice", 14), ("call", 7), ("collection-agency", 21)],
        "b2c": [("reminder-1", 5), ("reminder-2", 17), ("formal-notice", 14), ("call", 7), ("collection-agency", 21)],
    ]

    static func generate(_ generator: String, _ out: String, _ extra: [String]) throws {
        let result = try ProcessRunner.run(generator, ["--out", out] + base + extra)
        #expect(result.status == 0, "relance-gen \(extra): \(result.stderr)")
    }

    static func rows(_ path: String) throws -> [[Substring]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    static func day(_ text: Substring) -> Date? {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.date(from: String(text))
    }

    static func days(_ from: Substring, _ to: Substring) -> Int {
        guard let a = day(from), let b = day(to) else { return Int.min }
        return Int((b.timeIntervalSince(a) / 86_400).rounded())
    }

    @Test func rowsFollowTheLadderForOpenInvoicesAndIngestWhole() throws {
        guard try RequiredTools.check(.relanceGen), try RequiredTools.check(.relance),
              let generator = Products.path("relance-gen"), let relance = Products.relance else { return }
        let dir = NSTemporaryDirectory() + "relance-reminder-history-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.generate(generator, dir + "/base", [])
        try Self.generate(generator, dir + "/history", ["--reminder-history"])
        // The base files are not written by --reminder-history, and the history's bytes do not change.
        #expect(!FileManager.default.fileExists(atPath: dir + "/history/invoices-open.csv"))
        let file = dir + "/history/reminders-history.csv"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try Self.generate(generator, dir + "/again", ["--reminder-history"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/again/reminders-history.csv")) == bytes)

        var kinds: [Substring: Substring] = [:]
        // The kind is the first `b2b` or `b2c` field (a quoted name may hold a comma).
        for r in try Self.rows(dir + "/base/debtors.csv") { kinds[r[0]] = r.dropFirst().first { $0 == "b2b" || $0 == "b2c" } }
        // invoice number -> (debtor, due date, type, disputed)
        var open: [Substring: (debtor: Substring, due: Substring, type: Substring, disputed: Substring)] = [:]
        for r in try Self.rows(dir + "/base/invoices-open.csv") {
            open[r[0]] = (r[1], r[3], r[7], r[r.count - 1])
        }
        let lines = try Self.rows(file)
        #expect(lines.count > 50)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("invoice_number,day,step,channel\n"))
        var byInvoice: [Substring: [(day: Substring, step: Substring)]] = [:]
        for r in lines {
            guard let invoice = open[r[0]] else {
                Issue.record("row for \(r[0]), not an open invoice on the as-of day")
                continue
            }
            #expect(invoice.type == "invoice" && invoice.disputed != "true", "\(r[0]): a credit note or a disputed invoice")
            #expect(invoice.due < r[1] && r[1] <= Self.asOf[...], "\(r[0]) reminded on \(r[1]), due \(invoice.due)")
            byInvoice[r[0], default: []].append((r[1], r[2]))
        }
        var steps = Set<Substring>()
        for (number, reminders) in byInvoice {
            guard let kind = kinds[open[number]?.debtor ?? ""], let ladder = Self.ladders[String(kind)] else {
                Issue.record("\(number): no ladder")
                continue
            }
            let names = ladder.map { $0.0[...] }
            // Either every step within the 60 days, in ladder order at the ladder's cadence, or one older step.
            if reminders.count == 1, Self.days(reminders[0].day, Self.asOf[...]) > 60 { steps.insert(reminders[0].step); continue }
            for (i, r) in reminders.enumerated() {
                steps.insert(r.step)
                #expect(Self.days(r.day, Self.asOf[...]) <= 60, "\(number) on \(r.day): before the window")
                guard i > 0, let k = names.firstIndex(of: r.step) else { continue }
                #expect(names.firstIndex(of: reminders[i - 1].step) == k - 1, "\(number): \(reminders[i - 1].step) then \(r.step)")
                #expect(Self.days(reminders[i - 1].day, r.day) == ladder[k].1, "\(number): \(r.step) on \(r.day)")
            }
        }
        #expect(steps.count >= 4, "steps seen: \(steps)")

        // `relance ingest reminders` takes the whole file: every row names an invoice it knows and a step of its ladder.
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws]
        let environment = ProcessRunner.environment(env.mapValues { Optional($0) }, removingPrefix: "RELANCE_")
        for args in [["init", ws], ["ingest", "debtors", dir + "/base/debtors.csv", "--as-of", Self.asOf],
                     ["ingest", "invoices", dir + "/base/invoices-open.csv", "--as-of", Self.asOf],
                     ["ingest", "reminders", file, "--as-of", Self.asOf]] {
            let result = try ProcessRunner.run(relance, args, environment: environment)
            #expect(result.status == 0, "relance \(args): \(result.stderr)")
            if args[1] == "reminders" {
                #expect(result.stdout.contains("read \(lines.count), recorded \(lines.count),") && result.stdout.contains("rejected 0"),
                        "\(result.stdout)")
            }
        }
    }
}
