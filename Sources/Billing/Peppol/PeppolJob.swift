import Foundation
import GRDB
import Ledger
import Store
import Workspace

/// One invoice (or credit note) to write as UBL once its PDF is rendered, inside the batch's
/// transaction: the file beside the PDF, its path on the billing row, and the queued Peppol document.
struct PeppolJob {
    var draft: DraftInvoice
    var number: String
    var reference: StructuredReference
    var addressee: Addressee
    /// The rendered PDF (absolute path).
    var pdf: String
    /// The UBL file, relative to the workspace.
    var relative: String
    var composer: PeppolComposer
    var credits: (number: String, issue: Day)? = nil

    /// Writes the UBL file (atomically) and queues it; throws and so rolls the batch back when the
    /// document cannot be made or written.
    func write(_ db: Database, workspace: Workspace, period: Month, now: Date) throws {
        guard let pdfData = FileManager.default.contents(atPath: pdf) else { throw BillingError.cannotWrite(pdf) }
        let xml: String
        let buyer: PeppolParty
        do {
            buyer = try PeppolComposer.buyer(addressee)
            xml = try UBLWriter.xml(composer.document(draft, number: number, reference: reference, buyer: buyer,
                                                       language: addressee.language, credits: credits, pdf: pdfData))
        } catch {
            throw BillingError.peppol(number, error.description)
        }
        let path = workspace.path(relative)
        do { try Data(xml.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw BillingError.cannotWrite(path)
        }
        try BillingCommands.setUBLPath(db, number: number, creditNote: credits != nil, path: relative)
        try PeppolQueue.enqueue(db, NewPeppolDocument(
            idempotencyKey: "billing:peppol:\(number)", invoiceNumber: number, isCreditNote: credits != nil, period: period.description,
            receiver: buyer.participantID, path: relative), at: now)
    }
}
