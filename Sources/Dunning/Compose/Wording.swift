import Foundation
import Ledger

/// Amounts, dates and the fixed words of a reminder in one of the four languages a debtor can have.
///
/// Templates (mustache, editable in the workspace) carry the sentences; this carries what the
/// code itself prints: table headers, totals labels, the payment block, number and date formats.
package struct Wording: Sendable {
    package let language: String
    let place: String
    /// The statement's column headings.
    let headings: Headings
    let balance: String
    let unapplied: String
    let interest: String
    let flat: String
    let damages: String
    let reminderFee: String
    let totalDue: String
    let paymentTitle: String
    let beneficiary: String
    let amountLabel: String
    let communication: String
    let scan: String
    let page: String
    let ourReference: String
    let enterprise: String
    let perYear: String
    /// The demanded principal: what is overdue, less credit notes and payments not yet applied.
    let overdue: String
    /// The heading of the items listed for information only.
    let notYetDue: String
    let leftOut: String
    /// The label before the company's VAT number.
    let vat: String

    /// The headings of the statement's columns, one per ``StatementColumn``.
    struct Headings: Sendable {
        let invoiceNumber: String
        let issued: String
        let due: String
        let amount: String
        let open: String
        let daysLate: String
    }

    /// The heading of `column`.
    func heading(_ column: StatementColumn) -> String {
        switch column {
        case .invoiceNumber: headings.invoiceNumber
        case .issued: headings.issued
        case .due: headings.due
        case .amount: headings.amount
        case .open: headings.open
        case .daysLate: headings.daysLate
        }
    }

    /// The wording for `language` (nl, fr, de, en); English for anything else.
    package static func of(_ language: String) -> Wording {
        switch language {
        case "nl": .nl
        case "fr": .fr
        case "de": .de
        default: .en
        }
    }

    /// `€ 1.234,56` in nl, fr and de; `€1,234.56` in en; a minus sign before the symbol.
    package func money(_ m: Money) -> String { LocalFormat.money(m, language: language) }

    /// A rate in percent with two decimals: `12,50 %` (nl, fr, de) or `12.50%` (en).
    package func percent(_ rate: Decimal) -> String {
        var r = rate * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &r, 0, .plain)
        let text = Money.decimalString(minorUnits: Int64(truncating: rounded as NSNumber), digits: 2)
        return language == "en" ? text + "%" : text.replacingOccurrences(of: ".", with: ",") + " %"
    }

    /// `21/11/2026` (nl, fr, en) or `21.11.2026` (de).
    package func short(_ d: Day) -> String { LocalFormat.short(d, language: language) }

    /// `21 november 2026`, `21 novembre 2026`, `21. November 2026`, `21 November 2026`.
    package func long(_ d: Day) -> String { LocalFormat.long(d, language: language) }

    /// "Brussel, 21 november 2026" for a company in `city` (the city as configured).
    package func placeAndDate(city: String, _ d: Day) -> String {
        city.isEmpty ? long(d) : "\(city), \(long(d))"
    }

    static let nl = Wording(
        language: "nl",
        place: "", headings: Headings(invoiceNumber: "Factuur", issued: "Datum", due: "Vervaldag", amount: "Bedrag", open: "Openstaand", daysLate: "Dagen te laat"),
        balance: "Openstaand saldo", unapplied: "Nog niet toegewezen betalingen", interest: "Verwijlinterest",
        flat: "Forfaitaire vergoeding invorderingskosten (wet van 2 augustus 2002)", damages: "Forfaitaire schadevergoeding (art. XIX.4 WER)",
        reminderFee: "Kosten van deze herinnering", totalDue: "Totaal te betalen", paymentTitle: "Betaalgegevens",
        beneficiary: "Begunstigde", amountLabel: "Bedrag", communication: "Gestructureerde mededeling",
        scan: "Scan met uw bankapp om te betalen", page: "Pagina %d van %d", ourReference: "Klantnummer", enterprise: "Ondernemingsnummer",
        perYear: "per jaar", overdue: "Vervallen saldo", notYetDue: "Nog niet vervallen, ter informatie", leftOut: "Betwist of opgeschort, niet gevorderd", vat: "BTW")
    static let fr = Wording(
        language: "fr",
        place: "", headings: Headings(invoiceNumber: "Facture", issued: "Date", due: "Échéance", amount: "Montant", open: "Solde", daysLate: "Jours de retard"),
        balance: "Solde impayé", unapplied: "Paiements non encore imputés", interest: "Intérêts de retard",
        flat: "Indemnité forfaitaire pour frais de recouvrement (loi du 2 août 2002)", damages: "Dommages et intérêts forfaitaires (art. XIX.4 CDE)",
        reminderFee: "Frais du présent rappel", totalDue: "Total à payer", paymentTitle: "Données de paiement",
        beneficiary: "Bénéficiaire", amountLabel: "Montant", communication: "Communication structurée",
        scan: "Scannez avec votre app bancaire pour payer", page: "Page %d sur %d", ourReference: "Numéro de client",
        enterprise: "Numéro d'entreprise", perYear: "par an", overdue: "Solde échu", notYetDue: "Pas encore échu, pour information", leftOut: "Contesté ou suspendu, non réclamé", vat: "TVA")
    static let de = Wording(
        language: "de",
        place: "", headings: Headings(invoiceNumber: "Rechnung", issued: "Datum", due: "Fällig am", amount: "Betrag", open: "Offen", daysLate: "Tage überfällig"),
        balance: "Offener Saldo", unapplied: "Noch nicht zugeordnete Zahlungen", interest: "Verzugszinsen",
        flat: "Pauschale Entschädigung für Beitreibungskosten (Gesetz vom 2. August 2002)",
        damages: "Pauschaler Schadenersatz (Art. XIX.4 WGB)", reminderFee: "Kosten dieser Mahnung", totalDue: "Zu zahlender Gesamtbetrag",
        paymentTitle: "Zahlungsangaben", beneficiary: "Empfänger", amountLabel: "Betrag", communication: "Strukturierte Mitteilung",
        scan: "Mit Ihrer Banking-App scannen und bezahlen", page: "Seite %d von %d", ourReference: "Kundennummer",
        enterprise: "Unternehmensnummer", perYear: "pro Jahr", overdue: "Fälliger Saldo", notYetDue: "Noch nicht fällig, zur Information", leftOut: "Bestritten oder ausgesetzt, nicht gefordert", vat: "MwSt.")
    static let en = Wording(
        language: "en",
        place: "", headings: Headings(invoiceNumber: "Invoice", issued: "Date", due: "Due date", amount: "Amount", open: "Open", daysLate: "Days late"),
        balance: "Outstanding balance", unapplied: "Payments not yet applied", interest: "Late-payment interest",
        flat: "Flat recovery compensation (Law of 2 August 2002)", damages: "Flat damages (art. XIX.4 CEL)",
        reminderFee: "Cost of this reminder", totalDue: "Total due", paymentTitle: "Payment details", beneficiary: "Beneficiary",
        amountLabel: "Amount", communication: "Structured communication", scan: "Scan with your banking app to pay",
        page: "Page %d of %d", ourReference: "Customer number", enterprise: "Enterprise number", perYear: "a year", overdue: "Amount overdue", notYetDue: "Not yet due, for your information", leftOut: "Disputed or on hold, not claimed", vat: "VAT")
}
