import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Reports

/// The statements Store's `ReportQueries` run for a whole morning (snapshot, every report,
/// debtor pages, trends, needs-a-look, morning page), traced on one connection, and SQLite's plan
/// for each: the reports stage must not turn into walks of the big tables.
@Suite struct ReportQueryPlanTests {
    /// SQL seen by a trace, in the order first run.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ sql: String) {
            lock.withLock { if !list.contains(sql) { list.append(sql) } }
        }
        var all: [String] { lock.withLock { list } }
    }

    /// Every statement the morning runs, with its arguments expanded.
    func morningStatements() throws -> (TempLedger, [String]) {
        let l = try TempLedger()
        try seedLedger(l.store)
        let seen = Seen()
        let options = pinnedOptions()
        try l.store.pool.write { db in
            db.trace(options: .statement) { event in
                if case .statement(let s) = event { seen.add(s.expandedSQL) }
            }
            defer { db.trace(options: .statement, nil) }
            try Reports.recordSnapshot(db, asOf: seedDay)
            for kind in ReportKind.allCases {
                let doc = try Reports.build(kind, db: db, asOf: seedDay, options: options)
                try Reports.render(doc, format: .csv, options: options, write: { _ in })
            }
            for id in try DebtorPage.debtorIDs(db, asOf: seedDay, top: options.topRows) {
                if let page = try DebtorPage.build(db, id: id, asOf: seedDay, options: options) {
                    try Reports.render(page, format: .csv, options: options, write: { _ in })
                }
            }
            _ = try TrendsPage.build(db, asOf: seedDay, options: options)
            let findings = try NeedsALook.findings(db, asOf: seedDay)
            _ = try MorningPage.build(db, asOf: seedDay, options: options, findings: findings, files: [], debtors: [])
        }
        return (l, seen.all.filter { $0.hasPrefix("SELECT") || $0.hasPrefix("INSERT") || $0.hasPrefix("WITH") })
    }

    /// The tables that grow with the ledger (millions of rows at scale 1).
    static let big: Set<String> = ["invoice", "payment", "payment_allocation", "dunning_event", "dunning_event_item", "record_change"]

    /// Full scans of a big table known today, by a fragment of their SQL: the 90 days' sales for
    /// DSO read `invoice` by issue date, which has no index (aging and snapshot).
    static let knownScans = ["FROM invoice WHERE issue_date > "]

    /// The table a plan line `SCAN name` walks without an index, resolving an alias of `sql`; nil
    /// when the line uses an index, a subquery or a constant row.
    static func walked(_ line: String, in sql: String) -> String? {
        let parts = line.split(separator: " ").map(String.init)
        guard parts.count == 2, parts[0] == "SCAN", !parts[1].hasPrefix("(") else { return nil }
        let name = parts[1]
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" || $0 == ")" || $0 == "," }).map(String.init)
        for i in words.indices.dropFirst() where words[i] == name && ["FROM", "JOIN"].contains(words[i - 1]) { return name }
        for i in words.indices.dropFirst(1) where words[i] == name {
            let table = words[i - 1] == "AS" && i >= 2 ? words[i - 2] : words[i - 1]
            if Self.big.contains(table) { return table }
        }
        return name
    }

    @Test func noReportQueryWalksABigTable() throws {
        let (l, statements) = try morningStatements()
        #expect(statements.count >= 50, "\(statements.count) statements traced")
        try l.store.pool.read { db in
            var scans: [String] = []
            for sql in statements {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
                for line in plan {
                    guard let table = Self.walked(line, in: sql), Self.big.contains(table) else { continue }
                    if Self.knownScans.contains(where: { sql.contains($0) }) { scans.append(table) } else {
                        Issue.record("a report query walks the whole \(table) table (\(line)): \(sql)")
                    }
                }
            }
            #expect(scans == ["invoice"], "the known full scans: \(scans)")
        }
    }

    @Test func aliasesResolveToTheirTable() {
        #expect(Self.walked("SCAN i", in: "SELECT 1 FROM invoice i WHERE x") == "invoice")
        #expect(Self.walked("SCAN e", in: "SELECT 1 FROM dunning_event AS e") == "dunning_event")
        #expect(Self.walked("SCAN payment", in: "SELECT 1 FROM payment WHERE x") == "payment")
        #expect(Self.walked("SCAN i USING INDEX invoice_open", in: "SELECT 1 FROM invoice i") == nil)
        #expect(Self.walked("SCAN (subquery-1)", in: "SELECT 1") == nil)
    }
}
