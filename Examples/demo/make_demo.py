#!/usr/bin/env python3
"""Generates the Relance demo exports in this folder (and the Exact Online mapping example).

    python3 Examples/demo/make_demo.py          # rewrites the files, prints the cases
    python3 Examples/demo/make_demo.py --check  # fails when a file would change

Deterministic: one random.Random(2026), no set or hash ordering, no clock, so every run writes
byte-identical files. The deliberately bad rows are inserted explicitly (see BAD ROWS below and
README.md). Everything is invented: names, addresses, VAT numbers (valid check digits only),
e-mail domains under the reserved `.example` top-level domain.

Files written:
  debtors.csv   UTF-8 with BOM, `;`, Dutch headers, CRLF (a Windows accounting export)
  invoices.csv  Windows-1252, `;`, French headers, CRLF, DD/MM/YYYY, 1.234,56
  payments.csv  UTF-8 without BOM, `,`, canonical English headers, LF, ISO dates, 1234.56
  ../mappings/exact-online-invoices.csv  Windows-1252, `;`, Exact Online style headers
"""

import datetime as dt
import os
import random
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
MAPPINGS = os.path.join(os.path.dirname(HERE), "mappings")

rng = random.Random(2026)

AS_OF = dt.date(2026, 11, 21)          # the demo's business day
FIRST_ISSUE = dt.date(2026, 5, 1)
LAST_ISSUE = dt.date(2026, 11, 20)
PAYMENTS_FROM = dt.date(2026, 10, 26)  # bank statements not yet booked in the accounting
PAYMENTS_TO = dt.date(2026, 11, 20)

# --------------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------------


def be_vat(head8: str) -> str:
    """Belgian enterprise/VAT number: 8 digits + (97 - head mod 97)."""
    return "BE" + head8 + "%02d" % (97 - int(head8) % 97)


def be_vat_valid(vat: str) -> bool:
    d = vat[2:]
    return len(d) == 10 and d[0] in "01" and int(d[8:]) == 97 - int(d[:8]) % 97


def ogm(base10: str) -> str:
    """The 12 digits of a structured communication: base + (base mod 97, 0 -> 97)."""
    assert len(base10) == 10 and base10.isdigit()
    c = int(base10) % 97
    return base10 + "%02d" % (c or 97)


def ogm_plus(digits12: str) -> str:
    d = digits12
    return "+++%s/%s/%s+++" % (d[0:3], d[3:7], d[7:12])


def ogm_valid(digits12: str) -> bool:
    c = int(digits12[:10]) % 97
    return int(digits12[10:]) == (c or 97)


def nl_vat(r: random.Random) -> str:
    """NL + 9 digits passing the 11-test + B01."""
    while True:
        d = [r.randint(0, 9) for _ in range(8)]
        if d[0] == 0:
            continue
        s = sum(x * w for x, w in zip(d, range(9, 1, -1)))
        last = s % 11
        if last < 10:
            return "NL" + "".join(map(str, d)) + str(last) + "B01"


def fr_vat(r: random.Random) -> str:
    """FR + key + SIREN (Luhn-valid), key = (12 + 3 * (SIREN mod 97)) mod 97."""
    while True:
        d = [r.randint(0, 9) for _ in range(8)]
        if d[0] == 0:
            continue
        for last in range(10):
            digits = d + [last]
            total = 0
            for i, x in enumerate(reversed(digits)):
                y = x * 2 if i % 2 == 1 else x
                total += y - 9 if y > 9 else y
            if total % 10 == 0:
                siren = "".join(map(str, digits))
                return "FR%02d%s" % ((12 + 3 * (int(siren) % 97)) % 97, siren)


def de_vat(r: random.Random) -> str:
    """DE + 8 digits + ISO 7064 MOD 11,10 check digit."""
    d = [r.randint(1, 9)] + [r.randint(0, 9) for _ in range(7)]
    product = 10
    for x in d:
        s = (x + product) % 10 or 10
        product = (2 * s) % 11
    check = 11 - product
    return "DE" + "".join(map(str, d)) + str(0 if check == 10 else check)


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

