import Foundation
import TOMLKit

/// The `[peppol]` section of `relance.toml`: where the billing run's UBL documents go.
///
/// The default is a pickup folder (`out/peppol/YYYY-MM/NUMBER.xml`), so nothing leaves the
/// machine until an access point is configured. With `transport = "http"` each document is posted
/// to the company's Peppol access point; the token comes from the environment or an owner-only
/// file, never from this file. TLS certificates are always verified; plain `http://` is accepted
/// only for a loopback address (a local bridge, the tests).
package struct PeppolConfig: Sendable, Equatable {
    /// `pickup` or `http`.
    package enum Transport: String, Sendable, Equatable {
        case pickup, http
    }

    /// `pickup` (default) or `http`.
    package var transport = Transport.pickup
    /// The pickup folder, relative to the workspace.
    package var pickupDir = "out/peppol"
    /// The access point's endpoint for a new document (`https://ap.example/api/v1/documents`).
    package var url: String?
    /// The environment variable holding the access point's bearer token.
    package var tokenEnv = "RELANCE_PEPPOL_TOKEN"
    /// A file holding the token (readable by its owner only), used when the variable is unset.
    package var tokenFile: String?
    /// A CA bundle to verify the access point's certificate with, instead of the system's.
    package var caFile: String?
    /// Seconds to connect, and for the whole request.
    package var connectTimeout: Double = 10
    /// Seconds for the whole request.
    package var timeout: Double = 60
    /// Backoff between attempts and how long a document may keep failing before it bounces.
    package var backoffMinSeconds: Double = 300
    /// Longest wait between attempts, in seconds.
    package var backoffMaxSeconds: Double = 14_400
    /// Seconds a document may keep failing before it bounces.
    package var maxLifetimeSeconds: Double = 432_000

    /// Defaults: pickup folder, token from `RELANCE_PEPPOL_TOKEN`.
    package init() {}

    static let keys: Set<String> = [
        "transport", "pickup_dir", "url", "token_env", "token_file", "ca_file", "connect_timeout_seconds", "timeout_seconds",
        "backoff_min_seconds", "backoff_max_seconds", "max_lifetime_seconds",
    ]

    /// Reads the `[peppol]` table, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> PeppolConfig {
        var p = PeppolConfig()
        func string(_ key: String) -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { fail("peppol.\(key)", "expected a string"); return nil }
            return s
        }
        func seconds(_ key: String, _ range: ClosedRange<Double>, into value: inout Double) {
            guard let v = t[key] else { return }
            if let n = v.double ?? v.int.map(Double.init), range.contains(n) { value = n } else {
                fail("peppol.\(key)", "expected a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
            }
        }
        if let s = string("transport") {
            if let v = Transport(rawValue: s) { p.transport = v } else { fail("peppol.transport", "must be \"pickup\" or \"http\"") }
        }
        if let s = string("pickup_dir"), !s.isEmpty { p.pickupDir = s }
        if let s = string("url"), !s.isEmpty {
            if PeppolConfig.acceptable(url: s) { p.url = s } else {
                fail("peppol.url", "must be an https:// URL (http:// only for 127.0.0.1, [::1] or localhost)")
            }
        }
        if let s = string("token_env"), !s.isEmpty { p.tokenEnv = s }
        if let s = string("token_file"), !s.isEmpty { p.tokenFile = s }
        if let s = string("ca_file"), !s.isEmpty { p.caFile = s }
        seconds("connect_timeout_seconds", 1...600, into: &p.connectTimeout)
        seconds("timeout_seconds", 1...3600, into: &p.timeout)
        seconds("backoff_min_seconds", 1...86_400, into: &p.backoffMinSeconds)
        seconds("backoff_max_seconds", 1...604_800, into: &p.backoffMaxSeconds)
        seconds("max_lifetime_seconds", 60...2_592_000, into: &p.maxLifetimeSeconds)
        if p.transport == .http && p.url == nil { fail("peppol.url", "transport = \"http\" needs the access point's url") }
        for (k, _) in t where !keys.contains(k) { fail("peppol.\(k)", "unknown key") }
        return p
    }

    /// True for an `https://` URL, or `http://` to a loopback host.
    package static func acceptable(url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return lower.count > 8 }
        guard lower.hasPrefix("http://") else { return false }
        let host = lower.dropFirst(7).prefix { $0 != "/" }
        return ["127.0.0.1", "localhost", "[::1]"].contains { host == $0 || host.hasPrefix($0 + ":") }
    }
}
