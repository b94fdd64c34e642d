import Foundation
import GRDB
import Ledger
import Store

/// Debtors: upsert by `debtor_id`.
struct DebtorSink: RowSink {
    let db: Database
    let validator: DebtorValidator
    private let upserter: DebtorUpsert
    /// Keys of debtors whose personal data was erased (`relance debtor erase`), with the day: an
    /// export that still lists them must not bring that data back.
    private let erased: [String: String]

    init(db: Database, defaultLanguage: String, defaultCountry: String) throws {
        self.db = db
        self.validator = DebtorValidator(defaultLanguage: defaultLanguage, defaultCountry: defaultCountry)
        upserter = try DebtorUpsert(db)
        erased = try IngestQueries.erasedDebtors(db)
    }

    /// A row's values, prepared when made: the content hash is computed by the initialiser, on the
    /// reading thread (see `InvoiceSink.Values`). The content is read-only: it cannot drift from its hash.
    struct Values {
        let key, name, kind: String
        let vat, email: String?
        let language: String
        let street, postal, city: String?
        let country: String
        let phone: String?
        let terms: Int?
        let onHold: Bool
        /// The day the debtor started receiving invoices electronically (a forecast covariate).
        let paperlessSince: Day?
        /// A contractual interest rate in percent ("8.00"), from the `interest_rate` column.
        let interestRate: String?
        /// A public authority: always the statutory rate (art. 5 of the law of 2 August 2002).
        let publicAuthority: Bool
        /// Pays by direct debit (domiciliëring), when the export has the column; nil keeps what is stored.
        let directDebit: Bool?
        /// The content hash of `fields`' values, in their order.
        private(set) var hash: Int64 = 0

        init(key: String, name: String, kind: String, vat: String?, email: String?, language: String, street: String?,
             postal: String?, city: String?, country: String, phone: String?, terms: Int?, onHold: Bool,
             paperlessSince: Day? = nil, interestRate: String? = nil, publicAuthority: Bool = false, directDebit: Bool? = nil) {
            self.key = key
            self.name = name
            self.kind = kind
            self.vat = vat
            self.email = email
            self.language = language
            self.street = street
            self.postal = postal
            self.city = city
            self.country = country
            self.phone = phone
            self.terms = terms
            self.onHold = onHold
            self.paperlessSince = paperlessSince
            self.interestRate = interestRate
            self.publicAuthority = publicAuthority
            self.directDebit = directDebit
            var h = ContentHasher()
            for (_, v) in fields { h.add(v) }
            hash = h.signed
        }

        var fields: FieldValues {
            [("name", name), ("kind", kind), ("vat_number", vat), ("email", email), ("language", language),
             ("street", street), ("postal_code", postal), ("city", city), ("country", country), ("phone", phone),
             ("payment_terms_days", terms.map(String.init)), ("on_hold", onHold ? "1" : "0")]
                // Only when present, so debtors from before this column keep their content hash.
                + (paperlessSince.map { [("paperless_since", $0.description)] } ?? [])
                + (interestRate.map { [("interest_rate_percent", $0)] } ?? [])
                + (publicAuthority ? [("public_authority", "1")] : [])
                + (directDebit.map { [("direct_debit", $0 ? "1" : "0")] } ?? [])
        }

        /// The row as Store writes it.
        var row: DebtorRow {
            DebtorRow(key: key, name: name, kind: kind, vat: vat, email: email, language: language, street: street,
                      postalCode: postal, city: city, country: country, phone: phone, terms: terms, onHold: onHold,
                      paperlessSince: paperlessSince?.description, interestRate: interestRate, publicAuthority: publicAuthority,
                      directDebit: directDebit)
        }
    }

    static let languages: [String: String] = [
        "nl": "nl", "nederlands": "nl", "dutch": "nl", "vlaams": "nl", "n": "nl",
        "fr": "fr", "francais": "fr", "français": "fr", "french": "fr", "frans": "fr", "f": "fr",
        "de": "de", "deutsch": "de", "german": "de", "duits": "de", "allemand": "de", "d": "de",
        "en": "en", "english": "en", "engels": "en", "anglais": "en", "e": "en",
    ]

    mutating func store(_ v: Values, batch: Int64) throws -> (RowOutcome, [RowProblem]) {
        if let day = erased[v.key], try IngestQueries.debtorID(db, key: v.key) != nil {
            // Kept erased: nothing of the row is stored, not even in the change history.
            return (.unchanged, [RowProblem(column: 0, rule: "erased-debtor", message:
                "debtor \(v.key) was erased on \(day) (relance debtor erase): its personal data in this row is not stored",
                severity: .note)])
        }
        return (try upsert(v, batch: batch), [])
    }

    mutating func finish(batch: Int64) throws {}
}

/// Debtor rows: every field checked, nothing written.
struct DebtorValidator: RowValidator {
    let defaultLanguage: String
    let defaultCountry: String

    func key(of row: inout InputRow) -> String? { row.text(.debtorID) }