# (postal code, city, phone zone without the leading 0)
FLANDERS = [
    ("2000", "Antwerpen", "3"), ("2018", "Antwerpen", "3"), ("2060", "Antwerpen", "3"),
    ("2100", "Deurne", "3"), ("2140", "Borgerhout", "3"), ("2300", "Turnhout", "14"),
    ("2440", "Geel", "14"), ("2500", "Lier", "3"), ("2800", "Mechelen", "15"),
    ("2900", "Schoten", "3"), ("3000", "Leuven", "16"), ("3010", "Kessel-Lo", "16"),
    ("3200", "Aarschot", "16"), ("3300", "Tienen", "16"), ("3500", "Hasselt", "11"),
    ("3600", "Genk", "89"), ("3700", "Tongeren", "12"), ("3800", "Sint-Truiden", "11"),
    ("8000", "Brugge", "50"), ("8400", "Oostende", "59"), ("8500", "Kortrijk", "56"),
    ("8800", "Roeselare", "51"), ("8900", "Ieper", "57"), ("9000", "Gent", "9"),
    ("9050", "Gentbrugge", "9"), ("9100", "Sint-Niklaas", "3"), ("9200", "Dendermonde", "52"),
    ("9300", "Aalst", "53"), ("9400", "Ninove", "54"), ("9700", "Oudenaarde", "55"),
    ("1800", "Vilvoorde", "2"), ("1930", "Zaventem", "2"), ("1500", "Halle", "2"),
    ("3080", "Tervuren", "2"),
]
# (postal code, French name, Dutch name)
BRUSSELS = [
    ("1000", "Bruxelles", "Brussel"), ("1020", "Laeken", "Laken"), ("1030", "Schaerbeek", "Schaarbeek"),
    ("1040", "Etterbeek", "Etterbeek"), ("1050", "Ixelles", "Elsene"), ("1060", "Saint-Gilles", "Sint-Gillis"),
    ("1070", "Anderlecht", "Anderlecht"), ("1080", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek"),
    ("1090", "Jette", "Jette"), ("1140", "Evere", "Evere"),
    ("1150", "Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"), ("1170", "Watermael-Boitsfort", "Watermaal-Bosvoorde"),
    ("1180", "Uccle", "Ukkel"), ("1190", "Forest", "Vorst"),
    ("1200", "Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"), ("1210", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node"),
]
WALLONIA = [
    ("1300", "Wavre", "10"), ("1348", "Louvain-la-Neuve", "10"), ("1400", "Nivelles", "67"),
    ("1410", "Waterloo", "2"), ("4000", "Liège", "4"), ("4020", "Liège", "4"), ("4100", "Seraing", "4"),
    ("4500", "Huy", "85"), ("4800", "Verviers", "87"), ("5000", "Namur", "81"), ("5100", "Jambes", "81"),
    ("5500", "Dinant", "82"), ("6000", "Charleroi", "71"), ("6700", "Arlon", "63"),
    ("6800", "Libramont-Chevigny", "61"), ("6900", "Marche-en-Famenne", "84"), ("7000", "Mons", "65"),
    ("7100", "La Louvière", "64"), ("7500", "Tournai", "69"), ("7700", "Mouscron", "56"),
]
EAST_CANTONS = [
    ("4700", "Eupen", "87"), ("4701", "Kettenis", "87"), ("4720", "Kelmis", "87"), ("4730", "Raeren", "87"),
    ("4750", "Bütgenbach", "80"), ("4760", "Büllingen", "80"), ("4780", "Sankt Vith", "80"),
]
FOREIGN = {
    "NL": [("6211 LE", "Maastricht", "43"), ("3011 AD", "Rotterdam", "10"), ("5611 AB", "Eindhoven", "40"),
           ("4811 CX", "Breda", "76"), ("1012 AB", "Amsterdam", "20"), ("4331 BA", "Middelburg", "118")],
    "FR": [("59000", "Lille", "3 20"), ("75008", "Paris", "1 42"), ("69002", "Lyon", "4 78"),
           ("51100", "Reims", "3 26"), ("57000", "Metz", "3 87"), ("59200", "Tourcoing", "3 20")],
    "DE": [("52062", "Aachen", "241"), ("50667", "Köln", "221"), ("40213", "Düsseldorf", "211"),
           ("54290", "Trier", "651")],
}

STREETS = {
    "nl": ["Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Veldstraat", "Nieuwstraat",
           "Schoolstraat", "Kapelstraat", "Beekstraat", "Lindenlaan", "Grote Markt", "Koningin Astridlaan",
           "Brusselsesteenweg", "Vrijheidstraat", "Leopoldlaan", "Hoogstraat", "Zuidstraat", "Begijnhofdreef",
           "Kortrijksesteenweg", "Industrieweg", "Ambachtenlaan", "Zandvoortstraat", "Sint-Jorisstraat"],
    "fr": ["Rue de la Station", "Rue de l'Église", "Chaussée de Louvain", "Rue Haute", "Rue du Moulin",
           "Boulevard d'Avroy", "Rue des Écoles", "Chaussée de Namur", "Rue Neuve", "Avenue de la Gare",
           "Rue Léopold", "Quai de Meuse", "Rue du Marché", "Place du Général Leman", "Rue Pierreuse",
           "Avenue des Combattants", "Rue Saint-Gilles", "Rue de Fragnée", "Chaussée de Charleroi"],
    "bru_fr": ["Avenue Louise", "Rue de la Loi", "Boulevard du Souverain", "Avenue de Tervueren",
               "Avenue de Cortenbergh", "Rue Belliard", "Square de Meeûs", "Chaussée d'Ixelles",
               "Rue Froissart", "Chaussée de Waterloo", "Rue de Flandre", "Avenue Brugmann"],
    "bru_nl": ["Louizalaan", "Wetstraat", "Vorstlaan", "Tervurenlaan", "Kortenberglaan", "Belliardstraat",
               "Elsensesteenweg", "Waterloosesteenweg", "Vlaamsesteenweg", "Brugmannlaan"],
    "de": ["Kirchstraße", "Bahnhofstraße", "Hauptstraße", "Klötzerbahn", "Aachener Straße", "Gospertstraße",
           "Neustraße", "Malmedyer Straße", "Hookstraße", "Rathausplatz", "Herbesthaler Straße"],
    "NL": ["Vrijthof", "Coolsingel", "Stratumseind", "Ginnekenweg", "Damrak", "Lange Noordstraat"],
    "FR": ["Rue Faidherbe", "Boulevard Haussmann", "Rue de la République", "Rue de Vesle",
           "Rue Serpenoise", "Rue de Lille"],
    "DE": ["Theaterstraße", "Hohe Straße", "Königsallee", "Simeonstraße"],
}

SURNAMES = {
    "nl": ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
           "De Smet", "Vermeulen", "Van den Broeck", "De Backer", "Hermans", "Michiels", "Lambrechts",
           "Verstraete", "De Clercq", "Vandamme", "Smets", "Aerts", "Bogaert", "Coppens", "Stevens",
           "Van de Velde", "Pauwels", "Cools", "Verhoeven", "Van Dyck", "De Wilde", "Segers", "Vlaeminck",
           "Desmet", "Baert", "Lemmens", "Geerts", "Van Acker", "D'Hondt", "Vercauteren", "Beeckman"],
    "fr": ["Dubois", "Lambert", "Martin", "Dupont", "Leroy", "Lejeune", "Renard", "Simon", "Laurent",
           "Lemaire", "Collard", "Gilson", "Mathieu", "Denis", "Henry", "Piron", "Hubert", "Noël", "Gérard",
           "Mercier", "Fontaine", "Bastin", "Charlier", "Delvaux", "Thiry", "Hardy", "Dethier", "Wéry",
           "Dumont", "Lecomte", "Rousseau", "Georges", "Legrand", "Lhoest", "Jadoul", "Defrère"],
    "de": ["Schmitz", "Kessler", "Heinen", "Fickers", "Cremer", "Mreyen", "Lentz", "Backes", "Jost",
           "Pauels", "Reuter", "Kohnen", "Hilgers", "Niessen", "Brüls", "Kröner"],
    "en": ["Carter", "Watson", "Brown", "O'Connor", "Mitchell", "Sharma", "Byrne", "Walsh", "Hughes",
           "Kowalski", "Andersen", "Rossi", "Novak", "Fernandes"],
    "NL": ["de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder"],
    "FR": ["Moreau", "Girard", "Bonnet", "Faure", "Roux", "Lefebvre", "Garnier"],
    "DE": ["Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer"],
}
FIRST_NAMES = {
    "nl": ["Jan", "Pieter", "Lotte", "Emma", "Sofie", "Tom", "Bart", "Els", "An", "Koen", "Wout", "Lien",
           "Jef", "Marie", "Hanne", "Griet", "Stijn", "Jens", "Elke", "Ruben", "Katrien", "Dirk", "Mieke",
           "Arne", "Febe", "Lowie"],
    "fr": ["Julien", "Sophie", "Nathalie", "Pierre", "Camille", "Lucie", "Marc", "Chloé", "Hélène", "Benoît",
           "Céline", "Jérôme", "Gaëlle", "Thérèse", "Amélie", "Léa", "Noémie", "Frédéric", "Valérie",
           "Mélanie", "Raphaël", "Anaïs"],
    "de": ["Jürgen", "Anja", "Klaus", "Monika", "Stefan", "Sabine", "Jörg", "Björn", "Käthe", "Günter",
           "Lukas", "Marlene"],
    "en": ["James", "Emily", "Olivia", "Daniel", "Sarah", "Priya", "Aoife", "Michael", "Hannah", "Tomasz",
           "Ingrid", "Giulia", "Petra", "Rui"],
}

COMPANY_PATTERNS = {
    "nl": ["Bouwbedrijf {n}", "Dakwerken {n}", "Schrijnwerkerij {n}", "Garage {n}", "Elektro {n}",
           "Bakkerij {n}", "Transport {n}", "Tuinaanleg {n}", "Drukkerij {n}", "Immo {n}", "Boekhoudkantoor {n}",
           "Architectenbureau {n}", "Schilderwerken {n}", "Sanitair {n}", "{n} & Zonen", "{n} Interieur",
           "Slagerij {n}", "Kapsalon {n}", "Fietsen {n}", "Brouwerij {n}"],
    "fr": ["Menuiserie {n}", "Électricité {n}", "Boulangerie {n}", "Garage {n}", "Toitures {n}",
           "Imprimerie {n}", "Transports {n}", "Fiduciaire {n}", "Chauffage {n}", "Atelier {n}",
           "Boucherie {n}", "Jardins {n}", "Peinture {n} & Fils", "{n} Immobilier", "Pharmacie {n}",
           "Cabinet d'architecture {n}", "Carrosserie {n}"],
    "de": ["Schreinerei {n}", "Bäckerei {n}", "Elektro {n}", "Dachdeckerei {n}", "Autohaus {n}",
           "Steuerbüro {n}", "Metzgerei {n}"],
    "en": ["Atlas Consulting", "Northgate Advisory", "Bluebridge Software", "Eurolink Partners",
           "Harbour Lane Communications", "Meridian Data Services", "Greenfield Events", "Polaris Translations"],
}
LEGAL_FORMS = {"nl": ["BV", "BV", "BV", "NV", "CommV", "CV"], "fr": ["SRL", "SRL", "SRL", "SA", "SComm", "SC"],
               "de": ["GmbH", "GmbH", "AG", "PGmbH"], "en": ["SRL", "BV", "SA"]}
NONPROFITS = {"nl": ["VZW Sportclub {c}", "VZW Jeugdhuis {c}", "VZW Muziekschool {c}"],
              "fr": ["ASBL Maison des Jeunes de {c}", "ASBL Club de tennis de {c}"]}
FOREIGN_COMPANIES = {
    "NL": ["{n} Installatietechniek B.V.", "{n} Logistiek B.V.", "Handelsonderneming {n} B.V.",
           "{n} Bouw B.V."],
    "FR": ["{n} Distribution SAS", "Ets {n} SARL", "{n} Conseil SAS", "Transports {n} SAS"],
    "DE": ["{n} Maschinenbau GmbH", "{n} Logistik GmbH & Co. KG", "{n} Haustechnik GmbH"],
}
MAIL_LOCALS = {"nl": ["info", "boekhouding", "facturen", "administratie"],
               "fr": ["info", "comptabilite", "factures", "contact"],
               "de": ["info", "buchhaltung", "rechnungen"],
               "en": ["accounts", "billing", "finance"]}
MAIL_PROVIDERS = ["telenet.example", "skynet.example", "proximus.example", "gmail.example", "hotmail.example",
                  "outlook.example", "example.be", "mail.example"]

# Descriptions (Windows-1252 safe: é è à ç ê ô € – but no Ł or ş).
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]
MONTHS_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december"]
DESCRIPTIONS_B2B = [
    "Abonnement {mfr} 2026", "Consultance {mfr}", "Maintenance chaudière", "Entretien annuel chaudière",
    "Réparation toiture", "Livraison matériel de bureau", "Honoraires {mfr} 2026", "Location échafaudage",
    "Prestations de nettoyage – {mfr}", "Forfait hébergement web", "Installation électrique",
    "Révision annuelle", "Formation Excel (2 jours)", "Pièces détachées", "Frais de déplacement",
    "Onderhoud verwarming", "Abonnement {mnl} 2026", "Consultancy {mnl}", "Herstelling dakgoot",
    "Levering kantoormateriaal", "Licence logiciel – renouvellement", "Travaux de peinture façade",
    "Traiteur réception du personnel", "Contrôle détecteurs incendie", "Développement site web, phase 1",
    "Acompte 30 % sur devis", "Audit énergétique bâtiment", "Transport palettes Anvers–Liège",
    'Projet "Horizon" – phase 2', "Travaux salle de réunion; 2e étage",  # need CSV quoting
]
DESCRIPTIONS_B2C = [
    "Maintenance chaudière", "Entretien annuel chaudière", "Réparation lave-linge", "Ramonage cheminée",
    "Abonnement fitness {mfr}", "Cours de piano – {mfr}", "Onderhoud verwarming", "Herstelling fiets",
    "Plaatsing zonnewering", "Dépannage plomberie", "Remplacement vitre cassée", "Tuinonderhoud {mnl}",
    "Nettoyage vitres", "Installation borne de recharge", "Contrôle citerne mazout",
]

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

