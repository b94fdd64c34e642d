import Foundation
import Ledger
import TOMLKit

/// The `[mail]` section of `relance.toml`: how the outbox delivers e-mail, without secrets.
///
/// A fresh workspace uses the pickup transport (`.eml` files in `pickup_dir`), so nothing reaches a
/// debtor until SMTP is configured on purpose. For cron and containers the environment overrides
/// the file (`overridden(by:)`); the SMTP password only ever comes from the environment or an
/// owner-only file named here.
package struct MailConfig: Sendable, Equatable {
    /// Where messages go.
    package enum Transport: String, Sendable, Equatable {
        case pickup, smtp
    }

    /// TLS on an `smtp://` URL: STARTTLS required (default), used when offered, or never.
    package enum TLSMode: String, Sendable, Equatable {
        case required, optional, none
    }

    package var transport = Transport.pickup
    /// Folder (relative to the workspace) the pickup transport writes `.eml` files to.
    package var pickupDir = "out/mail"
    /// Sender address; empty means the company e-mail.
    package var from: String?
    /// Sender display name; empty means the company name.
    package var fromName: String?
    /// Reply-To address; empty means the company e-mail.
    package var replyTo: String?
    /// Addresses copied on every message (visible).
    package var cc: [String] = []
    /// Addresses copied on every message (invisible), e.g. an archive mailbox.
    package var bcc: [String] = []
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port` (TLS from the first byte).
    package var smtpURL: String?
    package var smtpTLS = TLSMode.required
    package var smtpUser: String?
    /// Owner-only file holding the SMTP password.
    package var smtpPasswordFile: String?
    /// PEM file of the certificate authorities to trust instead of the system's.
    package var smtpCAFile: String?
    /// Turns certificate verification off; logged loudly on every flush.
    package var smtpInsecureSkipVerify = false
    /// Messages per minute at most; 0 means no limit.
    package var ratePerMinute = 0
    /// SMTP connections a flush uses at most (1 or 2; one under a rate limit).
    package var smtpConnections = 2
    /// First retry delay after a temporary failure, in seconds; doubles per failure up to `backoffMax`.
    package var backoffMin = 300
    /// Longest retry delay, in seconds.
    package var backoffMax = 14_400
    /// Seconds after which a message that still cannot be delivered bounces.
    package var maxLifetime = 259_200
    /// Seconds to establish a connection (TCP, TLS and greeting).
    package var connectTimeout = 30
    /// Seconds one message may take in all.
    package var timeout = 120
    /// Days after which a sent message's bodies are removed (its audit facts stay); 0 keeps them for ever.
    package var bodyRetentionDays = 400

    package init() {}

    static let keys: Set<String> = [
        "transport", "pickup_dir", "from", "from_name", "reply_to", "cc", "bcc", "smtp_url", "smtp_tls", "smtp_user",
        "smtp_password_file", "smtp_ca_file", "smtp_insecure_skip_verify", "smtp_connections", "rate_per_minute", "backoff_min",
        "backoff_max", "max_lifetime", "connect_timeout", "timeout", "body_retention_days",
    ]

    /// Reads the `[mail]` table, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> MailConfig {
        var m = MailConfig()
        func string(_ key: String) -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { fail("mail.\(key)", "expected a string"); return nil }
            return s.isEmpty ? nil : s
        }
        func seconds(_ key: String, into value: inout Int) {
            if let v = t[key]?.int {
                if v > 0 { value = v } else { fail("mail.\(key)", "must be positive") }
                return
            }
            guard let s = string(key) else { return }
            if let d = MailConfig.duration(s) { value = d } else { fail("mail.\(key)", "expected a duration such as \"30s\", \"5m\", \"4h\" or \"3d\"") }
        }
        func addresses(_ key: String) -> [String] {
            guard let v = t[key] else { return [] }
            guard let list = v.array, list.allSatisfy({ $0.string != nil }) else {
                fail("mail.\(key)", "expected a list of e-mail addresses, e.g. [\"archive@example.com\"]")
                return []
            }
            let items = list.compactMap { $0.string }
            for a in items where !MailConfig.isUsableAddress(a) { fail("mail.\(key)", "\"\(a)\" is not an ASCII e-mail address") }
            return items.filter(MailConfig.isUsableAddress)
        }
        if let tr = string("transport") {
            if let v = Transport(rawValue: tr) { m.transport = v } else { fail("mail.transport", "must be \"pickup\" or \"smtp\"") }
        }
        if let p = string("pickup_dir") { m.pickupDir = p }
        for (key, path) in [("from", \MailConfig.from), ("reply_to", \MailConfig.replyTo)] {
            if let a = string(key) {
                if MailConfig.isUsableAddress(a) { m[keyPath: path] = a } else { fail("mail.\(key)", "not an ASCII e-mail address") }
            }
        }
        m.fromName = string("from_name")
        m.cc = addresses("cc")
        m.bcc = addresses("bcc")
        m.smtpURL = string("smtp_url")
        if let v = string("smtp_tls") {
            if let mode = TLSMode(rawValue: v) { m.smtpTLS = mode } else { fail("mail.smtp_tls", "must be \"required\", \"optional\" or \"none\"") }
        }
        m.smtpUser = string("smtp_user")
        m.smtpPasswordFile = string("smtp_password_file")
        m.smtpCAFile = string("smtp_ca_file")
        if let v = t["smtp_insecure_skip_verify"] {
            if let b = v.bool { m.smtpInsecureSkipVerify = b } else { fail("mail.smtp_insecure_skip_verify", "expected true or false") }
        }
        if let v = t["smtp_connections"] {
            if let n = v.int, (1...2).contains(n) { m.smtpConnections = n } else { fail("mail.smtp_connections", "expected 1 or 2") }
        }
        if let v = t["rate_per_minute"] {
            if let n = v.int, n >= 0 { m.ratePerMinute = n } else { fail("mail.rate_per_minute", "expected a whole number ≥ 0 (0: no limit)") }
        }
        seconds("backoff_min", into: &m.backoffMin)
        seconds("backoff_max", into: &m.backoffMax)
        seconds("max_lifetime", into: &m.maxLifetime)
        seconds("connect_timeout", into: &m.connectTimeout)
        seconds("timeout", into: &m.timeout)
        if let v = t["body_retention_days"] {
            if let n = v.int, (0...36_500).contains(n) { m.bodyRetentionDays = n } else {
                fail("mail.body_retention_days", "expected a whole number of days from 0 (keep for ever) to 36500")
            }
        }
        for (k, _) in t where !keys.contains(k) {
            fail("mail.\(k)", k.contains("password") && k != "smtp_password_file"
                ? "never put a password in relance.toml: use smtp_password_file (owner-only) or $RELANCE_SMTP_PASSWORD"
                : "unknown key")
        }
        m.check { key, message in fail("mail.\(key)", message) }
        return m
    }

    /// Checks the settings that depend on each other.
    func check(_ fail: (String, String) -> Void) {
        if backoffMin > backoffMax { fail("backoff_min", "is longer than backoff_max") }
        if transport == .smtp && smtpURL == nil { fail("transport", "\"smtp\" needs smtp_url") }
        guard let url = smtpURL else { return }
        guard let parsed = MailConfig.parseURL(url) else {
            fail("smtp_url", "expected smtp://host[:port] or smtps://host[:port]")
            return
        }
        if smtpTLS == .none && parsed.scheme == "smtps" { fail("smtp_tls", "\"none\" contradicts an smtps:// URL") }
        if smtpTLS == .none && !MailConfig.isLoopback(parsed.host) {
            fail("smtp_tls", "\"none\" is only accepted for a loopback host (127.0.0.1, ::1, localhost)")
        }
    }

    /// The environment variables that override the file, for cron and containers.
    package static let environmentKeys = ["RELANCE_SMTP_URL", "RELANCE_SMTP_TLS", "RELANCE_SMTP_USER",
                                         "RELANCE_SMTP_PASSWORD_FILE", "RELANCE_MAIL_FROM"]

    /// The settings with the environment's overrides applied: `RELANCE_SMTP_URL` (which also selects
    /// the SMTP transport), `RELANCE_SMTP_TLS`, `RELANCE_SMTP_USER`, `RELANCE_SMTP_PASSWORD_FILE`,
    /// `RELANCE_MAIL_FROM`. Throws every problem, named by variable.
    package func overridden(by env: [String: String]) throws -> MailConfig {
        var m = self
        var problems: [ConfigProblem] = []
        func fail(_ key: String, _ message: String) {
            problems.append(ConfigProblem(file: "environment", line: 0, key: key, message: message))
        }
        func value(_ k: String) -> String? { env[k].flatMap { $0.isEmpty ? nil : $0 } }
        if let u = value("RELANCE_SMTP_URL") { m.smtpURL = u; m.transport = .smtp }
        if let t = value("RELANCE_SMTP_TLS") {
            if let mode = TLSMode(rawValue: t) { m.smtpTLS = mode } else { fail("RELANCE_SMTP_TLS", "must be required, optional or none") }
        }
        if let u = value("RELANCE_SMTP_USER") { m.smtpUser = u }
        if let p = value("RELANCE_SMTP_PASSWORD_FILE") { m.smtpPasswordFile = p }
        if let f = value("RELANCE_MAIL_FROM") {
            if MailConfig.isUsableAddress(f) { m.from = f } else { fail("RELANCE_MAIL_FROM", "not an ASCII e-mail address") }
        }
        let names = ["smtp_url": "RELANCE_SMTP_URL", "smtp_tls": "RELANCE_SMTP_TLS"]
        m.check { key, message in fail(names[key].map { "\($0) / mail.\(key)" } ?? "mail.\(key)", message) }
        if !problems.isEmpty { throw ConfigProblems(problems) }
        return m
    }

    /// Seconds in `30s`, `5m`, `4h`, `3d` or a bare number of seconds; nil when unreadable or not positive.
    package static func duration(_ s: String) -> Int? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return nil }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let (digits, unit) = units[last].map { (t.dropLast(), $0) } ?? (Substring(t), 1)
        guard let n = Int(digits), n > 0, n <= Int(Int32.max) else { return nil }
        return n * unit
    }

    /// The scheme, host and port of an `smtp://` or `smtps://` URL.
    package static func parseURL(_ s: String) -> (scheme: String, host: String, port: Int?)? {
        guard let c = URLComponents(string: s), let scheme = c.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
            let host = c.host, !host.isEmpty, c.user == nil, c.password == nil
        else { return nil }
        if let p = c.port, !(1...65_535).contains(p) { return nil }
        return (scheme, host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), c.port)
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// An address the outbox can put in an envelope: valid and ASCII (SMTPUTF8 is not used).
    package static func isUsableAddress(_ s: String) -> Bool {
        EmailAddress(s) != nil && s.unicodeScalars.allSatisfy(\.isASCII)
    }
}