    func prepare(_ row: inout InputRow) -> DebtorSink.Values? {
        let key = row.required(.debtorID)
        let name = row.required(.name)
        let country = (row.text(.country)?.uppercased()) ?? defaultCountry
        if country.utf8.count != 2 || !country.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) {
            row.problem(.country, "country", "country must be an ISO 3166 two-letter code such as BE, found \"\(country)\"")
        }
        var vat: String? = nil
        if let raw = row.text(.vatNumber) {
            let compact = raw.uppercased().filter { $0 != " " && $0 != "." && $0 != "-" }
            if compact.hasPrefix("BE") || (country == "BE" && compact.first?.isNumber == true) {
                do { vat = try EnterpriseNumber(parsing: compact).vatNumber } catch {
                    row.problem(.vatNumber, "vat", "invalid Belgian VAT/enterprise number \"\(raw)\": \(error)")
                }
            } else if compact.count >= 4, compact.count <= 16, compact.prefix(2).allSatisfy({ $0.isLetter && $0.isASCII }),
                compact.dropFirst(2).allSatisfy({ ($0.isLetter || $0.isNumber) && $0.isASCII }) {
                vat = compact
            } else {
                row.problem(.vatNumber, "vat", "invalid VAT number \"\(raw)\": expected a country prefix and digits")
            }
        }
        var kind = vat == nil ? "b2c" : "b2b"
        if let k = row.text(.kind) {
            switch k.lowercased() {
            case "b2b", "business", "bedrijf", "onderneming", "entreprise", "company": kind = "b2b"
            case "b2c", "consumer", "consument", "particulier", "private", "consommateur": kind = "b2c"
            default: row.problem(.kind, "kind", "kind must be b2b or b2c, found \"\(k)\"")
            }
        }
        var email: String? = nil
        if let raw = row.text(.email) {
            let parts = raw.split(whereSeparator: { $0 == ";" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let bad = parts.filter { EmailAddress($0) == nil }
            if !bad.isEmpty || parts.isEmpty {
                row.problem(.email, "email", "invalid e-mail address")
            } else {
                email = parts.joined(separator: ", ")
            }
        }
        var language = defaultLanguage
        if let l = row.text(.language) {
            if let v = DebtorSink.languages[l.lowercased()] { language = v } else {
                row.problem(.language, "language", "language must be nl, fr, de or en, found \"\(l)\"")
            }
        }
        let street = row.text(.street, allowLineBreaks: true)?.replacingOccurrences(of: "\n", with: ", ")
        let postal = row.text(.postalCode)
        if let p = postal, country == "BE", !(p.count == 4 && p.allSatisfy({ $0.isASCII && $0.isNumber }) && p.first != "0") {
            row.problem(.postalCode, "postal-code", "a Belgian postal code has four digits (1000-9999), found \"\(p)\"")
        }
        let city = row.text(.city)
        let phone = row.text(.phone)
        if let p = phone, !p.allSatisfy({ $0.isASCII && ($0.isNumber || " +-./()".contains($0)) }) {
            row.problem(.phone, "phone", "phone numbers hold digits, spaces and + - . / ( )")
        }
        let terms = row.integer(.paymentTermsDays, range: 0...365, rule: "payment-terms")
        let onHold = row.bool(.onHold)
        let paperless = row.day(.paperlessSince)
        let rate = row.text(.interestRate).flatMap { DebtorValidator.percent($0, &row) }
        let authority = row.bool(.publicAuthority)
        if authority && rate != nil {
            row.problem(.interestRate, "interest-rate", "a public authority pays the statutory rate whatever the contract says "
                + "(law of 2 August 2002, art. 5): its interest rate is not used", severity: .warning)
        }
        let directDebit: Bool? = row.text(.directDebit) == nil ? nil : row.bool(.directDebit)
        guard !row.hasErrors, let key, let name else { return nil }
        return DebtorSink.Values(key: key, name: name, kind: kind, vat: vat, email: email, language: language, street: street,
                      postal: postal, city: city, country: country, phone: phone, terms: terms, onHold: onHold,
                      paperlessSince: paperless, interestRate: rate, publicAuthority: authority, directDebit: directDebit)
    }

    /// A contractual rate as `8.00` (`8`, `8,5`, `8.50 %` accepted): above 0, under 100, two decimals at most.
    static func percent(_ raw: String, _ row: inout InputRow) -> String? {
        var t = raw.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.count == 1 || parts[1].count <= 2, let whole = Int(parts[0]), whole < 100 else {
            row.problem(.interestRate, "interest-rate", "an interest rate is a percentage above 0 and under 100 with at most two decimals, found \"\(raw)\"")
            return nil
        }
        let decimals = parts.count == 2 ? String(parts[1]) : ""
        t = "\(whole)." + decimals + String(repeating: "0", count: 2 - decimals.count)
        guard t != "0.00" else {
            row.problem(.interestRate, "interest-rate", "an interest rate must be above 0, found \"\(raw)\"")
            return nil
        }
        return t
    }
}

extension DebtorSink {
    fileprivate mutating func upsert(_ v: Values, batch: Int64) throws -> RowOutcome {
        let hash = v.hash
        let row = v.row
        guard let (id, oldHash) = try upserter.insertOrFind(row, hash: hash, batch: batch) else { return .imported }
        if oldHash == hash { return .unchanged }
        let oldFields = try IngestQueries.columnTexts(db, .debtor, id: id).values(of: v.fields)
        try IngestCommands.updateDebtor(db, id: id, row, hash: hash, batch: batch)
        try recordChange(db, batch: batch, entity: .debtor, key: v.key, change: .update, old: oldFields, new: v.fields)
        return .updated
    }

}
