/// A Belgian municipality with its postal codes and telephone zone.
struct City: Sendable {
    /// The name as written on letters in the region's language.
    let name: [UInt8]
    /// Four-digit postal codes of the municipality.
    let postalCodes: [UInt16]
    /// The telephone zone without the leading 0 (`9` for Gent, `16` for Leuven).
    let zone: [UInt8]

    /// A city from its name, codes and zone.
    init(_ name: String, _ postalCodes: [UInt16], zone: String) {
        self.name = Array(name.utf8)
        self.postalCodes = postalCodes
        self.zone = Array(zone.utf8)
    }
}

/// Addresses: cities and streets per language region.
extension Vocabulary {
    /// Cities, indexed by ``Language/rawValue``: Flanders and Brussels for nl, Wallonia and Brussels
    /// for fr, the Brussels area for en, the German-speaking Community for de.
    static let cities: [[City]] = [
        [
            City("Antwerpen", [2000, 2018, 2020, 2060], zone: "3"), City("Gent", [9000, 9030, 9040, 9050], zone: "9"),
            City("Brussel", [1000, 1020, 1120], zone: "2"), City("Leuven", [3000, 3001, 3010], zone: "16"),
            City("Brugge", [8000, 8200, 8310], zone: "50"), City("Mechelen", [2800], zone: "15"),
            City("Hasselt", [3500, 3510], zone: "11"), City("Kortrijk", [8500, 8501], zone: "56"),
            City("Aalst", [9300], zone: "53"), City("Sint-Niklaas", [9100], zone: "3"),
            City("Genk", [3600], zone: "89"), City("Oostende", [8400], zone: "59"),
            City("Turnhout", [2300], zone: "14"), City("Roeselare", [8800], zone: "51"),
            City("Sint-Jans-Molenbeek", [1080], zone: "2"), City("Zaventem", [1930], zone: "2"),
        ],
        [
            City("Bruxelles", [1000, 1020, 1120], zone: "2"), City("Ixelles", [1050], zone: "2"),
            City("Schaerbeek", [1030], zone: "2"), City("Liège", [4000, 4020, 4030], zone: "4"),
            City("Namur", [5000, 5100], zone: "81"), City("Charleroi", [6000, 6001, 6010], zone: "71"),
            City("Mons", [7000], zone: "65"), City("Tournai", [7500], zone: "69"),
            City("Wavre", [1300], zone: "10"), City("Louvain-la-Neuve", [1348], zone: "10"),
            City("Arlon", [6700], zone: "63"), City("Verviers", [4800], zone: "87"),
            City("Mouscron", [7700], zone: "56"), City("La Louvière", [7100], zone: "64"),
            City("Saint-Gilles", [1060], zone: "2"), City("Woluwe-Saint-Lambert", [1200], zone: "2"),
        ],
        [
            City("Brussel", [1000, 1020], zone: "2"), City("Bruxelles", [1000, 1120], zone: "2"),
            City("Etterbeek", [1040], zone: "2"), City("Woluwe-Saint-Pierre", [1150], zone: "2"),
            City("Leuven", [3000], zone: "16"), City("Antwerpen", [2000, 2018], zone: "3"),
            City("Waterloo", [1410], zone: "2"), City("Tervuren", [3080], zone: "2"),
            City("Zaventem", [1930], zone: "2"), City("Gent", [9000], zone: "9"),
        ],
        [
            City("Eupen", [4700], zone: "87"), City("Sankt Vith", [4780], zone: "80"),
            City("Kelmis", [4720], zone: "87"), City("Bütgenbach", [4750], zone: "80"),
            City("Raeren", [4730], zone: "87"), City("Lontzen", [4710], zone: "87"),
            City("Büllingen", [4760], zone: "80"), City("Amel", [4770], zone: "80"),
        ],
    ]

    /// Street names, indexed by ``Language/rawValue``.
    static let streets: [[[UInt8]]] = [
        bytes([
            "Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Veldstraat", "Nieuwstraat",
            "Schoolstraat", "Kapelstraat", "Beekstraat", "Lindenlaan", "Grote Markt", "Meir",
            "Koningin Astridlaan", "Brusselsesteenweg", "Sint-Pietersnieuwstraat", "Diestsevest",
            "Vrijheidstraat", "Kouter", "Leopoldlaan", "Hoogstraat", "Zuidstraat", "Begijnhofdreef",
        ]),
        bytes([
            "Rue de la Station", "Rue de l'Église", "Chaussée de Louvain", "Avenue Louise",
            "Place Saint-Lambert", "Rue Haute", "Rue du Moulin", "Boulevard d'Avroy", "Rue des Écoles",
            "Chaussée de Namur", "Rue Neuve", "Avenue de la Gare", "Rue Léopold", "Quai de Meuse",
            "Rue du Marché", "Place du Général Leman", "Rue Pierreuse", "Avenue des Combattants",
        ]),
        bytes([
            "Avenue Louise", "Rue de la Loi", "Wetstraat", "Boulevard du Souverain", "Tervurenlaan",
            "Avenue de Cortenbergh", "Rue Belliard", "Square de Meeûs", "Kunstlaan", "Rue Froissart",
        ]),
        bytes([
            "Kirchstraße", "Bahnhofstraße", "Hauptstraße", "Klötzerbahn", "Aachener Straße", "Gospertstraße",
            "Neustraße", "Malmedyer Straße", "Hookstraße", "Rathausplatz", "Herbesthaler Straße",
        ]),
    ]

    /// The word before a box number, indexed by ``Language/rawValue``.
    static let boxWords: [[UInt8]] = bytes([" bus ", " boîte ", " bus ", " Bus "])

    /// The country column: every debtor is in Belgium.
    static let country: [UInt8] = Array("BE".utf8)
}
