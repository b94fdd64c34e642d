import Ledger
import TOMLKit

/// The `[reports]` and `[backup]` sections of `relance.toml`.
///
/// ```toml
/// [reports]
/// folder = "out/reports"        # the nightly run writes DAY/aging.html, … here
/// formats = ["html", "csv"]     # what the nightly run writes: html, csv, json
/// dialect = "excel"             # CSV: "excel" (; decimal comma, BOM, one table per file, headers
///                               # in [defaults] language) or "plain" (, and ., for machines)
/// top_rows = 25                 # rows in "top" tables and in HTML listings; debtor pages: twice this at most
/// mail_to = ["finance@example.be"]  # e-mail the morning page each night through the outbox
///
/// [backup]
/// folder = "backups"
/// keep_daily = 14               # the newest backup of each of the latest 14 days
/// keep_monthly = 12             # and of each of the latest 12 months
/// ```
package struct ReportsConfig: Sendable, Equatable {
    package var folder = "out/reports"
    package var formats = ["html", "csv"]
    /// `excel` or `plain` (the older `excel-be` and `standard` are read as these).
    package var csvDialect = "excel"
    package var topRows = 25
    /// Who gets the morning page each night; empty sends nothing.
    package var mailTo: [String] = []

    package init() {}

    static let knownFormats: Set<String> = ["html", "csv", "json"]
    static let dialects: [String: String] = ["excel": "excel", "excel-be": "excel", "plain": "plain", "standard": "plain"]

    /// Reads `[reports]`, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> ReportsConfig {
        var c = ReportsConfig()
        for (k, v) in t {
            switch k {
            case "folder":
                if let s = v.string, !s.isEmpty { c.folder = s } else { fail("reports.folder", "expected a folder name") }
            case "formats":
                let list = v.array?.compactMap { $0.string } ?? []
                if list.isEmpty || list.count != v.array?.count || !list.allSatisfy(knownFormats.contains) {
                    fail("reports.formats", "expected a list of \"html\", \"csv\" and \"json\"")
                } else { c.formats = list }
            case "dialect", "csv_dialect":
                if let s = v.string, let d = dialects[s] { c.csvDialect = d } else {
                    fail("reports.\(k)", "must be \"excel\" or \"plain\"")
                }
            case "mail_to":
                let list = v.array?.compactMap { $0.string } ?? []
                if list.count != v.array?.count || !list.allSatisfy({ EmailAddress($0) != nil }) {
                    fail("reports.mail_to", "expected a list of e-mail addresses")
                } else { c.mailTo = list }
            case "top_rows":
                if let n = v.int, (1...10_000).contains(n) { c.topRows = n } else { fail("reports.top_rows", "expected a whole number from 1 to 10000") }
            default: fail("reports.\(k)", "unknown key")
            }
        }
        return c
    }
}

/// The `[backup]` section of `relance.toml`.
package struct BackupConfig: Sendable, Equatable {
    package var folder = "backups"
    package var keepDaily = 14
    package var keepMonthly = 12

    package init() {}

    /// Reads `[backup]`, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> BackupConfig {
        var c = BackupConfig()
        for (k, v) in t {
            switch k {
            case "folder":
                if let s = v.string, !s.isEmpty { c.folder = s } else { fail("backup.folder", "expected a folder name") }
            case "keep_daily":
                if let n = v.int, (1...3660).contains(n) { c.keepDaily = n } else { fail("backup.keep_daily", "expected a whole number from 1 to 3660") }
            case "keep_monthly":
                if let n = v.int, (0...1200).contains(n) { c.keepMonthly = n } else { fail("backup.keep_monthly", "expected a whole number from 0 to 1200") }
            default: fail("backup.\(k)", "unknown key")
            }
        }
        return c
    }
}
