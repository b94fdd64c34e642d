/// Names of people and companies, per language region.
extension Vocabulary {
    /// Given names, indexed by ``Language/rawValue``.
    static let firstNames: [[Word]] = [
        words([
            "Jan", "Lotte", "Zoë", "Lars", "Emma", "Noah", "Ruben", "Elien", "Thijs", "Febe", "Wout",
            "Anke", "Siebe", "Joke", "Liesbeth", "Bram", "Sofie", "Pieter", "Inès", "Maarten", "Griet",
            "Koen", "Ann", "Stijn", "Björn", "Jef", "Hanne", "Tuur", "Marthe", "Seppe",
        ]),
        words([
            "Louis", "Chloé", "Amélie", "Théo", "Hélène", "Noël", "Benoît", "Cécile", "Jérôme", "Gaëlle",
            "Margaux", "François", "Zoé", "Mathis", "Léa", "Anaïs", "Raphaël", "Élodie", "Sébastien",
            "Nathalie", "Jean-Pierre", "Marie-Claire", "Maxime", "Aurélie", "Quentin", "Inès",
        ]),
        words([
            "James", "Emily", "Oliver", "Charlotte", "Daniel", "Sarah", "Michael", "Laura", "Thomas",
            "Hannah", "Ana", "Giulia", "Piotr", "Zoë", "Siobhán", "Mateo",
        ]),
        words([
            "Jürgen", "Jörg", "Lena", "Björn", "Anna", "Lukas", "Sören", "Käthe", "Günther", "Jonas",
            "Marlene", "Tobias", "Ute",
        ]),
    ]

    /// Family names, indexed by ``Language/rawValue``.
    static let surnames: [[Word]] = [
        words([
            "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
            "De Smet", "Van den Broeck", "Vermeulen", "Hermans", "Van Damme", "Verhoeven", "De Backer",
            "Coppens", "Lambrechts", "Martens", "Pauwels", "Aerts", "Smets", "Vandenberghe", "Declercq",
            "Van Dyck", "Claeys", "Vermeersch", "Verstraete", "De Wilde", "Geeraerts", "Van Acker",
            "Dewaele", "Vanhove", "De Coninck", "Baeten", "Stevens", "Michiels", "Cools", "Thys", "Segers",
        ]),
        words([
            "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Lefèvre", "Leclercq", "Lejeune",
            "Renard", "Collard", "François", "Dumont", "Denis", "Gérard", "Hubert", "Michaux", "Mathieu",
            "Noël", "Rousseau", "Lemaire", "Delvaux", "Thiry", "Wauthier", "Gilson", "Bastin", "Piérard",
            "Lecomte", "Henrotte", "Goffin", "Jadoul", "Dethier", "Frère", "Hénin", "Bréda", "Pâques",
        ]),
        words([
            "Smith", "Johnson", "Brown", "Taylor", "Wilson", "O'Brien", "Murphy", "Rossi", "Esposito",
            "García", "Fernández", "Kowalski", "Nguyen", "Andersson", "Novák",
        ]),
        words([
            "Müller", "Schmitz", "Schröder", "Kessler", "Heinen", "Kohnen", "Mreyen", "Jost", "Gröting",
            "Lentz", "Thönnissen", "Hilger", "Keutgen", "Weißhaupt", "Förster", "Krämer",
        ]),
    ]

    /// Full names of people from the communities that live everywhere in Belgium.
    static let otherPeople: [Word] = words([
        "Łukasz Wiśniewski", "Agnieszka Dąbrowska", "Piotr Kowalczyk", "Şükrü Yılmaz", "Ayşe Öztürk",
        "Mehmet Çelik", "Aïcha El Amrani", "Youssef Benali", "Fatima Zahra Idrissi", "Giulia Rossi",
        "Ana García", "Siobhán O'Brien", "Ionuț Popescu", "Mihaela Ștefănescu", "Nguyễn Văn An",
        "Tomáš Dvořák", "Zoë De Smet", "Björn Andersson", "Emre Doğan", "Mariusz Wójcik",
    ])

