import Foundation
import Ledger

/// The words of an invoice, an e-mail and a notice in the debtor's language (nl, fr, de, en), and
/// how amounts and dates are written in it. Nothing here reads the locale of the machine.
struct InvoiceTexts: Sendable {
    let language: String

    init(language: String) { self.language = ["nl", "fr", "de", "en"].contains(language) ? language : "nl" }

    func pick(_ nl: String, _ fr: String, _ de: String, _ en: String) -> String {
        switch language {
        case "fr": fr
        case "de": de
        case "en": en
        default: nl
        }
    }

    var invoice: String { pick("Factuur", "Facture", "Rechnung", "Invoice") }
    var subscription: String { pick("Abonnement", "Abonnement", "Abonnement", "Subscription") }
    var reactivationFee: String { pick("Heractiveringskosten", "Frais de réactivation", "Reaktivierungsgebühr", "Reactivation fee") }
    var description: String { pick("Omschrijving", "Description", "Beschreibung", "Description") }
    var period: String { pick("Periode", "Période", "Zeitraum", "Period") }
    var quantity: String { pick("Aantal", "Quantité", "Menge", "Quantity") }
    var unitPrice: String { pick("Eenheidsprijs", "Prix unitaire", "Einzelpreis", "Unit price") }
    var net: String { pick("Netto", "HTVA", "Netto", "Net") }
    var vatPercent: String { pick("Btw %", "TVA %", "MwSt. %", "VAT %") }
    var vat: String { pick("Btw", "TVA", "MwSt.", "VAT") }
    var totalNet: String { pick("Totaal excl. btw", "Total HTVA", "Summe netto", "Total excluding VAT") }
    var totalDue: String { pick("Totaal te betalen", "Total à payer", "Zu zahlender Betrag", "Total due") }
    var paymentDetails: String { pick("Betaalgegevens", "Données de paiement", "Zahlungsangaben", "Payment details") }
    var beneficiary: String { pick("Begunstigde", "Bénéficiaire", "Empfänger", "Beneficiary") }
    var communication: String { pick("Mededeling", "Communication", "Mitteilung", "Reference") }
    var amount: String { pick("Bedrag", "Montant", "Betrag", "Amount") }
    var scanToPay: String { pick("Scan met uw bankapp om te betalen", "Scannez avec votre app bancaire pour payer",
                                 "Mit Ihrer Banking-App scannen und bezahlen", "Scan with your banking app to pay") }
    var pageLabel: String { pick("Pagina %d van %d", "Page %d sur %d", "Seite %d von %d", "Page %d of %d") }
    var customerVAT: String { pick("Btw-nummer klant", "N° TVA du client", "USt-IdNr. des Kunden", "Customer VAT number") }
    var enterpriseNumber: String { pick("Ondernemingsnummer", "Numéro d'entreprise", "Unternehmensnummer", "Enterprise number") }
    var greeting: String { pick("Met vriendelijke groeten,", "Veuillez agréer nos salutations distinguées,", "Mit freundlichen Grüßen,", "Kind regards,") }

    func vatLabel(_ rate: String) -> String { "\(vat) \(rate.replacingOccurrences(of: ".", with: decimalMark)) %" }

    func header(customer: String, contract: String, plan: String) -> String {
        pick("Klant \(customer) · contract \(contract) · formule \(plan)", "Client \(customer) · contrat \(contract) · formule \(plan)",
             "Kunde \(customer) · Vertrag \(contract) · Tarif \(plan)", "Customer \(customer) · contract \(contract) · plan \(plan)")
    }

    func payBy(_ due: Day) -> String {
        let d = short(due)
        return pick("Gelieve dit bedrag uiterlijk op \(d) te betalen met de gestructureerde mededeling hieronder.",
                    "Merci de payer ce montant au plus tard le \(d) avec la communication structurée ci-dessous.",
                    "Bitte zahlen Sie diesen Betrag bis spätestens \(d) mit der unten angegebenen strukturierten Mitteilung.",
                    "Please pay this amount by \(d) at the latest, using the structured reference below.")
    }

