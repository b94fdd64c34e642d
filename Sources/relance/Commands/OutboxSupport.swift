import ArgumentParser
import Dunning
import Foundation
import Ledger
import Outbox
import Store
import Workspace

/// The outbox's settings resolved from `relance.toml` and the environment: sender identity,
/// retry policy, and how to make the transport.
struct MailSetup {
    let mail: MailConfig
    let identity: SenderIdentity
    let policy: RetryPolicy

    /// Resolves `[mail]` with the environment's overrides; configuration problems exit 78.
    init(_ ws: Workspace, _ config: WorkspaceConfig, env: [String: String] = ProcessInfo.processInfo.environment) throws {
        do { mail = try config.mail.overridden(by: env) } catch let e as ConfigProblems { throw CLIError(.config, e.description) }
        let fromText = mail.from ?? config.company.email
        guard let fromText, MailConfig.isUsableAddress(fromText), let from = EmailAddress(fromText) else {
            throw CLIError(.config, "no usable sender address: set mail.from (or company.email) in \(ws.configPath), or RELANCE_MAIL_FROM")
        }
        let replyTo = (mail.replyTo ?? config.company.email).flatMap { MailConfig.isUsableAddress($0) ? EmailAddress($0) : nil }
        let name = mail.fromName ?? (config.company.name.isEmpty ? nil : config.company.name)
        identity = SenderIdentity(from: from, fromName: name, replyTo: replyTo, cc: mail.cc.compactMap { EmailAddress($0) },
                                  bcc: mail.bcc.compactMap { EmailAddress($0) })
        policy = RetryPolicy(backoffMin: Double(mail.backoffMin), backoffMax: Double(mail.backoffMax), maxLifetime: Double(mail.maxLifetime))
    }

    /// A flusher over `transport` with the workspace's identity and retry policy, and its options.
    func flusher(_ store: LedgerStore, transport: any MailTransport, logger: any OutboxLogger, limit: Int? = nil,
                 dryRun: Bool = false) -> (Flusher, FlushOptions) {
        var options = FlushOptions(limit: limit, dryRun: dryRun, ratePerMinute: mail.ratePerMinute)
        options.reminderGuard = ReminderGuard()
        options.sendBudget = Double(mail.connectTimeout + mail.timeout) + 60
        options.bodyRetentionDays = mail.bodyRetentionDays == 0 ? nil : mail.bodyRetentionDays
        return (Flusher(store: store, transport: transport, identity: identity, policy: policy, clock: SystemClock(), logger: logger),
                options)
    }
    /// The transport `[mail]` selects. The SMTP password comes from `$RELANCE_SMTP_PASSWORD`, else
    /// from the owner-only file named by `$RELANCE_SMTP_PASSWORD_FILE` or `mail.smtp_password_file`.
    func transport(_ ws: Workspace, env: [String: String] = ProcessInfo.processInfo.environment,
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
                    throw CLIError(.config, "mail.smtp_user is set but there is no password: set RELANCE_SMTP_PASSWORD or mail.smtp_password_file")
                }
            }
            s.caFile = mail.smtpCAFile.map(ws.path)
            s.insecureSkipVerify = mail.smtpInsecureSkipVerify
            s.connectTimeout = Double(mail.connectTimeout)
            s.timeout = Double(mail.timeout)
            return try SMTPTransport(settings: s, logger: logger)
        } catch let e as SMTPSettings.Invalid {
            throw CLIError(.config, e.message)
        }
    }
}

/// The system clock, at the CLI edge only.
struct SystemClock: OutboxClock {
    func now() -> Date { Date() }
    func sleep(until instant: Date) {
        let wait = instant.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
}

/// Library logs on stderr as `info: message key=value …`, from `level` up.
struct StderrLogger: OutboxLogger {
    let level: OutboxLogLevel
    func log(_ level: OutboxLogLevel, _ message: StaticString, _ metadata: [String: String]) {
        guard level >= self.level else { return }
        let fields = metadata.keys.sorted().map { "\($0)=\(metadata[$0] ?? "")" }.joined(separator: " ")
        Terminal.error("\(level): \(message)" + (fields.isEmpty ? "" : " " + fields))
    }
}

extension OutboxState: ExpressibleByArgument {}

/// The message ids the admin verbs take.
struct MessageIDs: ParsableArguments {
    @Argument(help: ArgumentHelp("Message ids (see `relance outbox list`).", valueName: "id"))
    var ids: [Int64]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one message id") }
    }
}

extension FlushReport {
    /// The exit status a flush's result calls for: 69 when the server was unavailable or stopped
    /// answering, else 82 when a message bounced (refused, expired or impossible to build), else 81
    /// when one was deferred or left due at the deadline, else 0. SIGTERM (143) is the caller's.
    var exitStatus: ExitStatus {
        if unavailable != nil { return .unavailable }
        if bounced + expired + unbuildable > 0 { return .bounced }
        if deferred > 0 || deadlineReached { return .deferred }
        return .ok
    }

    /// The `outcome=` word: ok, deferred, bounced, partial (some sent, others not), failed
    /// (server unavailable) or interrupted (SIGTERM).
    var outcomeWord: String {
        if stopped { return "interrupted" }
        if unavailable != nil { return sent > 0 ? "partial" : "failed" }
        let status = exitStatus
        if status != .ok && sent > 0 { return "partial" }
        return status.outcomeWord
    }
}

/// Parses a duration: seconds (`90`), or a number with `s`, `m` or `h` (`30m`, `2h`).
struct TimeLimit: ExpressibleByArgument {
    let seconds: TimeInterval

    /// A limit of `seconds`.
    init(seconds: TimeInterval) { self.seconds = seconds }

    init?(argument: String) {
        let t = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let unit: Double = t.hasSuffix("h") ? 3600 : t.hasSuffix("m") ? 60 : 1
        let number = t.last.map { $0.isLetter } == true ? String(t.dropLast()) : t
        guard let n = Double(number), n > 0, n.isFinite else { return nil }
        seconds = n * unit
    }
}

extension TimeLimit {
    /// `7200s` in the help text.
    var defaultValueDescription: String { "\(Int(seconds))s" }
}
