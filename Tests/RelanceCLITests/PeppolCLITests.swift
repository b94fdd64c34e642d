import Foundation
import Testing

/// `relance billing channel|credit` and `relance peppol …` as a user runs them, on the examples.
@Suite struct PeppolCLITests {
    @Test func peppolTranscript() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws]
        #expect(try CLI.run(["init", ws, "--demo"]).status == 0)
        #expect(try CLI.run(["ingest", "debtors", BillingCLITests.examples + "/debtors.csv"], env: env).status == 0)
        for kind in ["contracts", "usage", "index"] {
            #expect(try CLI.run(["ingest", kind, BillingCLITests.examples + "/\(kind).csv"], env: env).status == 0)
        }
        // B-003 has no enterprise number: Peppol is refused for it, exit 65; e-mail is fine.
        let refused = try CLI.run(["billing", "channel", "B-003", "peppol"], env: env)
        #expect(refused.status == 65 && refused.stderr.contains("[enterprise-number]"))
        #expect(try CLI.run(["billing", "channel", "B-003", "email"], env: env).stdout == "debtor B-003: e-mail\n")
        #expect(try CLI.run(["billing", "channel", "B-002", "peppol"], env: env).stdout == "debtor B-002: Peppol to 0208:0428759497\n")
        #expect(try CLI.run(["billing", "channel", "B-002", "fax"], env: env).status == 64)

        let run = try CLI.run(["billing", "run", "--period", "2027-01"], env: env)
        #expect(run.status == 0)
        #expect(run.stdout.contains("3 invoice(s) as Peppol UBL (relance peppol flush sends them)"))
        let list = try CLI.run(["peppol", "list"], env: env)
        #expect(list.stdout.split(separator: "\n").map { $0.split(separator: "\t").prefix(5).joined(separator: " ") }
                == ["1 F2027-000001 invoice 0208:0403170701 queued", "2 F2027-000002 invoice 0208:0428759497 queued",
                    "3 F2027-000006 invoice 0208:0403170701 queued"])
        #expect(try CLI.run(["peppol", "hold", "F2027-000006"], env: env).stdout == "1 document(s) held\n")
        let flush = try CLI.run(["peppol", "flush"], env: env)
        #expect(flush.status == 0 && flush.stdout.hasPrefix("peppol: 2 attempted, 2 sent, 0 deferred, 0 bounced"))
        #expect(FileManager.default.fileExists(atPath: ws + "/out/peppol/2027-01/F2027-000001.xml"))
        #expect(!FileManager.default.fileExists(atPath: ws + "/out/peppol/2027-01/F2027-000006.xml"))
        #expect(try CLI.run(["peppol", "release", "6"], env: env).status == 65, "no such document")
        #expect(try CLI.run(["peppol", "release", "3"], env: env).stdout == "1 document(s) released\n")

        let credit = try CLI.run(["billing", "credit", "F2027-000002", "--reason", "wrong plan", "--date", "2027-01-20"], env: env)
        #expect(credit.status == 0 && credit.stdout.hasPrefix("credit note FC2027-000001 on F2027-000002: EUR 92.20 incl. VAT, by peppol"))
        let twice = try CLI.run(["billing", "credit", "F2027-000002", "--reason", "again", "--date", "2027-01-20"], env: env)
        #expect(twice.status == 65 && twice.stderr.contains("already credited by FC2027-000001"))
        let second = try CLI.run(["peppol", "flush"], env: env)
        #expect(second.stdout.hasPrefix("peppol: 2 attempted, 2 sent"))
        #expect(FileManager.default.fileExists(atPath: ws + "/out/peppol/2027-01/FC2027-000001.xml"))
        #expect(try CLI.run(["peppol", "list", "--state", "sent"], env: env).stdout.split(separator: "\n").count == 4)

        // What went to Peppol reads back through `relance ingest ubl` in another workspace.
        let other = dir + "/other"
        #expect(try CLI.run(["init", other]).status == 0)
        let back = try CLI.run(["ingest", "ubl", ws + "/out/peppol/2027-01", "--workspace", other])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("read 4, imported 4"), "\(back.stdout)")
    }

    @Test func aRefusedPeppolInvoiceExits65AndTheRestIsWritten() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws]
        #expect(try CLI.run(["init", ws, "--demo"]).status == 0)
        #expect(try CLI.run(["ingest", "debtors", BillingCLITests.examples + "/debtors.csv"], env: env).status == 0)
        let contracts = dir + "/contracts.csv"
        try """
            contract_id,debtor_id,plan,monthly_price,activation_date,vat_rate,vat_exemption
            C-1,B-001,Pro,10.00,2025-01-01,0,
            C-2,B-002,Pro,10.00,2025-01-01,,

            """.write(toFile: contracts, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["ingest", "contracts", contracts], env: env).status == 0)
        // The nightly bills on the billing day: the refusal is printed and the night exits 65.
        let night = try CLI.run(["nightly", "--as-of", "2027-01-01"], env: env.merging(["RELANCE_MAIL_FROM": "boekhouding@demo-facturatie.example"]) { $1 })
        #expect(night.status == 65, "\(night.stderr)")
        #expect(night.stderr.contains("billing: contract C-1 (debtor B-001): error: [vat-exemption] VAT rate 0 % without an exemption reason"))
        // Fixed or not, a rerun bills only what is left; still refused: exit 65 again.
        let run = try CLI.run(["billing", "run", "--period", "2027-01"], env: env)
        #expect(run.status == 65)
        #expect(run.stdout.contains("contract C-1 (debtor B-001): error: [vat-exemption] VAT rate 0 % without an exemption reason"))
        #expect(run.stdout.contains("created 0 invoice(s)") && run.stdout.contains("1 already invoiced"))
    }
}