SPECIAL_ASCII = {"Ł": "L", "ł": "l", "ı": "i", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "œ": "oe", "Œ": "OE",
                 "đ": "d", "Đ": "D"}


def ascii_fold(s: str) -> str:
    s = "".join(SPECIAL_ASCII.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if ord(c) < 128)


def slug(s: str, sep: str = "-") -> str:
    out, pending = [], False
    for c in ascii_fold(s).lower():
        if c.isalnum():
            if pending and out:
                out.append(sep)
            pending = False
            out.append(c)
        else:
            pending = True
    return "".join(out)


def phone(zone: str, country: str = "BE") -> str:
    if country == "BE":
        if rng.random() < 0.35:  # mobile
            p = "4%d%d %02d %02d %02d" % (rng.choice([6, 7, 8, 9]), rng.randint(0, 9), rng.randint(0, 99),
                                          rng.randint(0, 99), rng.randint(0, 99))
            return rng.choice(["+32 ", "0"]) + p
        if len(zone) == 1:
            local = "%d%02d %02d %02d" % (rng.randint(2, 9), rng.randint(0, 99), rng.randint(0, 99), rng.randint(0, 99))
        else:
            local = "%d%d %02d %02d" % (rng.randint(2, 9), rng.randint(0, 9), rng.randint(0, 99), rng.randint(0, 99))
        return rng.choice(["+32 ", "0"]) + zone + " " + local
    if country == "NL":  # nine digits after +31
        rest = "".join(str(rng.randint(0, 9)) for _ in range(9 - len(zone)))
        return "+31 %s %s %s" % (zone, rest[:3], rest[3:])
    if country == "FR":  # +33 3 20 12 34 56
        return "+33 %s %02d %02d %02d" % (zone, rng.randint(0, 99), rng.randint(0, 99), rng.randint(0, 99))
    return "+49 %s %d%05d" % (zone, rng.randint(2, 9), rng.randint(0, 99999))


def house_number(lang: str) -> str:
    n = str(rng.choice([rng.randint(1, 40), rng.randint(1, 180)]))
    x = rng.random()
    if x < 0.08:
        n += rng.choice(["A", "B"])
    elif x < 0.16:
        n += {"nl": " bus ", "fr": " bte ", "en": " bte ", "de": " Bf. "}[lang] + str(rng.randint(1, 12))
    return n


