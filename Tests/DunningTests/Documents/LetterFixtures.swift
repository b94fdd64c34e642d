import Dunning
import Letters
import Foundation
import Ledger

/// Fixed letters for the document tests: every string pinned (no clock, no locale).
enum LetterFixtures {
    static let iban = "BE68539007547034"
    static let ogm = "+++123/4567/89002+++"

    static let sender = LetterDocument.Party(name: "Brouwerij De Zoete Inval BV", lines: ["Kerkstraat 12", "9000 Gent"])
    static let senderDetails = [
        "Ondernemingsnummer BE 0403.170.701", "IBAN BE68 5390 0754 7034", "BIC GKCCBEBB",
        "T +32 9 123 45 67", "boekhouding@dezoeteinval.be",
    ]

    static let columns: [LetterDocument.Column] = [
        .init(title: "Factuur", alignment: .left), .init(title: "Datum", alignment: .left),
        .init(title: "Vervaldag", alignment: .left), .init(title: "Bedrag", alignment: .right),
        .init(title: "Openstaand", alignment: .right), .init(title: "Dagen te laat", alignment: .right),
    ]

    static let threeRows = [
        ["F-2026-0412", "02/09/2026", "02/10/2026", "€ 1.234,56", "€ 1.234,56", "50"],
        ["F-2026-0488", "15/09/2026", "15/10/2026", "€ 860,00", "€ 360,00", "37"],
        ["F-2026-0517", "01/10/2026", "31/10/2026", "€ 2.450,75", "€ 2.450,75", "21"],
    ]

    /// The EPC payload of the reminder: € 4.192,74 with the OGM in element 11.
    static func payload(cents: Int64 = 419_274) throws -> String {
        try EPCPayload.make(
            name: "Brouwerij De Zoete Inval BV", iban: IBAN(parsing: iban), bic: "GKCCBEBB",
            amount: .eur(cents: cents), reference: ogm, text: nil)
    }

    /// A Dutch B2B reminder with three open items, interest, flat compensation and the QR code.
    static func reminder(rows: [[String]] = threeRows) throws -> LetterDocument {
        LetterDocument(
            sender: sender,
            senderDetails: senderDetails,
            recipient: .init(name: "Wiśniewski & Yılmaz BV", lines: ["t.a.v. Łukasz Wiśniewski", "Rue Royale 145 bus 3", "1000 Brussel"]),
            placeAndDate: "Gent, 21 november 2026",
            reference: "Onze referentie: D000123",
            subject: "Tweede herinnering: openstaande facturen",
            paragraphsBefore: [
                "Geachte heer Wiśniewski,",
                "Ondanks onze eerste herinnering van 6 november 2026 stellen wij vast dat de onderstaande facturen nog niet (volledig) betaald zijn. Wij gaan ervan uit dat het om een vergetelheid gaat.",
            ],
            columns: columns,
            rows: rows,
            totals: [
                .init(label: "Openstaand saldo", amount: "€ 4.045,31"),
                .init(label: "Nalatigheidsinterest (10,25 % per jaar, wet van 2 augustus 2002)", amount: "€ 27,43"),
                .init(label: "Forfaitaire schadevergoeding (3 × € 40,00)", amount: "€ 120,00"),
                .init(label: "Totaal te betalen", amount: "€ 4.192,74", emphasised: true),
            ],
            paragraphsAfter: [
                "Wij verzoeken u het totaalbedrag binnen 14 dagen over te maken met de gestructureerde mededeling hieronder. Heeft u intussen betaald, dan mag u deze brief als niet verzonden beschouwen.",
                "Voor vragen kunt u terecht bij Şükrü Yılmaz of Zoë Façade op +32 9 123 45 67.",
                "Met vriendelijke groeten,\n\nĞülay Doğan\nKredietbeheer",
            ],
            payment: .init(
                title: "Betaalgegevens",
                lines: [
                    (label: "Begunstigde", value: "Brouwerij De Zoete Inval BV"),
                    (label: "IBAN", value: "BE68 5390 0754 7034"),
                    (label: "BIC", value: "GKCCBEBB"),
                    (label: "Mededeling", value: ogm),
                    (label: "Bedrag", value: "€ 4.192,74"),
                ],
                qrPayload: try payload(),
                qrCaption: "Scan met uw bankapp om te betalen"),
            pageLabel: "Pagina %d van %d",
            totalsColumn: 4)
    }

    /// The reminder with `count` open items, enough for several pages when `count` is large.
    static func longReminder(count: Int) throws -> LetterDocument {
        let rows = (1...count).map { i -> [String] in
            let n = String(i + 1000)
            return ["F-2026-" + n, "02/09/2026", "02/10/2026", "€ \(i),50", "€ \(i),50", String(50 + i % 7)]
        }
        return try reminder(rows: rows)
    }
}
