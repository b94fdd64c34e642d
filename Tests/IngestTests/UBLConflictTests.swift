import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// Two documents that share a number (as in the public Peppol BIS 3.0 examples, where an invoice
/// and a credit note are both "Snippet1"): the second is a diagnostic on its file, the others are
/// kept, and no raw database error escapes.
@Suite struct UBLConflictTests {
    @Test func aCreditNoteWithAnInvoicesNumberIsADiagnosticOnItsFile() throws {
        let t = try TestLedger().withDebtors()
        let dir = NSTemporaryDirectory() + "relance-ubl-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let source = fixture("bank/ubl")
        for name in ["invoice-known-buyer.xml", "invoice-new-buyer-terms.xml"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: dir + "/" + name)
        }
        let note = try String(contentsOfFile: source + "/creditnote.xml", encoding: .utf8)
            .replacingOccurrences(of: "<cbc:ID>UBL-CN-2026-001</cbc:ID>", with: "<cbc:ID>UBL-2026-002</cbc:ID>")
        try note.write(toFile: dir + "/z-creditnote-same-number.xml", atomically: true, encoding: .utf8)
        let s = try t.ingestUBL([dir])
        #expect(s[0].read == 3 && s[0].imported == 2 && s[0].rejected == 1)
        let d = try #require(t.diagnostics.first { $0.file == "z-creditnote-same-number.xml" && $0.severity == .error })
        #expect(d.message.contains("document number \"UBL-2026-002\" is already in the ledger as an invoice"), "\(d.message)")
        #expect(try t.invoice("UBL-2026-002")?.type == "invoice")
        #expect(try t.invoice("UBL-2026-001") != nil)
    }
}
