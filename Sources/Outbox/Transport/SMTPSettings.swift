import Foundation

/// How to reach the SMTP server. Validated on creation; the password is held but never printed.
package struct SMTPSettings: Sendable, CustomStringConvertible {
    /// TLS on an `smtp://` URL. `smtps://` is TLS from the first byte whatever this says.
    package enum TLS: String, Sendable {
        /// STARTTLS or fail (the default).
        case required
        /// STARTTLS when the server offers it, else plain text.
        case optional
        /// Plain text; accepted for a loopback host only.
        case none
    }

    /// `smtp://host[:port][/ehlo-name]` or `smtps://…`.
    package let url: String
    package let host: String
    package let tls: TLS
    package var user: String?
    /// The password (from the environment or an owner-only file, never from the config file).
    package var password: String?
    /// PEM file of certificate authorities to trust instead of the system's.
    package var caFile: String?
    /// Certificate verification off: every flush says so loudly.
    package var insecureSkipVerify = false
    /// Seconds to connect (TCP, TLS, greeting).
    package var connectTimeout: Double = 30
    /// Seconds one message may take in all.
    package var timeout: Double = 120

    /// Why settings were refused.
    package struct Invalid: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    /// Checks the URL and the TLS mode: `none` only for a loopback host, and never with `smtps://`.
    package init(url: String, tls: TLS = .required) throws(Invalid) {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
            let host = c.host, !host.isEmpty, c.user == nil, c.password == nil
        else { throw Invalid(message: "the SMTP URL must look like smtp://host:port or smtps://host:port (no user or password in it)") }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if tls == .none && scheme == "smtps" { throw Invalid(message: "TLS \"none\" contradicts an smtps:// URL") }
        if tls == .none && !SMTPSettings.isLoopback(bare) {
            throw Invalid(message: "TLS \"none\" is only accepted for a loopback host (127.0.0.1, ::1, localhost)")
        }
        self.url = url
        self.host = bare
        self.tls = tls
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    package static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The URL and TLS mode; never the password.
    package var description: String { "\(url) (tls \(tls.rawValue)\(insecureSkipVerify ? ", certificate verification OFF" : ""))" }

    /// Reads a password from a file that only its owner can read or write; the trailing line
    /// break is dropped. Refuses a file others can read.
    package static func readPasswordFile(_ path: String) throws(Invalid) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Invalid(message: "cannot read the SMTP password file \(path): \(String(cString: strerror(errno)))") }
        guard st.st_mode & 0o077 == 0 else {
            throw Invalid(message: "the SMTP password file \(path) can be read by others; run chmod 600 on it")
        }
        guard st.st_uid == getuid() else { throw Invalid(message: "the SMTP password file \(path) belongs to another user") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Invalid(message: "cannot read the SMTP password file \(path)")
        }
        var p = Substring(text)
        while let last = p.last, last == "\n" || last == "\r" { p = p.dropLast() }
        guard !p.isEmpty else { throw Invalid(message: "the SMTP password file \(path) is empty") }
        return String(p)
    }
}
