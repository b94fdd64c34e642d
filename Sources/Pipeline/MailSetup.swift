import Dunning
import Foundation
import Ledger
import Outbox
import Store
import Workspace

/// The outbox's settings resolved from `relance.toml` and the environment: sender identity,
/// retry policy, and how to make the transport.
package struct MailSetup: Sendable {
    /// `[mail]` with the environment's overrides.
    package let mail: MailConfig
    /// Who the e-mails are from.
    package let identity: SenderIdentity
    /// Backoff and lifetime.
    package let policy: RetryPolicy

    /// Resolves `[mail]` with the environment's overrides; configuration problems are 78.
    package init(_ ws: Workspace, _ config: WorkspaceConfig, env: [String: String] = ProcessInfo.processInfo.environment) throws {
        do { mail = try config.mail.overridden(by: env) } catch let e as ConfigProblems { throw StatusError(.config, e.description) }
        let fromText = mail.from ?? config.company.email
        guard let fromText, MailConfig.isUsableAddress(fromText), let from = EmailAddress(fromText) else {
            throw StatusError(.noSender(configPath: ws.configPath))
        }
        let replyTo = (mail.replyTo ?? config.company.email).flatMap { MailConfig.isUsableAddress($0) ? EmailAddress($0) : nil }
        let name = mail.fromName ?? (config.company.name.isEmpty ? nil : config.company.name)
        identity = SenderIdentity(from: from, fromName: name, replyTo: replyTo, cc: mail.cc.compactMap { EmailAddress($0) },
                                  bcc: mail.bcc.compactMap { EmailAddress($0) })
        policy = RetryPolicy(backoffMin: Double(mail.backoffMin), backoffMax: Double(mail.backoffMax), maxLifetime: Double(mail.maxLifetime))
    }

    /// A flusher over `transport` with the workspace's identity and retry policy, and its options.
    package func flusher(_ store: LedgerStore, transport: any MailTransport, logger: any OutboxLogger, limit: Int? = nil,
                        dryRun: Bool = false) -> (Flusher, FlushOptions) {
        var options = FlushOptions(limit: limit, dryRun: dryRun, ratePerMinute: mail.ratePerMinute)
        options.reminderGuard = ReminderGuard()
        options.connections = mail.smtpConnections
        options.sendBudget = Double(mail.connectTimeout + mail.timeout) + 60
        options.bodyRetentionDays = mail.bodyRetentionDays == 0 ? nil : mail.bodyRetentionDays
        return (Flusher(store: store, transport: transport, identity: identity, policy: policy, clock: SystemClock(), logger: logger),
                options)
    }

    /// The transport `[mail]` selects. The SMTP password comes from `$RELANCE_SMTP_PASSWORD`, else
    /// from the owner-only file named by `$RELANCE_SMTP_PASSWORD_FILE` or `mail.smtp_password_file`.
    package func transport(_ ws: Workspace, env: [String: String] = ProcessInfo.processInfo.environment,
                          logger: any OutboxLogger) throws -> any MailTransport {
        guard mail.transport == .smtp, let url = mail.smtpURL else {
            return PickupTransport(directory: ws.path(mail.pickupDir))
        }
        do {
            let tls = SMTPSettings.TLS(rawValue: mail.smtpTLS.rawValue) ?? .required
            var s = try SMTPSettings(url: url, tls: tls)
            s.user = mail.smtpUser
            if let user = s.user, !user.isEmpty {
                if let p = env["RELANCE_SMTP_PASSWORD"], !p.isEmpty {
                    s.password = p
                } else if let file = mail.smtpPasswordFile {
                    s.password = try SMTPSettings.readPasswordFile(ws.path(file))
                } else {
                    throw StatusError(.smtpPasswordMissing)
                }
            }
            s.caFile = mail.smtpCAFile.map(ws.path)
            s.insecureSkipVerify = mail.smtpInsecureSkipVerify
            s.connectTimeout = Double(mail.connectTimeout)
            s.timeout = Double(mail.timeout)
            return try SMTPTransport(settings: s, logger: logger)
        } catch let e as SMTPSettings.Invalid {
            throw StatusError(.config, e.message)
        }
    }

    /// The flush's progress callback for `bar`: e-mails handed to the server of those due.
    package static func progress(_ bar: (any StageProgress)?) -> (@Sendable (Int, Int) -> Void)? {
        guard let bar else { return nil }
        return { handled, due in bar.update(handled, total: due, label: nil, unit: .items("e-mails")) }
    }
}

/// The Peppol transport and flush options of a workspace (`[peppol]`), for `peppol flush` and the nightly.
package enum PeppolSetup {
    /// The transport `[peppol]` selects and the flush options; a missing url or token is 78.
    package static func flusher(_ ws: Workspace, _ p: PeppolConfig) throws -> (any PeppolTransport, PeppolFlushOptions) {
        let transport: any PeppolTransport
        switch p.transport {
        case .pickup:
            transport = PeppolPickupTransport(directory: ws.path(p.pickupDir))
        case .http:
            guard let url = p.url else { throw StatusError(.peppolURLMissing) }
            let token: String
            do {
                token = try PeppolHTTPSettings.token(env: p.tokenEnv, file: p.tokenFile.map { ws.path($0) },
                                                     environment: ProcessInfo.processInfo.environment)
            } catch { throw StatusError(.config, "\(error)") }
            transport = PeppolHTTPTransport(settings: PeppolHTTPSettings(url: url, token: token, caFile: p.caFile,
                                                                         connectTimeout: p.connectTimeout, timeout: p.timeout))
        }
        var options = PeppolFlushOptions(root: ws.root)
        options.policy = RetryPolicy(backoffMin: p.backoffMinSeconds, backoffMax: p.backoffMaxSeconds, maxLifetime: p.maxLifetimeSeconds)
        return (transport, options)
    }
}

extension FlushReport {
    /// The exit status a flush's result calls for: 69 when the server was unavailable or stopped
    /// answering, else 82 when a message bounced (refused, expired or impossible to build), else 81
    /// when one was deferred or left due at the deadline, else 0. SIGTERM (143) is the caller's.
    package var exitStatus: ExitStatus {
        if unavailable != nil { return .unavailable }
        if bounced + expired + unbuildable > 0 { return .bounced }
        if deferred > 0 || deadlineReached { return .deferred }
        return .ok
    }

    /// The `outcome=` word: ok, deferred, bounced, partial (some sent, others not), failed
    /// (server unavailable) or interrupted (SIGTERM).
    package var outcomeWord: String {
        if stopped { return "interrupted" }
        if unavailable != nil { return sent > 0 ? "partial" : "failed" }
        let status = exitStatus
        if status != .ok && sent > 0 { return "partial" }
        return status.outcomeWord
    }
}
