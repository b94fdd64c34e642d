import Foundation
import Testing

/// `relance ingest contracts|usage|index` and `relance billing …` as a user runs them.
@Suite struct BillingCLITests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/billing").path

    @Test func billingTranscript() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws]
        #expect(try CLI.run(["init", ws, "--demo"]).status == 0)
        #expect(try CLI.run(["ingest", "debtors", Self.examples + "/debtors.csv"], env: env).status == 0)
        let contracts = try CLI.run(["ingest", "contracts", Self.examples + "/contracts.csv", "--format", "json"], env: env)
        #expect(contracts.status == 0)
        #expect(contracts.stdout == #"{"file":"contracts.csv","read":8,"imported":8,"updated":0,"unchanged":0,"rejected":0}"# + "\n")
        #expect(try CLI.run(["ingest", "usage", Self.examples + "/usage.csv"], env: env).status == 0)

        // January needs November's index: without the series the run stops, exit 65, nothing written.
        let early = try CLI.run(["billing", "run", "--period", "2027-01"], env: env)
        #expect(early.status == 65)
        #expect(early.stderr.contains("index series \"agoria-digital\" has no value for 2026-11"))
        #expect(early.stderr.contains("index series \"agoria-manufacturing\" has no value for 2025-02"))

        let index = try CLI.run(["ingest", "index", Self.examples + "/index.csv"], env: env)
        #expect(index.stdout == "index.csv: read 105, imported 105, updated 0, unchanged 0, rejected 0\n")
        let run = try CLI.run(["billing", "run", "--period", "2027-01", "--format", "json"], env: env)
        #expect(run.status == 0)
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: String]])
        #expect(lines.count == 9)
        #expect(lines[0] == ["contract_id": "C-1001", "invoice_number": "F2027-000001", "kind": "subscription", "amount": "104.00",
                             "old_price": "100.00", "new_price": "104.00", "factor": "1.04", "actual_index_month": "2026-11",
                             "actual_index": "115.50", "base_index_month": "2025-12", "base_index": "110.00"])
        #expect(Set(lines[2].keys) == ["contract_id", "invoice_number", "kind", "amount"])
        let again = try CLI.run(["billing", "run", "--period", "2027-01", "--format", "json"], env: env)
        #expect(again.status == 0 && again.stdout == "[]\n")
        #expect(again.stderr.contains("6 already invoiced"))

        #expect(try CLI.run(["billing", "run", "--period", "2027-1"], env: env).status == 64)
        let late = try CLI.run(["billing", "notify-indexation", "--year", "2027", "--as-of", "2026-12-01"], env: env)
        #expect(late.status == 64 && late.stderr.contains("pass --allow-late"))
        let notices = try CLI.run(["billing", "notify-indexation", "--year", "2028", "--as-of", "2027-10-01", "--dry-run"], env: env)
        #expect(notices.status == 0)
        #expect(notices.stdout.contains("C-1001\tagoria-digital\t104.00\tpending: index of 2027-11 not yet published"))
        let suspensions = try CLI.run(["billing", "suspensions", "--as-of", "2027-01-23", "--dry-run"], env: env)
        #expect(suspensions.stdout.contains("C-1001\tnotice\tF2027-000001"))
        let bad = try CLI.run(["ingest", "usage", Self.examples + "/contracts.csv"], env: env)
        #expect(bad.status == 65 && bad.stderr.contains("contracts.csv:1:0: error: [missing-column] required columns month, item, quantity, unit_price not in the header"))
    }
}