    /// Company name patterns `(before, after)` around a family name, per language.
    static let companyPatterns: [[CompanyPattern]] = [
        patterns([
            ("", " BV"), ("", " NV"), ("", " BV"), ("Bakkerij ", ""), ("Garage ", " BV"),
            ("Schrijnwerkerij ", ""), ("Façades ", " BV"), ("", " & Zonen"), ("Brouwerij ", " NV"),
            ("Bouwbedrijf ", " BV"), ("Advocatenkantoor ", ""), ("Apotheek ", ""), ("", " Logistics BV"),
            ("Dakwerken ", " BV"), ("Boekhoudkantoor ", " BV"), ("Tuinaanleg ", ""), ("Slagerij ", ""),
        ]),
        patterns([
            ("", " SRL"), ("", " SA"), ("", " SRL"), ("Boulangerie ", ""), ("Garage ", " SRL"),
            ("Menuiserie ", ""), ("Façades ", " SA"), ("", " & Fils SA"), ("Brasserie ", " SA"),
            ("Construction ", " SRL"), ("Cabinet d'avocats ", ""), ("Pharmacie ", ""), ("Transports ", " SA"),
            ("Toitures ", " SRL"), ("Fiduciaire ", " SRL"), ("Boucherie ", ""), ("Électricité ", " SRL"),
        ]),
        patterns([
            ("", " Consulting BV"), ("", " Partners SRL"), ("", " Software NV"), ("", " & Co BV"),
            ("", " Trading SA"), ("", " Engineering BV"), ("", " Legal SRL"),
        ]),
        patterns([
            ("", " PGmbH"), ("", " AG"), ("Bäckerei ", ""), ("Autohaus ", " PGmbH"),
            ("Schreinerei ", ""), ("", " & Söhne AG"), ("Dachdeckerei ", " PGmbH"), ("Metzgerei ", ""),
        ]),
    ]

    /// Company names with a comma or quotes, so that readers meet RFC 4180 quoting; per language.
    static let quotedCompanyNames: [[Word]] = [
        words([
            "Café \"De Zwaan\"", "Taverne \"Het Hoekske\"", "Janssens, Peeters & Partners",
            "Vermeulen, Maes en Claes Advocaten", "Feestzaal \"De Kroon\" BV",
        ]),
        words([
            "Brasserie \"Le Cygne\"", "Café \"La Couronne\"", "Dubois, Lambert & Associés",
            "Lefèvre, Renard et Fils SA", "Hôtel \"Les Ardennes\" SRL",
        ]),
        words(["Pub \"The Crown\"", "Smith, Brown & Partners", "Nguyen, Rossi & Co BV"]),
        words(["Gasthof \"Zur Post\"", "Müller, Kessler & Söhne AG"]),
    ]

    /// Local parts for a company's accounts mailbox, per language.
    static let companyMailboxes: [[[UInt8]]] = [
        bytes(["info", "boekhouding", "facturen", "administratie", "finance"]),
        bytes(["info", "comptabilite", "factures", "administration", "finance"]),
        bytes(["info", "accounts", "invoices", "finance", "ap"]),
        bytes(["info", "buchhaltung", "rechnungen", "verwaltung"]),
    ]

    /// Mail domains of private persons.
    static let personalDomains: [[UInt8]] = bytes([
        "telenet.be", "skynet.be", "proximus.be", "gmail.com", "hotmail.com", "outlook.com",
        "scarlet.be", "icloud.com", "yahoo.fr", "gmx.de",
    ])

    /// Patterns from `(before, after)` string pairs.
    static func patterns(_ list: [(String, String)]) -> [CompanyPattern] {
        list.map { CompanyPattern(before: Array($0.0.utf8), after: Array($0.1.utf8), tradeSlug: Word.slug($0.0)) }
    }
}

/// A company name around a family name: `Bakkerij ` + `Peeters` + ``, `` + `Dubois` + ` SRL`.
struct CompanyPattern: Sendable {
    /// Text before the family name (a trade), possibly empty.
    let before: [UInt8]
    /// Text after the family name (a legal form), possibly empty.
    let after: [UInt8]
    /// ASCII slug of the trade for the mail domain (`bakkerij`), empty when there is none.
    let tradeSlug: [UInt8]
}
