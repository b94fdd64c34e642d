import Billing
import Foundation
import Ledger
import RelanceTestSupport
import Testing

/// `billing notify-indexation`: old and expected prices (or pending), two months ahead, through the outbox.
@Suite struct IndexationNoticeTests {
    func d(_ s: String) -> Day { Day(iso: s)! }

    @Test func everyIndexedContractIsToldItsOldAndExpectedPrice() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        let r = try IndexationNotice.run(store: w.store, workspace: w.workspace, config: w.config, year: 2027, asOf: d("2026-10-31"),
                                         now: { fixedNow })
        #expect(!r.late && r.deadline == d("2026-10-31") && r.indexationDate == d("2027-01-01"))
        #expect(r.lines.map(\.row) == [
            "C-1001\tagoria-digital\t100.00\t104.00", "C-1002\tagoria-manufacturing\t49.99\t52.07",
            "C-1003\tagoria-national\t250.00\t246.00", "C-1004\tagoria-national\t250.00\t250.00",
        ])
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key LIKE 'billing:indexation-notice:2027:%'") == 4)
        // Queued once: a second run adds nothing.
        _ = try IndexationNotice.run(store: w.store, workspace: w.workspace, config: w.config, year: 2027, asOf: d("2026-10-31"),
                                     now: { fixedNow })
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message") == 4)
        guard try RequiredTools.check(.pdftotext) else { return }
        let text = try pdfText(w.workspace.path("out/notices/indexation-2027/C-1002.pdf"))
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(text.contains("le prix mensuel de € 49,99 passera à € 52,07 (HTVA) à partir du 1 janvier 2027"), "\(text)")
    }

    @Test func anUnpublishedMonthIsPending() throws {
        let w = try BillingWorkspace()
        try w.debtors()
        try w.ingest(.contracts, examples + "/contracts.csv")
        let index = try String(contentsOfFile: examples + "/index.csv", encoding: .utf8).split(separator: "\n")
            .filter { !$0.contains(",2026-11,") && !$0.contains(",2026-10,") }
        try w.ingest(.index, w.write("index-so-far.csv", index.joined(separator: "\n") + "\n"))
        let r = try IndexationNotice.run(store: w.store, workspace: w.workspace, config: w.config, year: 2027, asOf: d("2026-10-15"),
                                         now: { fixedNow })
        #expect(r.lines.first?.row == "C-1001\tagoria-digital\t100.00\tpending: index of 2026-11 not yet published")
        #expect(try w.strings("SELECT message_text(text_body, bodies_z) FROM outbox_message WHERE idempotency_key = 'billing:indexation-notice:2027:C-1001'")
            .first?.contains("De nieuwe prijs vanaf 1 januari 2027 volgt zodra de index van november 2026 gepubliceerd is.") == true)
    }

    @Test func lessThanTwoMonthsAheadIsRefusedUnlessAllowed() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        #expect {
            try IndexationNotice.run(store: w.store, workspace: w.workspace, config: w.config, year: 2027, asOf: d("2026-11-01"),
                                     now: { fixedNow })
        } throws: { e in
            "\(e)" == "the indexation of 2027-01-01 had to be announced by 2026-10-31 (two months before); pass --allow-late to send the notices anyway"
        }
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message") == 0)
        let late = try IndexationNotice.run(store: w.store, workspace: w.workspace, config: w.config, year: 2027, asOf: d("2026-11-01"),
                                            allowLate: true, now: { fixedNow })
        #expect(late.late && late.lines.count == 4)
    }
}
