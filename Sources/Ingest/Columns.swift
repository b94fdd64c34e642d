import Ledger

/// What an ingest reads: which kind of export.
package enum IngestKind: String, Sendable, CaseIterable {
    case debtors, invoices, payments

    /// The canonical columns of this kind, in documentation order.
    package var columns: [Column] {
        switch self {
        case .debtors:
            [.debtorID, .name, .kind, .vatNumber, .email, .language, .street, .postalCode, .city, .country,
             .phone, .paymentTermsDays, .onHold, .paperlessSince, .interestRate, .publicAuthority, .directDebit]
        case .invoices:
            [.invoiceNumber, .debtorID, .issueDate, .dueDate, .currency, .amount, .openAmount, .type,
             .structuredReference, .description, .disputed, .expectedPaymentDate]
        case .payments:
            [.paymentID, .date, .amount, .currency, .invoiceNumber, .structuredReference, .debtorID]
        }
    }

    /// Columns that must be present in the header.
    package var requiredColumns: [Column] {
        switch self {
        case .debtors: [.debtorID, .name]
        case .invoices: [.invoiceNumber, .debtorID, .issueDate, .amount]
        case .payments: [.paymentID, .date, .amount]
        }
    }
}

/// A canonical column name, with the Dutch and French header names accepted for it.
package enum Column: String, Sendable, CaseIterable {
    case debtorID = "debtor_id", name, kind, vatNumber = "vat_number", email, language, street
    case postalCode = "postal_code", city, country, phone, paymentTermsDays = "payment_terms_days"
    case onHold = "on_hold"
    case paperlessSince = "paperless_since"
    case invoiceNumber = "invoice_number", issueDate = "issue_date", dueDate = "due_date", currency, amount
    case openAmount = "open_amount", type, structuredReference = "structured_reference", description, disputed
    case paymentID = "payment_id", date
    case interestRate = "interest_rate", publicAuthority = "public_authority"
    case directDebit = "direct_debit", expectedPaymentDate = "expected_payment_date"

    /// Folded header names that mean this column (besides the canonical name itself).
    package var aliases: [String] {
        switch self {
        case .debtorID:
            ["klant", "klantnummer", "klantnr", "klant_nr", "klant_id", "klantcode", "debiteur", "debiteurnummer",
             "debiteurnr", "client", "numero_client", "n_client", "code_client", "client_id", "customer_id", "customer"]
        case .name: ["naam", "klantnaam", "nom", "nom_client", "raison_sociale", "customer_name", "company"]
        case .kind: ["soort_klant", "type_client", "klanttype"]
        case .vatNumber:
            ["btw", "btw_nummer", "btw_nr", "ondernemingsnummer", "tva", "numero_tva", "n_tva", "vat", "vat_no"]
        case .email: ["e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail", "emailadres"]
        case .language: ["taal", "langue", "lang"]
        case .street: ["straat", "adres", "rue", "adresse", "address"]
        case .postalCode: ["postcode", "code_postal", "zip", "cp"]
        case .city: ["gemeente", "stad", "plaats", "woonplaats", "ville", "localite", "commune"]
        case .country: ["land", "pays"]
        case .phone: ["telefoon", "tel", "telephone", "gsm"]
        case .paymentTermsDays:
            ["betalingstermijn", "betaaltermijn", "termijn", "delai_de_paiement", "delai_paiement", "terms"]
        case .onHold: ["geblokkeerd", "blokkering", "bloque", "blocage", "hold"]
        case .paperlessSince:
            ["paperless_date", "paperlessdate", "e_invoicing_since", "elektronisch_sinds", "digitaal_sinds", "facturation_electronique_depuis"]
        case .invoiceNumber:
            ["factuurnummer", "factuurnr", "factuur_nr", "factuur", "numero_de_facture", "numero_facture", "n_facture",
             "no_facture", "facture", "invoice", "invoice_no"]
        case .issueDate: ["factuurdatum", "datum_factuur", "date_de_facture", "date_facture", "invoice_date"]
        case .dueDate: ["vervaldatum", "vervaldag", "echeance", "date_d_echeance", "date_echeance", "due"]
        case .currency: ["munt", "valuta", "munteenheid", "devise"]
        case .amount: ["bedrag", "totaal", "bedrag_incl_btw", "montant", "montant_ttc", "total"]
        case .openAmount:
            ["openstaand", "openstaand_bedrag", "open_bedrag", "saldo", "solde", "montant_ouvert", "reste_a_payer", "balance"]
        case .type: ["soort", "documenttype", "type_document"]
        case .structuredReference:
            ["gestructureerde_mededeling", "ogm", "vcs", "mededeling", "communication_structuree", "communication",
             "reference"]
        case .description: ["omschrijving", "libelle", "designation"]
        case .disputed: ["betwist", "litige", "conteste", "en_litige"]
        case .paymentID: ["betaling", "betalingsnummer", "betaling_id", "paiement", "id_paiement", "numero_paiement"]
        case .publicAuthority: ["overheid", "openbare_overheid", "overheidsinstantie", "pouvoir_public", "autorite_publique", "public_body"]
        case .interestRate: ["rentevoet", "interestvoet", "taux_interet", "taux_d_interet", "contract_rate"]
        case .directDebit: ["domiciliering", "domiciliation", "sepa_direct_debit", "dom"]
        case .expectedPaymentDate:
            ["verwachte_betaaldatum", "betaalbelofte", "date_de_paiement_prevue", "paiement_prevu", "expected_payment", "promised_date"]
        case .date: ["betaaldatum", "datum", "datum_betaling", "date_paiement", "date_de_paiement", "payment_date"]
        }
    }

    /// Position in `allCases` (a switch, so the per-field lookup costs no hashing).
    var ordinal: Int {
        switch self {
        case .debtorID: 0
        case .name: 1
        case .kind: 2
        case .vatNumber: 3
        case .email: 4
        case .language: 5
        case .street: 6
        case .postalCode: 7
        case .city: 8
        case .country: 9
        case .phone: 10
        case .paymentTermsDays: 11
        case .onHold: 12
        case .invoiceNumber: 13
        case .issueDate: 14
        case .dueDate: 15
        case .currency: 16
        case .amount: 17
        case .openAmount: 18
        case .type: 19
        case .structuredReference: 20
        case .description: 21
        case .disputed: 22
        case .paymentID: 23
        case .date: 24
        case .paperlessSince: 25
        case .interestRate: 26
        case .publicAuthority: 27
        case .directDebit: 28
        case .expectedPaymentDate: 29
        }
    }

    /// Longest accepted value, in characters.
    var maxLength: Int {
        switch self {
        case .debtorID, .invoiceNumber, .paymentID: 64
        case .name, .street: 200
        case .city: 100
        case .postalCode: 16
        case .phone: 40
        case .email: 254
        case .description: 2000
        default: 64
        }
    }
}