    func indexed(_ i: Indexation, series: String) -> String {
        let formula = "\(money(i.oldPrice)) × (0,2 + 0,8 × \(number(i.actual.text)) / \(number(i.base.text)))"
            .replacingOccurrences(of: "0,2", with: "0\(decimalMark)2").replacingOccurrences(of: "0,8", with: "0\(decimalMark)8")
        let p = money(i.newPrice)
        let floor = i.floored ? pick(" De prijs daalt niet (bodemclausule): hij blijft \(p).", " Le prix ne baisse pas (clause plancher) : il reste \(p).",
                                      " Der Preis sinkt nicht (Preisuntergrenze): er bleibt \(p).", " The price does not fall (floor clause): it stays \(p).") : ""
        let c = money(i.computedPrice)
        return pick(
            "Uw prijs is op \(long(i.effective)) geïndexeerd volgens de index \(series): \(formula) = \(c) (index \(monthName(i.actualMonth)) ten opzichte van \(monthName(i.baseMonth))).",
            "Votre prix a été indexé le \(long(i.effective)) selon l'indice \(series) : \(formula) = \(c) (indice de \(monthName(i.actualMonth)) par rapport à \(monthName(i.baseMonth))).",
            "Ihr Preis wurde am \(long(i.effective)) nach dem Index \(series) angepasst: \(formula) = \(c) (Index \(monthName(i.actualMonth)) gegenüber \(monthName(i.baseMonth))).",
            "Your price was indexed on \(long(i.effective)) with the \(series) index: \(formula) = \(c) (index of \(monthName(i.actualMonth)) against \(monthName(i.baseMonth)))."
        ) + floor
    }

    func emailSubject(number: String, company: String) -> String { "\(invoice) \(number) – \(company)" }

    func emailBody(number: String, total: Money, due: Day, reference: String, company: String) -> String {
        pick(
            "Geachte klant,\n\nIn bijlage vindt u factuur \(number) van \(money(total)), te betalen uiterlijk op \(short(due)) met de gestructureerde mededeling \(reference).\n\nMet vriendelijke groeten,\n\(company)\n",
            "Madame, Monsieur,\n\nVeuillez trouver en annexe la facture \(number) de \(money(total)), à payer au plus tard le \(short(due)) avec la communication structurée \(reference).\n\nSalutations distinguées,\n\(company)\n",
            "Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie die Rechnung \(number) über \(money(total)), zahlbar bis spätestens \(short(due)) mit der strukturierten Mitteilung \(reference).\n\nMit freundlichen Grüßen\n\(company)\n",
            "Dear customer,\n\nPlease find attached invoice \(number) for \(money(total)), payable by \(short(due)) with the structured reference \(reference).\n\nKind regards,\n\(company)\n")
    }

    // MARK: formatting

    var decimalMark: String { language == "en" ? "." : "," }
    private var groupMark: String { language == "en" ? "," : "." }

    /// `€ 1.234,56` (nl, fr, de) or `€1,234.56` (en); other currencies by their code.
    func money(_ m: Money) -> String {
        let plain = m.decimalString
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = groupMark + String(whole.suffix(3)) + grouped
            whole = String(whole.dropLast(3))
        }
        grouped = whole + grouped
        let number = grouped + (parts.count > 1 ? decimalMark + parts[1] : "")
        let symbol = m.currency.code == "EUR" ? "€" : m.currency.code
        let sign = negative ? "-" : ""
        return language == "en" ? "\(sign)\(symbol)\(m.currency.code == "EUR" ? "" : " ")\(number)" : "\(sign)\(symbol) \(number)"
    }

    /// A unit price in major units, with at least the currency's decimals (`€ 0,085`, `€ 4,50`).
    func money(_ d: Decimal, _ currency: Currency) -> String {
        let rounded = BillingRounding.round(d, currency)
        guard BillingRounding.decimal(rounded) != d else { return money(rounded) }
        let whole = money(Money(minorUnits: 0, currency: currency))  // `€ 0,00`: the symbol's place
        let text = number(BillingRounding.plain(d))
        return whole.replacingOccurrences(of: number(Money(minorUnits: 0, currency: currency).decimalString), with: text)
    }

    /// A plain decimal with the language's decimal mark (`115,50`).
    func number(_ text: String) -> String { text.replacingOccurrences(of: ".", with: decimalMark) }

    /// `15/01/2027`.
    func short(_ d: Day) -> String {
        let c = d.components
        return (c.day < 10 ? "0" : "") + "\(c.day)/" + (c.month < 10 ? "0" : "") + "\(c.month)/\(c.year)"
    }

    private var months: [String] {
        switch language {
        case "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
        case "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
        case "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        default: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]
        }
    }

    /// `1 januari 2027` (`1 January 2027` in English, `1. Januar 2027` in German).
    func long(_ d: Day) -> String {
        let c = d.components
        return language == "de" ? "\(c.day). \(months[c.month - 1]) \(c.year)" : "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    /// `januari 2027`.
    func monthName(_ m: Month) -> String { "\(months[m.month - 1]) \(m.year)" }
}