def eu_amount(cents: int) -> str:
    """-1234567 -> '-12.345,67'."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    euros, c = divmod(cents, 100)
    s = "{:,}".format(euros).replace(",", ".")
    return "%s%s,%02d" % (sign, s, c)


def dot_amount(cents: int) -> str:
    return "%d.%02d" % divmod(cents, 100)


def dmy(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def csv_field(s: str, delim: str) -> str:
    if any(c in s for c in (delim, '"', "\n", "\r")):
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_line(fields, delim: str) -> str:
    return delim.join(csv_field(f, delim) for f in fields)


def random_day(a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


# --------------------------------------------------------------------------------------------
# Debtors
# --------------------------------------------------------------------------------------------

HEADER_DEBTORS = ["klantnummer", "naam", "soort_klant", "btw", "e-mail", "taal", "straat", "postcode", "gemeente",
                  "land", "telefoon", "betalingstermijn", "geblokkeerd"]

used_vat_heads: list = []
used_names: list = []


def new_be_vat() -> str:
    while True:
        head = "0" + str(rng.randint(4, 8)) + "%06d" % rng.randint(0, 999999)
        if head not in used_vat_heads and head != "04287594":  # 0428.759.497 is the demo company itself
            used_vat_heads.append(head)
            return be_vat(head)


def place(region: str):
    """-> (lang, postal, city, zone, street) for a region key."""
    if region == "flanders":
        pc, city, zone = rng.choice(FLANDERS)
        return "nl", pc, city, zone, rng.choice(STREETS["nl"])
    if region in ("brussels_fr", "brussels_nl", "brussels_en"):
        pc, fr, nl = rng.choice(BRUSSELS)
        if region == "brussels_nl":
            return "nl", pc, nl, "2", rng.choice(STREETS["bru_nl"])
        return region[-2:], pc, fr, "2", rng.choice(STREETS["bru_fr"])
    if region == "wallonia":
        pc, city, zone = rng.choice(WALLONIA)
        return "fr", pc, city, zone, rng.choice(STREETS["fr"])
    if region == "east":
        pc, city, zone = rng.choice(EAST_CANTONS)
        return "de", pc, city, zone, rng.choice(STREETS["de"])
    raise ValueError(region)


REGIONS = ["flanders"] * 50 + ["brussels_fr"] * 13 + ["brussels_nl"] * 5 + ["brussels_en"] * 5 + \
          ["wallonia"] * 27 + ["east"] * 6


def unique_name(make) -> str:
    for _ in range(200):
        n = make()
        if n not in used_names:
            used_names.append(n)
            return n
    raise RuntimeError("names exhausted")


def make_b2b_be(region=None, name=None) -> dict:
    lang, pc, city, zone, street = place(region or rng.choice(REGIONS))
    if name is None:
        def make():
            if lang in NONPROFITS and rng.random() < 0.05:
                return rng.choice(NONPROFITS[lang]).format(c=city)
            if lang == "en":
                return rng.choice(COMPANY_PATTERNS["en"]) + " " + rng.choice(LEGAL_FORMS["en"])
            pattern = rng.choice(COMPANY_PATTERNS[lang])
            return pattern.format(n=rng.choice(SURNAMES[lang])) + " " + rng.choice(LEGAL_FORMS[lang])
        name = unique_name(make)
    else:
        used_names.append(name)
    vat = new_be_vat()
    x = rng.random()
    if x < 0.06:
        vat = "BE %s.%s.%s" % (vat[2:6], vat[6:9], vat[9:12])  # as typed on a letterhead
    elif x < 0.09:
        vat = "%s.%s.%s" % (vat[2:6], vat[6:9], vat[9:12])     # enterprise number without BE
    words = [w for w in name.split() if w not in LEGAL_FORMS[lang] and w not in ("VZW", "ASBL", "de")]
    domain = slug(" ".join(words)) + ".example"
    terms = rng.choices(["30", "60", "14", ""], weights=[55, 15, 10, 20])[0]
    return dict(name=name, kind="b2b", vat=vat, email=rng.choice(MAIL_LOCALS[lang]) + "@" + domain, lang=lang,
                street=street + " " + house_number(lang), postal=pc, city=city, country="BE",
                phone=phone(zone) if rng.random() < 0.85 else "", terms=terms, hold="nee", tags=[])


def make_b2b_foreign(country: str, name=None) -> dict:
    pc, city, zone = rng.choice(FOREIGN[country])
    if name is None:
        name = unique_name(lambda: rng.choice(FOREIGN_COMPANIES[country]).format(n=rng.choice(SURNAMES[country])))
    else:
        used_names.append(name)
    vat = {"NL": nl_vat, "FR": fr_vat, "DE": de_vat}[country](rng)
    lang = {"NL": "nl", "FR": "fr", "DE": "de"}[country]
    domain = slug(name.replace("B.V.", "").replace("GmbH & Co. KG", "").replace("GmbH", "")
                  .replace("SAS", "").replace("SARL", "")) + ".example"
    number = str(rng.randint(1, 120))
    street = rng.choice(STREETS[country])
    street = (number + " " + street) if country == "FR" else (street + " " + number)
    return dict(name=name, kind="b2b", vat=vat, email=rng.choice(MAIL_LOCALS[lang]) + "@" + domain, lang=lang,
                street=street, postal=pc, city=city, country=country, phone=phone(zone, country),
                terms=rng.choice(["30", "30", "60"]), hold="nee", tags=["foreign"])


def person_email(first: str, last: str) -> str:
    f, l_ = slug(first, "."), slug(last, "")
    local = rng.choice(["%s.%s" % (f, l_), "%s%s" % (f[0], l_), "%s_%s" % (f, l_), "%s.%s%d" % (f, l_, rng.randint(1, 99))])
    return local + "@" + rng.choice(MAIL_PROVIDERS)


def make_b2c(region=None, name=None, lang=None) -> dict:
    plang, pc, city, zone, street = place(region or rng.choice(REGIONS))
    lang = lang or plang
    if name is None:
        pool = "en" if lang == "en" else lang
        name = unique_name(lambda: rng.choice(FIRST_NAMES[pool]) + " " + rng.choice(SURNAMES[pool]))
    else:
        used_names.append(name)
    first, last = name.split(" ", 1)
    terms = rng.choices(["14", "30", ""], weights=[45, 15, 40])[0]
    return dict(name=name, kind="b2c", vat="", email=person_email(first, last), lang=lang,
                street=street + " " + house_number(plang), postal=pc, city=city, country="BE",
                phone=phone(zone) if rng.random() < 0.7 else "", terms=terms, hold="nee", tags=[])


def build_debtors():
    specials = []
    # Names that must survive every step byte for byte.
    d = make_b2c("brussels_en", "Łukasz Wiśniewski", "en"); d["tags"].append("name:Łukasz"); specials.append(d)
    d = make_b2c("flanders", "Şükrü Yılmaz"); d["tags"].append("name:Şükrü"); specials.append(d)
    d = make_b2c("flanders", "Zoë Façade"); d["tags"].append("name:Zoë"); specials.append(d)
    d = make_b2c("flanders", "Ğülay Doğan"); d["tags"].append("name:Ğülay"); specials.append(d)
    d = make_b2c("wallonia", "François Lefèvre"); d["tags"].append("name:François"); specials.append(d)
    d = make_b2b_foreign("DE", "Jürgen Müller GmbH"); d["tags"].append("name:Jürgen"); specials.append(d)
    d = make_b2b_be("wallonia", "Brasserie L'Éclair SRL"); d["tags"].append("name:Éclair"); specials.append(d)
    # Two invoice addresses in one field (quoted because it holds the delimiter).
    d = make_b2b_be("flanders"); d["email"] = "facturen@%s; boekhouding@%s" % ((d["email"].split("@")[1],) * 2)
    d["tags"].append("two-emails"); specials.append(d)

    b2b = [make_b2b_be() for _ in range(103)]
    foreign = [make_b2b_foreign(c) for c in ["NL"] * 6 + ["FR"] * 5 + ["DE"] * 4]
    b2c = [make_b2c() for _ in range(74)]
    everyone = specials + b2b + foreign + b2c
    rng.shuffle(everyone)

    # German-speaking East Cantons: make sure a few B2C are there too.
    for i, d in enumerate(everyone):
        d["id"] = "K%d" % (1001 + i)

    def pick(pred, n, tag):
        pool = [d for d in everyone if pred(d) and not d["tags"]]
        chosen = rng.sample(pool, n)
        for d in chosen:
            d["tags"].append(tag)
        return chosen

    for d in pick(lambda d: d["kind"] == "b2b" and d["country"] == "BE", 3, "on-hold"):
        d["hold"] = "ja"
    for d in pick(lambda d: d["kind"] == "b2c", 2, "on-hold"):
        d["hold"] = "ja"
    for d in pick(lambda d: True, 7, "no-email"):
        d["email"] = ""
    nochan = pick(lambda d: d["kind"] == "b2c" and d["terms"] != "", 1, "no-channel")[0]
    nochan["email"] = ""
    nochan["street"] = ""
    no_country = pick(lambda d: d["kind"] == "b2c", 3, "no-country")
    for d in no_country:
        d["country"] = ""
    # Debtors whose invoices sit exactly on the B2C damage brackets (150 / 500 euro).
    for d in pick(lambda d: d["kind"] == "b2c" and d["email"], 4, "bracket"):
        pass
    for d in everyone:
        if d["hold"] != "ja" and rng.random() < 0.3:
            d["hold"] = rng.choice(["", "nee", "nee"])
    return everyone


# --------------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------------

HEADER_INVOICES = ["numéro de facture", "client", "date de facture", "échéance", "devise", "montant", "solde", "type",
                   "communication structurée", "libellé", "litige"]


def describe(d: dict, issue: dt.date) -> str:
    pool = DESCRIPTIONS_B2C if d["kind"] == "b2c" else DESCRIPTIONS_B2B
    text = rng.choice(pool)
    prev = (issue.month - 2) % 12  # the month worked, billed the month after
    return text.format(mfr=MONTHS_FR[prev], mnl=MONTHS_NL[prev])


def invoice_amount(d: dict) -> int:
    if d["kind"] == "b2c":
        v = rng.lognormvariate(5.0, 0.6)
        v = min(max(v, 25), 950)
    else:
        v = rng.lognormvariate(6.4, 0.95)
        v = min(max(v, 45), 9800)
    cents = int(round(v * 100))
    if rng.random() < 0.4:      # many invoices are round amounts (hours x rate, forfaits)
        cents = (cents // 500) * 500 or 2500
    for edge in (15000, 15001, 50000, 50001):  # keep the bracket edges for the documented cases
        if cents == edge:
            cents += 137
    return cents


def due_for(d: dict, issue: dt.date) -> dt.date:
    if d["terms"]:
        return issue + dt.timedelta(days=int(d["terms"]))
    return issue + dt.timedelta(days=14 if d["kind"] == "b2c" else 30)


def build_invoices(debtors):
    """Invoices and credit notes as dicts; numbers assigned after sorting by issue date."""
    inv = []

    def add(d, issue, cents, **kw):
        x = dict(debtor=d, issue=issue, due=kw.pop("due", None) or due_for(d, issue), amount=cents,
                 open=kw.pop("open", cents), type=kw.pop("type", "invoice"), disputed=False, blank_due=False,
                 euro=rng.random() < 0.08, tags=[], desc=kw.pop("desc", None) or describe(d, issue))
        x.update(kw)
        inv.append(x)
        return x

    by_tag = lambda t: [d for d in debtors if t in d["tags"]]

    # Documented cases first -------------------------------------------------------------------
    edges = [(15000, "b2c-150.00"), (15001, "b2c-150.01"), (50000, "b2c-500.00"), (50001, "b2c-500.01")]
    for d, (cents, tag) in zip(by_tag("bracket"), edges):
        issue = random_day(dt.date(2026, 8, 3), dt.date(2026, 8, 28))
        add(d, issue, cents, tags=[tag], due=issue + dt.timedelta(days=14))
    big = [d for d in debtors if d["kind"] == "b2b" and d["country"] == "BE" and not d["tags"] and d["terms"] == "30"]
    b1, b2 = rng.sample(big, 2)
    b1["tags"].append("large"); b2["tags"].append("large")
    add(b1, dt.date(2026, 7, 15), 1250000, tags=["large-overdue"], desc="Installation électrique – nouveau hall")
    add(b2, dt.date(2026, 11, 3), 1250000, tags=["large-not-due"], desc="Développement site web, phase 2")
    for d in by_tag("on-hold") + by_tag("no-email") + by_tag("no-channel"):
        issue = random_day(dt.date(2026, 6, 1), dt.date(2026, 9, 30))
        add(d, issue, invoice_amount(d), tags=["for-" + d["tags"][0]])

    # The bulk -----------------------------------------------------------------------------------
    for d in debtors:
        if d["kind"] == "b2b":
            n = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5])
        else:
            n = rng.choice([0, 1, 1, 1, 1, 2])
        if "bracket" in d["tags"]:
            n = 0
        for _ in range(n):
            issue = random_day(FIRST_ISSUE, LAST_ISSUE)
            cents = invoice_amount(d)
            x = add(d, issue, cents)
            due = x["due"]
            late = (AS_OF - due).days
            p_paid = 0.40 if late > 60 else 0.20 if late > 0 else 0.05
            if rng.random() < p_paid:
                x["open"] = 0
                x["tags"].append("paid-in-accounting")

    # Partially paid in the accounting: an instalment or a deposit already booked.
    pool = [x for x in inv if not x["tags"] and x["amount"] >= 20000]
    for x in rng.sample(pool, 18):
        paid = int(x["amount"] * rng.uniform(0.2, 0.7)) // 1000 * 1000 or 5000
        x["open"] = x["amount"] - paid
        x["tags"].append("partly-paid")

    # Disputed: open, overdue, B2B and B2C.
    pool = [x for x in inv if not x["tags"] and x["due"] < AS_OF and not x["debtor"]["tags"]]
    for x in rng.sample(pool, 6):
        x["disputed"] = True
        x["tags"].append("disputed")

    # Due date left blank: derived from the debtor's betalingstermijn.
    pool = [x for x in inv if not x["tags"] and x["debtor"]["terms"]]
    for x in rng.sample(pool, 8):
        x["blank_due"] = True
        x["tags"].append("due-derived")

    # Credit notes: against an earlier invoice of the same debtor.
    pool = [x for x in inv if not x["tags"] and x["amount"] >= 12000 and x["issue"] < dt.date(2026, 11, 10)]
    targets = sorted(rng.sample(pool, 10), key=lambda x: (x["issue"], x["amount"]))
    for i, t in enumerate(targets):
        d = t["debtor"]
        cents = -min(t["amount"], rng.choice([2500, 5000, 7500, 12000, 15000, 20000]))
        if i == 0:
            cents = -12000
        issue = t["issue"] + dt.timedelta(days=rng.randint(3, 10))
        reason = rng.choice(["remise commerciale", "erreur de facturation", "retour marchandise",
                             "geste commercial"])
        t["tags"].append("credited")
        cn = add(d, issue, cents, type="credit_note", due=issue, open=cents, tags=["credit-note"], credit_for=t,
                 desc="Note de crédit – %s" % reason, euro=False)
        if i == 1:
            cn["open"] = 0                      # already set off against an invoice
            cn["tags"].append("credit-used")
        elif i == 2:
            cn["open"] = cents // 2 // 100 * 100  # partly used
            cn["tags"].append("credit-partly-used")
    return inv


def number_invoices(inv):
    inv.sort(key=lambda x: (x["issue"], x["type"] == "credit_note", x["debtor"]["id"], x["amount"]))
    fa, nc = 311, 18  # the year's numbering started in January
    for x in inv:
        if x["type"] == "invoice":
            x["number"] = "FA2026-%04d" % fa
            x["ogm"] = ogm(x["debtor"]["id"][1:] + "26" + "%04d" % fa)
            fa += 1
        else:
            x["number"] = "NC2026-%04d" % nc
            x["ogm"] = ""
            nc += 1
            x["desc"] = x["desc"].replace("Note de crédit", "Note de crédit sur %s" % x["credit_for"]["number"]) \
                if "number" in x["credit_for"] else x["desc"]


# --------------------------------------------------------------------------------------------
# Payments
# --------------------------------------------------------------------------------------------

HEADER_PAYMENTS = ["payment_id", "date", "amount", "currency", "invoice_number", "structured_reference", "debtor_id"]


def build_payments(inv, debtors):
    open_inv = lambda x: x["type"] == "invoice" and x["open"] > 0
    payable = [x for x in inv if open_inv(x) and not x["disputed"] and x["issue"] <= dt.date(2026, 11, 16)
               and not (set(x["tags"]) & {"b2c-150.00", "b2c-150.01", "b2c-500.00", "b2c-500.01", "large-overdue",
                                          "large-not-due", "for-on-hold", "for-no-email", "for-no-channel",
                                          "credited"})
               and x["debtor"]["hold"] != "ja"]
    payable.sort(key=lambda x: x["number"])
    pays = []
    used = []          # invoices already targeted
    used_debtors = []  # debtors of targeted invoices

    def pay_day(x):
        lo = max(PAYMENTS_FROM, x["issue"] + dt.timedelta(days=2))
        return random_day(lo, PAYMENTS_TO)

    def take(pred, n):
        pool = [x for x in payable if x not in used and pred(x)]
        chosen = rng.sample(pool, n)
        used.extend(chosen)
        for x in chosen:
            if x["debtor"] not in used_debtors:
                used_debtors.append(x["debtor"])
        return chosen

    def ref_form(x):
        form = rng.choices(["plus", "digits", "slashes"], weights=[50, 35, 15])[0]
        if form == "plus":
            return ogm_plus(x["ogm"])
        if form == "digits":
            return x["ogm"]
        return ogm_plus(x["ogm"])[3:-3]

    def add(x, cents, by, tag=None, date=None, debtor=None):
        p = dict(date=date or pay_day(x), amount=cents, invoice="", ref="", debtor="", tags=[tag] if tag else [],
                 target=x)
        if by in ("ref", "both"):
            p["ref"] = ref_form(x)
        if by in ("number", "both"):
            p["invoice"] = x["number"]
        if by == "stars":
            p["ref"] = "***%s***" % ogm_plus(x["ogm"])[3:-3]
        if debtor or (by != "debtor" and rng.random() < 0.4):
            p["debtor"] = (debtor or x["debtor"])["id"]
        pays.append(p)
        return p

    # Documented cases.
    x = take(lambda x: "partly-paid" in x["tags"], 1)[0]
    add(x, x["open"], "ref", "pays-rest-of-partly-paid")
    x = take(lambda x: not x["tags"] and x["open"] >= 30000, 1)[0]
    add(x, x["open"] // 3 // 100 * 100, "ref", "partial")
    x = take(lambda x: not x["tags"] and 10000 < x["open"] < 90000, 1)[0]
    add(x, x["open"] + 900, "ref", "overpayment")
    x = take(lambda x: not x["tags"] and x["open"] >= 40000 and x["issue"] <= dt.date(2026, 10, 20), 1)[0]
    half = x["open"] // 2
    d1 = random_day(PAYMENTS_FROM, dt.date(2026, 11, 5))
    add(x, half, "ref", "instalment-1", date=d1)
    add(x, x["open"] - half, "ref", "instalment-2", date=d1 + dt.timedelta(days=14))
    x = take(lambda x: not x["tags"], 1)[0]
    add(x, x["open"], "both", "number-and-ref")
    x = take(lambda x: not x["tags"], 1)[0]
    add(x, x["open"], "stars", "stars-form")
    x = take(lambda x: not x["tags"] and x["open"] > 100000, 1)[0]
    add(x, x["open"], "ref", "closes")

    # Debtor only (free-text communication, matched on the account): oldest due first.
    candidates = []
    for d in debtors:
        mine = sorted([x for x in inv if x["debtor"] is d and open_inv(x)], key=lambda x: (x["due"], x["number"]))
        if len(mine) >= 2 and all(x in payable and x not in used for x in mine) and d not in used_debtors:
            candidates.append((d, mine))
    chosen = rng.sample(candidates, 3)
    for i, (d, mine) in enumerate(chosen):
        used.extend(mine)
        used_debtors.append(d)
        if i == 0:
            cents, tag = mine[0]["open"] + mine[1]["open"], "debtor-two-oldest"
        elif i == 1:
            cents, tag = mine[0]["open"] + mine[1]["open"] // 2 // 100 * 100, "debtor-oldest-and-part"
        else:
            cents, tag = min(mine[0]["open"], 25000) // 100 * 100 or mine[0]["open"], "debtor-round-amount"
        latest = max(x["issue"] for x in mine[:2]) + dt.timedelta(days=2)
        add(mine[0], cents, "debtor", tag, debtor=d, date=random_day(max(PAYMENTS_FROM, latest), PAYMENTS_TO))
        pays[-1]["target_debtor"] = d

    # By invoice number only.
    for x in take(lambda x: not x["tags"], 9):
        add(x, x["open"], "number")
    # The bulk: by structured reference, paying what the export says is open.
    for x in take(lambda x: True, 59):
        add(x, x["open"], "ref")

    # A reference that matches no invoice: a 2025 invoice, already paid and archived.
    d = rng.choice([d for d in debtors if d["kind"] == "b2b" and not d["tags"]])
    pays.append(dict(date=dt.date(2026, 11, 12), amount=48400, invoice="", ref=ogm_plus(ogm(d["id"][1:] + "250187")),
                     debtor="", tags=["unknown-reference"], target=None, ref_debtor=d))

    pays.sort(key=lambda p: (p["date"], p["amount"]))
    for i, p in enumerate(pays):
        p["id"] = "BNK-2026-%04d" % (1187 + i)
    return pays


def simulate(inv, pays):
    """Mirror of the payment allocator: returns the unapplied payments and the final open amounts."""
    open_ = {x["number"]: x["open"] for x in inv}
    by_number = {x["number"]: x for x in inv}
    by_ref = {}
    for x in inv:
        if x["ogm"]:
            by_ref.setdefault(x["ogm"], []).append(x)
    unapplied = []
    for p in pays:
        left = p["amount"]
        digits = "".join(c for c in p["ref"] if c.isdigit())
        if p["invoice"]:
            cands = [by_number[p["invoice"]]] if p["invoice"] in by_number else []
        elif digits:
            cands = sorted(by_ref.get(digits, []), key=lambda x: (x["due"], x["number"]))
        else:
            cands = sorted([x for x in inv if x["debtor"]["id"] == p["debtor"]], key=lambda x: (x["due"], x["number"]))
        for x in cands:
            if x["type"] != "invoice" or open_[x["number"]] <= 0:
                continue
            a = min(left, open_[x["number"]])
            open_[x["number"]] -= a
            left -= a
        p["unapplied"] = left
        if left:
            unapplied.append(p)
    return unapplied, open_


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def debtor_rows(debtors):
    rows = [[d["id"], d["name"], d["kind"], d["vat"], d["email"], d["lang"], d["street"], d["postal"], d["city"],
             d["country"], d["phone"], d["terms"], d["hold"]] for d in debtors]
    # BAD ROW 1: a VAT number with two digits swapped while typing (the check fails): rejected.
    good = new_be_vat()
    typo = good[:8] + good[9] + good[8] + good[10:]
    assert be_vat_valid(good) and not be_vat_valid(typo)
    bad = ["K%d" % (1001 + len(debtors)), "Bureau d'études Thonon SRL", "b2b", typo, "info@thonon-etudes.example",
           "fr", "Rue de Fragnée 88", "4000", "Liège", "BE", "04 252 18 40", "30", "nee"]
    rows.insert(117, bad)
    return rows, bad


def invoice_rows(inv):
    rows = []
    for x in inv:
        amount, open_ = eu_amount(x["amount"]), eu_amount(x["open"])
        if x["euro"]:
            amount, open_ = "€ " + amount, "€ " + open_
        rows.append([x["number"], x["debtor"]["id"], dmy(x["issue"]), "" if x["blank_due"] else dmy(x["due"]), "EUR",
                     amount, open_, "facture" if x["type"] == "invoice" else "note de crédit",
                     ogm_plus(x["ogm"]) if x["ogm"] else "", x["desc"], "oui" if x["disputed"] else "non"])
    return rows


def insert_bad_invoices(rows, inv, debtors):
    """BAD ROWS 2-5, typed by hand into the accounting package; each is rejected."""
    bad = []
    known = [d for d in debtors if d["kind"] == "b2b" and not d["tags"] and d["terms"]]
    d1, d2, d3 = rng.sample(known, 3)
    d = d1
    # 2. Wrong OGM check digits (one more than the right ones): the invoice is refused.
    right = ogm(d["id"][1:] + "269001")
    wrong = right[:10] + "%02d" % ((int(right[10:]) % 97) + 1)
    assert ogm_valid(right) and not ogm_valid(wrong)
    bad.append(("wrong-ogm", 140, ["FA2026-9001", d["id"], "14/08/2026", "13/09/2026", "EUR", "1.089,00", "1.089,00",
                                   "facture", ogm_plus(wrong), "Maintenance chaudière", "non"]))
    # 3. An impossible date: 31 April.
    d = d2
    bad.append(("impossible-date", 210, ["FA2026-9002", d["id"], "31/04/2026", "30/05/2026", "EUR", "356,95",
                                         "356,95", "facture", ogm_plus(ogm(d["id"][1:] + "269002")),
                                         "Abonnement avril 2026", "non"]))
    # 4. A client created after the debtors export was taken: unknown to the ledger.
    unknown = "K%d" % (1001 + len(debtors) + 49)
    bad.append(("unknown-client", 290, ["FA2026-9003", unknown, "17/11/2026", "17/12/2026", "EUR", "2.420,00",
                                        "2.420,00", "facture", ogm_plus(ogm(unknown[1:] + "269003")),
                                        "Consultance octobre", "non"]))
    # 5. An unreadable amount: the letter O typed for the digit 0.
    d = d3
    bad.append(("unreadable-amount", 360, ["FA2026-9004", d["id"], "02/10/2026", "01/11/2026", "EUR", "12,3O", "12,30",
                                           "facture", ogm_plus(ogm(d["id"][1:] + "269004")),
                                           "Frais de déplacement", "non"]))
    for _, pos, row in sorted(bad, key=lambda b: -b[1]):
        rows.insert(pos, row)
    return bad


def payment_rows(pays):
    return [[p["id"], p["date"].isoformat(), dot_amount(p["amount"]), "EUR", p["invoice"], p["ref"], p["debtor"]]
            for p in pays]


def exact_online_rows(debtors, inv):
    """Ten rows of an Exact Online 'openstaande posten' export for demo debtors."""
    chosen = [d for d in debtors if d["kind"] == "b2b" and not d["tags"] and d["terms"] and d["country"] == "BE"]
    chosen = rng.sample(chosen, 9)
    rows = []
    for i, d in enumerate(chosen):
        number = "2670%04d" % (12 + i)
        issue = random_day(dt.date(2026, 9, 1), dt.date(2026, 11, 15))
        due = issue + dt.timedelta(days=int(d["terms"]))
        cents = invoice_amount(d)
        open_ = cents if i % 3 else cents // 2 // 100 * 100
        amount_text = eu_amount(cents)
        open_text = eu_amount(open_)
        if i == 4:
            amount_text = open_text = "2.400"  # a whole amount with a thousands dot: 2400,00
            cents = open_ = 240000
        rows.append([number, " " * (10 - len(d["id"])) + d["id"], issue.strftime("%d-%m-%Y"), due.strftime("%d-%m-%Y"),
                     "EUR", amount_text, open_text, ogm(d["id"][1:] + "67%04d" % (12 + i)),
                     rng.choice(["Onderhoudscontract {m}", "Levering onderdelen", "Dépannage chaudière",
                                 "Prestations {mf}"]).format(m=MONTHS_NL[issue.month - 1], mf=MONTHS_FR[issue.month - 1])])
    # A credit note: Exact shows it as a negative amount, no document type column.
    d = chosen[2]
    rows.append(["26700021", " " * (10 - len(d["id"])) + d["id"], "10-11-2026", "10-11-2026", "EUR", "-150,00", "-150,00",
                 "", "Creditnota – prijsaanpassing"])
    return rows


def render(header, rows, delim, eol):
    return eol.join([csv_line(header, delim)] + [csv_line(r, delim) for r in rows]) + eol


def write(path, data: bytes, check: bool, changed: list):
    old = open(path, "rb").read() if os.path.exists(path) else None
    if old != data:
        changed.append(os.path.relpath(path, os.path.dirname(HERE)))
        if not check:
            with open(path, "wb") as f:
                f.write(data)


def main():
    check = "--check" in sys.argv[1:]
    debtors = build_debtors()
    inv = build_invoices(debtors)
    number_invoices(inv)
    pays = build_payments(inv, debtors)
    unapplied, final_open = simulate(inv, pays)
    expected_unapplied = [p for p in pays if set(p["tags"]) & {"overpayment", "unknown-reference"}]
    assert unapplied == expected_unapplied, [p["id"] for p in unapplied]

    drows, bad_debtor = debtor_rows(debtors)
    irows = invoice_rows(inv)
    bad_inv = insert_bad_invoices(irows, inv, debtors)
    prows = payment_rows(pays)

    # Sanity: what the ingest validates.
    for r in drows:
        assert r[7] == "" or r[9] not in ("BE", "") or (len(r[7]) == 4 and r[7][0] != "0"), r
        assert all(c.isdigit() or c in "+ " for c in r[10]), r
        assert all(ord(c) < 128 for c in r[4]), r
    ids = [d["id"] for d in debtors]
    for x in inv:
        assert x["debtor"]["id"] in ids and (not x["ogm"] or ogm_valid(x["ogm"]))
        assert x["issue"] <= LAST_ISSUE and x["issue"] >= FIRST_ISSUE
        if x["type"] == "invoice":
            assert 0 <= x["open"] <= x["amount"]
        else:
            assert x["amount"] <= x["open"] <= 0
    for p in pays:
        assert p["date"] <= PAYMENTS_TO
        if p["target"] is not None:
            assert p["date"] >= p["target"]["issue"]
    for x in inv:
        x["final_open"] = final_open[x["number"]]

    changed = []
    os.makedirs(MAPPINGS, exist_ok=True)
    write(os.path.join(HERE, "debtors.csv"),
          b"\xef\xbb\xbf" + render(HEADER_DEBTORS, drows, ";", "\r\n").encode("utf-8"), check, changed)
    write(os.path.join(HERE, "invoices.csv"),
          render(HEADER_INVOICES, irows, ";", "\r\n").encode("cp1252"), check, changed)
    write(os.path.join(HERE, "payments.csv"), render(HEADER_PAYMENTS, prows, ",", "\n").encode("utf-8"), check,
          changed)
    exact_header = ["Fact. nr", "Relatiecode", "Factuurdatum", "Vervaldatum", "Valuta", "Bedrag (VV)",
                    "Openstaand (VV)", "Betalingskenmerk", "Omschrijving"]
    write(os.path.join(MAPPINGS, "exact-online-invoices.csv"),
          render(exact_header, exact_online_rows(debtors, inv), ";", "\r\n").encode("cp1252"), check, changed)

    if check:
        if changed:
            print("would change: " + ", ".join(changed))
            sys.exit(1)
        print("up to date")
        return
    report(debtors, inv, pays, bad_debtor, bad_inv, drows, irows, prows)


def report(debtors, inv, pays, bad_debtor, bad_inv, drows, irows, prows):
    """Prints the documented cases and the expected figures (copied into README.md)."""
    out = print
    out("rows: debtors %d, invoices %d, payments %d" % (len(drows), len(irows), len(prows)))
    kinds = {}
    for d in debtors:
        key = d["kind"] + ("-" + (d["country"] or "BE") if d["kind"] == "b2b" else "")
        kinds[key] = kinds.get(key, 0) + 1
    out("debtors by kind: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    langs = {}
    for d in debtors:
        langs[d["lang"]] = langs.get(d["lang"], 0) + 1
    out("debtors by language: " + ", ".join("%s %d" % kv for kv in sorted(langs.items())))
    for tag in ["name:Łukasz", "name:Şükrü", "name:Zoë", "name:Ğülay", "name:François", "name:Jürgen",
                "name:Éclair", "two-emails", "on-hold", "no-email", "no-channel", "no-country", "bracket", "large"]:
        out("debtor %-14s %s" % (tag, ", ".join("%s (%s)" % (d["id"], d["name"]) for d in debtors if tag in d["tags"])))
    out("debtor terms: " + ", ".join("%s=%d" % (t or "empty", sum(1 for d in debtors if d["terms"] == t))
                                     for t in ["14", "30", "60", ""]))
    vat_forms = [d["id"] + " " + d["vat"] for d in debtors if d["vat"] and (" " in d["vat"] or not d["vat"][:2].isalpha())]
    out("debtor VAT written differently: " + ", ".join(vat_forms))
    out("bad debtor row: %s %s" % (bad_debtor[0], bad_debtor[3]))
    for tag in ["b2c-150.00", "b2c-150.01", "b2c-500.00", "b2c-500.01", "large-overdue", "large-not-due",
                "partly-paid", "disputed", "due-derived", "credit-note", "credit-used", "credit-partly-used",
                "for-on-hold", "for-no-email", "for-no-channel"]:
        xs = [x for x in inv if tag in x["tags"]]
        out("invoice %-19s %s" % (tag, ", ".join("%s/%s" % (x["number"], x["debtor"]["id"]) for x in xs)))
    for x in inv:
        if x["type"] == "credit_note":
            out("  %s %s credits %s, amount %s, solde %s" % (x["number"], x["debtor"]["id"], x["credit_for"]["number"],
                                                              eu_amount(x["amount"]), eu_amount(x["open"])))
    for x in inv:
        if x["blank_due"]:
            out("  %s %s terms %s: issue %s -> due %s" % (x["number"], x["debtor"]["id"], x["debtor"]["terms"],
                                                          x["issue"], x["due"]))
    out("invoices with € prefix: %d" % sum(1 for x in inv if x["euro"]))
    out("paid in accounting (solde 0): %d" % sum(1 for x in inv if x["type"] == "invoice" and x["open"] == 0))
    for name, pos, row in bad_inv:
        out("bad invoice row %s: %s" % (name, row[0]))
    for p in pays:
        if p["tags"]:
            t = p["target"]
            out("payment %s %-26s %s amount %s inv %s ref %s debtor %s -> %s open %s->%s, unapplied %s" % (
                p["id"], p["tags"][0], p["date"], dot_amount(p["amount"]), p["invoice"] or "-", p["ref"] or "-",
                p["debtor"] or "-", t["number"] if t else "-", eu_amount(t["open"]) if t else "-",
                eu_amount(t["final_open"]) if t else "-", dot_amount(p["unapplied"])))
            if "target_debtor" in p:
                d = p["target_debtor"]
                for x in sorted([x for x in inv if x["debtor"] is d and x["type"] == "invoice"], key=lambda x: x["due"]):
                    out("      %s due %s open %s -> %s" % (x["number"], x["due"], eu_amount(x["open"]),
                                                          eu_amount(x["final_open"])))
    forms = {"plus": 0, "digits": 0, "slashes": 0, "stars": 0, "none": 0}
    for p in pays:
        r = p["ref"]
        k = "none" if not r else "stars" if r.startswith("*") else "plus" if r.startswith("+") else \
            "slashes" if "/" in r else "digits"
        forms[k] += 1
    out("payment reference forms: " + ", ".join("%s %d" % kv for kv in forms.items()))
    out("payments by invoice number: %d, by reference: %d, debtor only: %d, with debtor_id: %d" % (
        sum(1 for p in pays if p["invoice"]), sum(1 for p in pays if p["ref"] and not p["invoice"]),
        sum(1 for p in pays if not p["invoice"] and not p["ref"]), sum(1 for p in pays if p["debtor"])))
    out("payments closing an invoice: %d" % sum(1 for x in inv if x["open"] > 0 and x["final_open"] == 0))

    # Expected status as of AS_OF.
    open_inv = [x for x in inv if x["type"] == "invoice" and x["final_open"] > 0]
    overdue = [x for x in open_inv if x["due"] < AS_OF]
    credits = [x for x in inv if x["type"] == "credit_note" and x["final_open"] != 0]
    out("status: %d open invoices, %s open; %d overdue, %s; %d open credit notes, %s" % (
        len(open_inv), eu_amount(sum(x["final_open"] for x in open_inv)), len(overdue),
        eu_amount(sum(x["final_open"] for x in overdue)), len(credits), eu_amount(sum(x["final_open"] for x in credits))))
    out("status: disputed open %d; unapplied payments %d (%s)" % (
        sum(1 for x in open_inv if x["disputed"]), sum(1 for p in pays if p["unapplied"]),
        dot_amount(sum(p["unapplied"] for p in pays))))
    buckets = {"not due": 0, "1-30": 0, "31-60": 0, "61-90": 0, ">90": 0}
    for x in open_inv:
        late = (AS_OF - x["due"]).days
        k = "not due" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90" if late <= 90 else ">90"
        buckets[k] += 1
    out("ageing of open invoices: " + ", ".join("%s %d" % kv for kv in buckets.items()))

    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        text = open(readme, encoding="utf-8").read()
        missing = []
        for p in pays:
            if p["tags"] and p["id"] not in text:
                missing.append(p["id"])
        for x in inv:
            if set(x["tags"]) - {"paid-in-accounting", "credited"} and x["number"] not in text:
                missing.append(x["number"])
        if missing:
            out("README.md does not mention: " + ", ".join(missing))


if __name__ == "__main__":
    main()
