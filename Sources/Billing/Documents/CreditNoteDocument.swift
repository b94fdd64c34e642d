import Foundation
import Ledger
import Letters

extension DocumentComposer {
    /// The credit note letter: the credited invoice's lines and totals, what it credits and why, and
    /// no payment block (nothing is to be paid).
    func creditNote(_ d: DraftInvoice, number: String, reference: StructuredReference, credits: String, reason: String,
                    to a: Addressee) -> LetterDocument {
        let t = InvoiceTexts(language: a.language)
        var letter = invoice(d, number: number, reference: reference, to: a)
        letter.subject = "\(t.creditNote) \(number)"
        letter.paragraphsBefore.insert(t.credits(credits, reason: reason), at: 0)
        letter.paragraphsAfter = [t.nothingToPay, "\(t.greeting)\n\(company.name)"]
        letter.payment = nil
        return letter
    }
}

extension InvoiceTexts {
    var creditNote: String { pick("Creditnota", "Note de crédit", "Gutschrift", "Credit note") }

    var nothingToPay: String {
        pick("Dit bedrag wordt verrekend met uw openstaande facturen of terugbetaald.",
             "Ce montant sera imputé sur vos factures ouvertes ou remboursé.",
             "Dieser Betrag wird mit Ihren offenen Rechnungen verrechnet oder erstattet.",
             "This amount will be set off against your open invoices or refunded.")
    }

    func credits(_ invoice: String, reason: String) -> String {
        pick("Deze creditnota crediteert factuur \(invoice): \(reason).", "Cette note de crédit annule la facture \(invoice) : \(reason).",
             "Diese Gutschrift storniert die Rechnung \(invoice): \(reason).", "This credit note credits invoice \(invoice): \(reason).")
    }

    func creditEmailBody(number: String, credits: String, total: Money, company: String) -> String {
        pick("Beste klant,\n\nIn bijlage vindt u creditnota \(number) op factuur \(credits), voor \(money(total)).\n\nMet vriendelijke groeten,\n\(company)\n",
             "Madame, Monsieur,\n\nVeuillez trouver ci-joint la note de crédit \(number) sur la facture \(credits), pour \(money(total)).\n\nSalutations distinguées,\n\(company)\n",
             "Sehr geehrte Damen und Herren,\n\nanbei die Gutschrift \(number) zur Rechnung \(credits) über \(money(total)).\n\nMit freundlichen Grüßen,\n\(company)\n",
             "Dear customer,\n\nPlease find attached credit note \(number) on invoice \(credits), for \(money(total)).\n\nKind regards,\n\(company)\n")
    }
}
