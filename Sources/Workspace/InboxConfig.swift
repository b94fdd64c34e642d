import TOMLKit

/// The `[inbox]` section of `relance.toml`: which ingest each file waiting in inbox/ gets, by a
/// file-name pattern, in the same words as the command line.
///
/// ```toml
/// [inbox]
/// "invoices*.csv" = "invoices --snapshot"   # the export lists every open invoice
/// "register*.csv" = "payments --booked"     # the books' payment register
/// "*.cod" = "coda"
/// ```
///
/// Patterns match the whole file name, without regard to case; `*` is any run of characters and
/// `?` one character. When several match, the most specific (most literal characters) wins. An
/// `.xml` file no pattern matches is read as camt when it says so, else as Peppol UBL.
package struct InboxConfig: Sendable, Equatable {
    /// One ingest, as the command line says it.
    package struct Mode: Sendable, Equatable, CustomStringConvertible {
        /// debtors, invoices, payments, reminders, coda, camt or ubl.
        package var kind: String
        /// `invoices --snapshot`.
        package var snapshot = false
        /// `payments --booked`.
        package var booked = false

        package init(kind: String, snapshot: Bool = false, booked: Bool = false) {
            self.kind = kind
            self.snapshot = snapshot
            self.booked = booked
        }

        /// The words, as written in `relance.toml` and in the nightly's summary.
        package var description: String { kind + (snapshot ? " --snapshot" : "") + (booked ? " --booked" : "") }

        /// Why a mode's words were refused.
        struct Problem: Error {
            let text: String
            init(_ text: String) { self.text = text }
        }

        static let kinds: Set<String> = ["debtors", "invoices", "payments", "reminders", "coda", "camt", "ubl"]

        /// Parses `invoices --snapshot`, `payments --booked`, `coda`…; nil with why when not.
        static func parse(_ text: String) -> Result<Mode, Problem> {
            let words = text.split(separator: " ").map(String.init)
            guard let kind = words.first, kinds.contains(kind) else {
                return .failure(Problem("expected one of \(kinds.sorted().joined(separator: ", ")), optionally with --snapshot (invoices) or --booked (payments)"))
            }
            var m = Mode(kind: kind)
            for w in words.dropFirst() {
                switch (w, kind) {
                case ("--snapshot", "invoices"): m.snapshot = true
                case ("--booked", "payments"): m.booked = true
                default: return .failure(Problem("\"\(w)\" does not apply to \(kind) (only invoices --snapshot and payments --booked)"))
                }
            }
            return .success(m)
        }
    }

    /// Patterns and modes.
    package var rules: [(pattern: String, mode: Mode)]

    /// What a workspace without `[inbox]` does: file names starting with the kind.
    package static let defaults: [(String, Mode)] = [
        ("debtor*.csv", Mode(kind: "debtors")), ("invoice*.csv", Mode(kind: "invoices")), ("payment*.csv", Mode(kind: "payments")),
        ("reminder*.csv", Mode(kind: "reminders")), ("*.cod", Mode(kind: "coda")), ("*.coda", Mode(kind: "coda")),
    ]

    package init() { rules = Self.defaults.map { (pattern: $0.0, mode: $0.1) } }

    /// The same patterns with the same modes, in any order (the most specific pattern wins, not the first).
    package static func == (a: InboxConfig, b: InboxConfig) -> Bool {
        let x = a.rules.sorted { $0.pattern < $1.pattern }, y = b.rules.sorted { $0.pattern < $1.pattern }
        return x.map(\.pattern) == y.map(\.pattern) && x.map(\.mode) == y.map(\.mode)
    }

    /// The mode for a file name, or nil when no pattern matches.
    package func mode(for fileName: String) -> Mode? {
        let matching = rules.filter { Self.matches($0.pattern.lowercased(), fileName.lowercased()) }
        return matching.max { a, b in
            let la = a.pattern.filter { $0 != "*" && $0 != "?" }.count, lb = b.pattern.filter { $0 != "*" && $0 != "?" }.count
            return la != lb ? la < lb : a.pattern > b.pattern
        }?.mode
    }

    /// Whole-name glob match: `*` any run, `?` one character.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) { pi += 1; ni += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ni; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ni = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Reads `[inbox]` (it replaces the defaults), reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> InboxConfig {
        var c = InboxConfig()
        c.rules = []
        for (k, v) in t {
            guard let s = v.string else { fail("inbox.\(k)", "expected a string such as \"invoices --snapshot\""); continue }
            switch Mode.parse(s) {
            case .success(let m): c.rules.append((pattern: k, mode: m))
            case .failure(let why): fail("inbox.\(k)", why.text)
            }
        }
        return c
    }
}

/// The `[dunning]` settings this version reads from `relance.toml`.
package struct DunningSettings: Sendable, Equatable {
    /// Days after a promised payment date before the ladder resumes (default 3).
    package var promiseGraceDays = 3

    package init() {}

    /// Reads `[dunning]`, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> DunningSettings {
        var c = DunningSettings()
        for (k, v) in t {
            switch k {
            case "promise_grace_days":
                if let n = v.int, (0...60).contains(n) { c.promiseGraceDays = n } else { fail("dunning.promise_grace_days", "expected a whole number of days, 0 to 60") }
            default: fail("dunning.\(k)", "unknown key")
            }
        }
        return c
    }
}
