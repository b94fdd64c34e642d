/// Invoice texts, stored already quoted for the CSV so that rows only copy bytes.
extension Vocabulary {
    /// Invoice descriptions, indexed by ``Language/rawValue``; a few need RFC 4180 quoting.
    static let invoiceDescriptions: [[[UInt8]]] = [
        [
            "Levering goederen", "Consultancy", "Maandelijks onderhoudscontract", "Herstelling, onderdelen en werkuren",
            "Huur kantoorruimte", "Façadewerken", "Project \"Horizon\" fase 2", "Jaarabonnement software",
            "Transport en levering", "Dakwerken woning", "Boekhoudkundige prestaties", "Catering personeelsfeest",
        ].map(csvField),
        [
            "Livraison de marchandises", "Prestations de conseil", "Contrat d'entretien mensuel",
            "Réparation, pièces et main-d'œuvre", "Location de bureaux", "Travaux de façade",
            "Projet \"Horizon\" phase 2", "Abonnement annuel logiciel", "Transport et livraison",
            "Honoraires comptables", "Traiteur fête du personnel", "Électricité générale",
        ].map(csvField),
        [
            "Delivery of goods", "Consulting services", "Monthly maintenance contract", "Repair, parts and labour",
            "Office rent", "Software licence", "Project \"Horizon\" phase 2", "Training session",
        ].map(csvField),
        [
            "Warenlieferung", "Beratungsleistungen", "Wartungsvertrag monatlich",
            "Reparatur, Ersatzteile und Arbeitsstunden", "Büromiete", "Fassadenarbeiten", "Jahresabonnement Software",
        ].map(csvField),
    ]

    /// Credit-note descriptions, indexed by ``Language/rawValue``.
    static let creditNoteDescriptions: [[[UInt8]]] = [
        ["Creditnota retour goederen", "Creditnota, commerciële korting", "Creditnota foutieve facturatie"].map(csvField),
        ["Note de crédit retour marchandises", "Note de crédit, remise commerciale", "Note de crédit erreur de facturation"]
            .map(csvField),
        ["Credit note returned goods", "Credit note, commercial discount", "Credit note billing error"].map(csvField),
        ["Gutschrift Warenrücksendung", "Gutschrift, Preisnachlass"].map(csvField),
    ]

    /// `EUR`.
    static let currency: [UInt8] = Array("EUR".utf8)
    /// `invoice`.
    static let typeInvoice: [UInt8] = Array("invoice".utf8)
    /// `credit_note`.
    static let typeCreditNote: [UInt8] = Array("credit_note".utf8)
    /// `true`.
    static let yes: [UInt8] = Array("true".utf8)
    /// `false`.
    static let no: [UInt8] = Array("false".utf8)
    /// `0.00`.
    static let zeroAmount: [UInt8] = Array("0.00".utf8)
    /// `INV-`.
    static let invoicePrefix: [UInt8] = Array("INV-".utf8)
    /// `PAY-`.
    static let paymentPrefix: [UInt8] = Array("PAY-".utf8)
}
