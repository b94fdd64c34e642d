import Foundation
import Ledger
import TOMLKit

/// A problem in `relance.toml`, with the key path and line.
package struct ConfigProblem: Error, CustomStringConvertible, Equatable {
    package let file: String
    package let line: Int
    package let key: String
    package let message: String
    package var description: String { "\(file):\(line):0: error: [config] \(key): \(message)" }
}

/// The settings in a workspace's `relance.toml` that this version reads, validated as a whole.
package struct WorkspaceConfig: Sendable, Equatable {
    /// The creditor: name and identifiers printed on letters and payment instructions.
    package struct Company: Sendable, Equatable {
        package var name = ""
        package var enterpriseNumber: String?
        package var street = ""
        package var postalCode = ""
        package var city = ""
        package var country = "BE"
        /// The account debtors pay to, parsed once at load: a broken IBAN is a load problem (78), never a missing line.
        package var iban: IBAN?
        package var bic: String?
        package var email: String?
        package var phone: String?
        /// The register and its seat for letters: "RPR Gent" / "RPM Liège" (art. III.26 WER).
        package var register: String?
        /// The court division of that register, e.g. "afdeling Gent".
        package var courtSeat: String?
        /// Who signs the letters ("An Peeters").
        package var signatoryName: String?
        /// The signatory's function ("Credit controller").
        package var signatoryFunction: String?

        /// The identity keys a letter or e-mail cannot go without, empty or missing (an invalid
        /// enterprise number or IBAN is already a load problem): `dunning run` and `nightly` refuse
        /// with 78 while this is not empty, and `config check` names them.
        package var missingIdentity: [String] {
            var keys: [String] = []
            if name.trimmingCharacters(in: .whitespaces).isEmpty { keys.append("company.name") }
            if street.trimmingCharacters(in: .whitespaces).isEmpty { keys.append("company.street") }
            if postalCode.trimmingCharacters(in: .whitespaces).isEmpty { keys.append("company.postal_code") }
            if city.trimmingCharacters(in: .whitespaces).isEmpty { keys.append("company.city") }
            if enterpriseNumber == nil { keys.append("company.enterprise_number") }
            if iban == nil { keys.append("company.iban") }
            return keys
        }

        /// `missingIdentity` as problems with the line of each key in `text` (0 when it is absent).
        package func identityProblems(text: String, file: String) -> [ConfigProblem] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var section = ""
            var lineOf: [String: Int] = [:]
            for (i, l) in lines.enumerated() {
                let t = l.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("[") { section = t.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")); continue }
                if section == "company", let eq = t.firstIndex(of: "="), !t.hasPrefix("#") {
                    lineOf["company." + t[..<eq].trimmingCharacters(in: .whitespaces)] = i + 1
                }
            }
            return missingIdentity.map {
                ConfigProblem(file: file, line: lineOf[$0] ?? 0, key: $0,
                              message: "required before any letter or e-mail is written (the company identity gate)")
            }
        }
    }

    package var company = Company()
    /// Language for debtors whose export gives none.
    package var defaultLanguage = "nl"
    package var defaultCountry = "BE"
    package var defaultCurrency = Currency.eur
    /// Time zone that decides what "today" is.
    package var timeZone = "Europe/Brussels"
    /// Folder (relative to the workspace) for `<file>.rejects.csv`.
    package var rejectsDir = "rejects"
    /// How the outbox delivers e-mail (`[mail]`).
    package var mail = MailConfig()
    /// Subscription billing (`[billing]`).
    package var billing = BillingConfig()
    /// The finance reports (`[reports]`) and the database backups (`[backup]`).
    package var reports = ReportsConfig(), backup = BackupConfig()
    /// What the creditor's terms allow it to claim (`[legal]`).
    package var legal = LegalConfig()
    /// Where the Peppol documents go (`[peppol]`).
    package var peppol = PeppolConfig()
    /// Who gets a summary e-mail when a nightly run needs a look (`[alerts]`).
    package var alerts = AlertsConfig()
    /// Which ingest each inbox file gets (`[inbox]`).
    package var inbox = InboxConfig()
    /// Dunning settings read here (`[dunning]`: `promise_grace_days`).
    package var dunning = DunningSettings()

    package init() {}

    /// Reads and validates; throws every problem found (the first as the error, all in `problems`).
    package static func load(path: String) throws -> WorkspaceConfig {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigProblems([ConfigProblem(file: name, line: 0, key: "", message: "cannot read \(path) as UTF-8 text")])
        }
        return try parse(text, file: name)
    }

    /// Parses and validates TOML text.
    package static func parse(_ text: String, file: String) throws -> WorkspaceConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigProblems([ConfigProblem(file: file, line: e.source.begin.line, key: "", message: e.description)])
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var problems: [ConfigProblem] = []
        func lineOf(_ path: String) -> Int {
            // Sections are one level deep; a key may hold dots (`inbox."invoices*.csv"`).
            let parts = path.split(separator: ".", maxSplits: 1)
            var section = ""
            for (i, l) in lines.enumerated() {
                let t = l.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("[") { section = t.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")); continue }
                let key = parts.last.map(String.init) ?? ""
                let sec = parts.dropLast().joined(separator: ".")
                // A key may be quoted (`"invoices*.csv" = …` in [inbox]).
                for k in [key, "\"\(key)\""] where section == sec && t.hasPrefix(k)
                    && t.dropFirst(k.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                    return i + 1
                }
            }
            return 0
        }
        func fail(_ key: String, _ message: String) { problems.append(ConfigProblem(file: file, line: lineOf(key), key: key, message: message)) }
        func string(_ t: TOMLTable, _ section: String, _ key: String) -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { fail("\(section).\(key)", "expected a string"); return nil }
            return s
        }
        var c = WorkspaceConfig()
        let known: Set<String> = ["config_version", "company", "defaults", "ingest", "mail", "billing", "reports", "backup", "legal", "peppol", "alerts", "inbox", "dunning"]
        for (k, _) in table where !known.contains(k) { fail(k, "unknown key or section") }
        if let v = table["config_version"], v.int != 1 { fail("config_version", "this version of relance reads config_version = 1") }
        if let co = table["company"]?.table {
            c.company.name = string(co, "company", "name") ?? ""
            if let e = string(co, "company", "enterprise_number"), !e.isEmpty {
                do { c.company.enterpriseNumber = try EnterpriseNumber(parsing: e).formatted } catch {
                    fail("company.enterprise_number", "\(error)")
                }
            }
            c.company.street = string(co, "company", "street") ?? ""
            c.company.postalCode = string(co, "company", "postal_code") ?? ""
            c.company.city = string(co, "company", "city") ?? ""
            c.company.country = string(co, "company", "country") ?? "BE"
            if let i = string(co, "company", "iban"), !i.isEmpty {
                do { c.company.iban = try IBAN(parsing: i) } catch { fail("company.iban", "\(error)") }
            }
            if let b = string(co, "company", "bic"), !b.isEmpty {
                if ![8, 11].contains(b.count) || !b.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
                    fail("company.bic", "a BIC has 8 or 11 upper-case letters and digits")
                } else { c.company.bic = b }
            }
            if let e = string(co, "company", "email"), !e.isEmpty {
                if EmailAddress(e) == nil { fail("company.email", "not an e-mail address") } else { c.company.email = e }
            }
            c.company.phone = string(co, "company", "phone")
            // Letter identity: optional, but never blank when present.
            func nonEmpty(_ key: String) -> String? {
                guard let v = string(co, "company", key) else { return nil }
                let t = v.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { fail("company.\(key)", "must not be empty when present (remove the line or fill it in)"); return nil }
                return t
            }
            c.company.register = nonEmpty("register")
            c.company.courtSeat = nonEmpty("court_seat")
            c.company.signatoryName = nonEmpty("signatory_name")
            c.company.signatoryFunction = nonEmpty("signatory_function")
            let knownCompany: Set<String> = ["name", "enterprise_number", "street", "postal_code", "city", "country", "iban", "bic", "email",
                                             "phone", "register", "court_seat", "signatory_name", "signatory_function"]
            for (k, _) in co where !knownCompany.contains(k) { fail("company.\(k)", "unknown key") }
        }
        if let d = table["defaults"]?.table {
            if let l = string(d, "defaults", "language") {
                if ["nl", "fr", "de", "en"].contains(l) { c.defaultLanguage = l } else { fail("defaults.language", "must be nl, fr, de or en") }
            }
            if let k = string(d, "defaults", "country") {
                if k.count == 2 && k.allSatisfy({ $0.isASCII && $0.isUppercase }) { c.defaultCountry = k } else {
                    fail("defaults.country", "must be an ISO 3166 two-letter code such as BE")
                }
            }
            if let cur = string(d, "defaults", "currency") {
                if let v = Currency(code: cur) { c.defaultCurrency = v } else { fail("defaults.currency", "must be an ISO 4217 code such as EUR") }
            }
            if let tz = string(d, "defaults", "timezone") {
                if TimeZone(identifier: tz) != nil { c.timeZone = tz } else { fail("defaults.timezone", "unknown time zone \"\(tz)\"") }
            }
            let knownDefaults: Set<String> = ["language", "country", "currency", "timezone"]
            for (k, _) in d where !knownDefaults.contains(k) { fail("defaults.\(k)", "unknown key") }
        }
        if let i = table["ingest"]?.table {
            if let r = string(i, "ingest", "rejects_dir") { c.rejectsDir = r }
            for (k, _) in i where k != "rejects_dir" { fail("ingest.\(k)", "unknown key") }
        }
        if let m = table["mail"]?.table { c.mail = MailConfig.parse(m, fail: fail) }
        if let b = table["billing"]?.table { c.billing = BillingConfig.parse(b, fail: fail) }
        if let r = table["reports"]?.table { c.reports = ReportsConfig.parse(r, fail: fail) }
        if let b = table["backup"]?.table { c.backup = BackupConfig.parse(b, fail: fail) }
        if let l = table["legal"]?.table { c.legal = LegalConfig.parse(l, fail: fail) }
        if let p = table["peppol"]?.table { c.peppol = PeppolConfig.parse(p, fail: fail) }
        if let a = table["alerts"]?.table { c.alerts = AlertsConfig.parse(a, fail: fail) }
        if let i = table["inbox"]?.table { c.inbox = InboxConfig.parse(i, fail: fail) }
        if let d = table["dunning"]?.table { c.dunning = DunningSettings.parse(d, fail: fail) }
        if !problems.isEmpty { throw ConfigProblems(problems) }
        return c
    }

    /// Today in the workspace's time zone: the default as-of day of every command.
    package func today(now: Date) -> Day {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0) ?? cal.timeZone
        let c = cal.dateComponents([.year, .month, .day], from: now)
        // The calendar always yields a valid civil date; fall back to the UTC day if it ever did not.
        return Day(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
            ?? Day(daysSinceEpoch: Int32(now.timeIntervalSince1970 / 86_400))
    }
}

/// All problems found in a configuration file.
package struct ConfigProblems: Error, CustomStringConvertible {
    package let problems: [ConfigProblem]
    package init(_ problems: [ConfigProblem]) { self.problems = problems }
    package var description: String { problems.map(\.description).joined(separator: "\n") }
}
