import TOMLKit

/// `[alerts]`: who gets a short summary e-mail (through the outbox) when a nightly run needs a look
/// (any exit code but 0).
///
/// ```toml
/// [alerts]
/// to = ["finance-it@example.be"]
/// ```
package struct AlertsConfig: Sendable, Equatable {
    /// The addresses; empty: no alert e-mail.
    package var to: [String] = []

    /// No alerts.
    package init() {}

    /// Reads `[alerts]`, reporting each problem through `fail(keyPath, message)`.
    static func parse(_ t: TOMLTable, fail: (String, String) -> Void) -> AlertsConfig {
        var c = AlertsConfig()
        for (k, v) in t {
            switch k {
            case "to":
                guard let list = v.array else { fail("alerts.to", "expected a list of e-mail addresses"); continue }
                for item in list {
                    if let s = item.string, MailConfig.isUsableAddress(s) { c.to.append(s) } else {
                        fail("alerts.to", "expected e-mail addresses, found \(item)")
                    }
                }
            default: fail("alerts.\(k)", "unknown key")
            }
        }
        return c
    }
}
