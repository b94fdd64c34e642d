import Foundation
import Testing
import Workspace

@Suite struct MailConfigTests {
    @Test func aNewWorkspaceDeliversToThePickupFolder() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for demo in [false, true] {
            let ws = Workspace(root: dir + (demo ? "/demo" : "/plain"))
            try ws.create(demo: demo)
            let m = try ws.config().mail
            #expect(m.transport == .pickup && m.pickupDir == "out/mail" && m.smtpURL == nil)
            #expect(m.smtpTLS == .required && !m.smtpInsecureSkipVerify)
            #expect(m.backoffMin == 300 && m.backoffMax == 14_400 && m.maxLifetime == 259_200)
            #expect(m.from == nil && m.cc.isEmpty && m.bcc.isEmpty && m.ratePerMinute == 0)
            #expect(m.bodyRetentionDays == 400 && m.smtpConnections == 2)
        }
    }

    @Test func bodyRetentionIsWholeDaysAndZeroKeepsForEver() throws {
        let keep = try WorkspaceConfig.parse("config_version = 1\n[mail]\nbody_retention_days = 0\n", file: "relance.toml")
        #expect(keep.mail.bodyRetentionDays == 0)
        #expect(throws: ConfigProblems.self) {
            try WorkspaceConfig.parse("config_version = 1\n[mail]\nbody_retention_days = \"1y\"\n", file: "relance.toml")
        }
    }

    @Test func anSMTPSectionIsReadInFull() throws {
        let c = try WorkspaceConfig.parse("""
            config_version = 1
            [mail]
            transport = "smtp"
            from = "facturatie@voorbeeld.example"
            from_name = "Voorbeeld BV — Łódź"
            reply_to = "debiteuren@voorbeeld.example"
            cc = ["kopie@voorbeeld.example"]
            bcc = ["archief@voorbeeld.example", "audit@voorbeeld.example"]
            smtp_url = "smtps://mail.voorbeeld.example:465"
            smtp_user = "relance"
            smtp_password_file = "/etc/relance/smtp-password"
            smtp_ca_file = "ca.pem"
            rate_per_minute = 120
            smtp_connections = 1
            backoff_min = "1m"
            backoff_max = "2h"
            max_lifetime = "5d"
            connect_timeout = 10
            timeout = "45s"
            """, file: "relance.toml")
        let m = c.mail
        #expect(m.transport == .smtp && m.smtpURL == "smtps://mail.voorbeeld.example:465" && m.smtpTLS == .required)
        #expect(m.from == "facturatie@voorbeeld.example" && m.fromName == "Voorbeeld BV — Łódź")
        #expect(m.cc == ["kopie@voorbeeld.example"] && m.bcc.count == 2)
        #expect(m.smtpUser == "relance" && m.smtpPasswordFile == "/etc/relance/smtp-password" && m.smtpCAFile == "ca.pem")
        #expect(m.ratePerMinute == 120 && m.backoffMin == 60 && m.backoffMax == 7200 && m.maxLifetime == 432_000)
        #expect(m.connectTimeout == 10 && m.timeout == 45 && m.smtpConnections == 1)
    }

    @Test func everyMailProblemIsReportedWithKeyAndLine() throws {
        let text = """
            config_version = 1
            [mail]
            transport = "carrier-pigeon"
            smtp_url = "http://mail.voorbeeld.example"
            smtp_tls = "sometimes"
            smtp_password = "hunter2"
            cc = ["not an address", "kopie@voorbeeld.example"]
            backoff_min = "5 minutes"
            rate_per_minute = -1
            from = "facturatie@voorbeeld.example\\nBcc: x@y.example"
            """
        #expect {
            try WorkspaceConfig.parse(text, file: "relance.toml")
        } throws: { error in
            let problems = (error as? ConfigProblems)?.problems ?? []
            let found = problems.map { "\($0.line) \($0.key)" }.sorted()
            return found == ["10 mail.from", "3 mail.transport", "4 mail.smtp_url", "5 mail.smtp_tls", "6 mail.smtp_password",
                             "7 mail.cc", "8 mail.backoff_min", "9 mail.rate_per_minute"]
                && problems.contains { $0.key == "mail.smtp_password" && $0.message.contains("never put a password") }
        }
    }

    @Test func plainTextSMTPIsOnlyAcceptedForALoopbackHost() throws {
        func problems(_ body: String) -> [String] {
            do {
                _ = try WorkspaceConfig.parse("[mail]\n" + body, file: "relance.toml")
                return []
            } catch let e as ConfigProblems {
                return e.problems.map(\.key)
            } catch {
                return ["unexpected \(error)"]
            }
        }
        #expect(problems("smtp_url = \"smtp://127.0.0.1:2525\"\nsmtp_tls = \"none\"").isEmpty)
        #expect(problems("smtp_url = \"smtp://localhost:25\"\nsmtp_tls = \"none\"").isEmpty)
        #expect(problems("smtp_url = \"smtp://mail.voorbeeld.example:25\"\nsmtp_tls = \"none\"") == ["mail.smtp_tls"])
        #expect(problems("smtp_url = \"smtps://127.0.0.1:465\"\nsmtp_tls = \"none\"") == ["mail.smtp_tls"])
        #expect(problems("transport = \"smtp\"") == ["mail.transport"])
        #expect(problems("smtp_connections = 3") == ["mail.smtp_connections"] && problems("smtp_connections = 0") == ["mail.smtp_connections"])
        #expect(problems("backoff_min = \"4h\"\nbackoff_max = \"5m\"") == ["mail.backoff_min"])
    }

    @Test func theEnvironmentOverridesTheFile() throws {
        let file = try WorkspaceConfig.parse("[mail]\nfrom = \"a@voorbeeld.example\"", file: "relance.toml").mail
        let m = try file.overridden(by: [
            "RELANCE_SMTP_URL": "smtp://127.0.0.1:2525", "RELANCE_SMTP_TLS": "none", "RELANCE_SMTP_USER": "cron",
            "RELANCE_SMTP_PASSWORD_FILE": "/run/secrets/smtp", "RELANCE_MAIL_FROM": "b@voorbeeld.example",
        ])
        #expect(m.transport == .smtp && m.smtpURL == "smtp://127.0.0.1:2525" && m.smtpTLS == .none)
        #expect(m.smtpUser == "cron" && m.smtpPasswordFile == "/run/secrets/smtp" && m.from == "b@voorbeeld.example")
        #expect(try file.overridden(by: [:]) == file)
        #expect {
            try file.overridden(by: ["RELANCE_SMTP_URL": "smtp://mail.voorbeeld.example", "RELANCE_SMTP_TLS": "none",
                                     "RELANCE_MAIL_FROM": "not-an-address"])
        } throws: { error in
            (error as? ConfigProblems)?.problems.map(\.key).sorted() == ["RELANCE_MAIL_FROM", "RELANCE_SMTP_TLS / mail.smtp_tls"]
        }
    }

    @Test func durationsReadSecondsMinutesHoursAndDays() {
        #expect(MailConfig.duration("30s") == 30 && MailConfig.duration("5m") == 300 && MailConfig.duration("4h") == 14_400)
        #expect(MailConfig.duration("3d") == 259_200 && MailConfig.duration("90") == 90)
        #expect(MailConfig.duration("0s") == nil && MailConfig.duration("-5m") == nil && MailConfig.duration("5 m") == nil)
        #expect(MailConfig.duration("") == nil && MailConfig.duration("1w") == nil)
    }
}
