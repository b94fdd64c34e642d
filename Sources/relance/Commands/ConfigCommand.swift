import ArgumentParser
import Dunning
import Foundation
import Ledger
import Outbox
import Pipeline
import Workspace

/// `relance config check`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Validate the workspace configuration.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate relance.toml, the company identity, the ladders and the rate table; print every problem with its key and line.",
            discussion: """
                Exit 78 when relance.toml, a ladder or rates.toml is invalid, when [company] lacks a key a letter needs (name, \
                street, postal code, city, enterprise number, IBAN), or when a half-year up to today's has no interest rate. \
                From 15 days before a half-year starts, a missing rate for it is a warning.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day that decides the current half-year (YYYY-MM-DD; default today).") var asOf: Day?

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                var problems: [String] = []
                var warnings: [String] = []
                var config: WorkspaceConfig? = nil
                do { config = try ws.config() } catch let e as ConfigProblems { problems.append(e.description) }
                if let c = config {
                    let text = (try? String(contentsOfFile: ws.configPath, encoding: .utf8)) ?? ""
                    problems += c.company.identityProblems(text: text, file: "relance.toml").map(\.description)
                    // The flush's own rules for [mail]: a TLS mode the flush would refuse fails here too.
                    var mail = c.mail
                    do { mail = try c.mail.overridden(by: ProcessInfo.processInfo.environment) } catch let e as ConfigProblems {
                        problems.append(e.description)
                    }
                    if mail.transport == .smtp, let url = mail.smtpURL {
                        do {
                            _ = try SMTPSettings(url: url, tls: SMTPSettings.TLS(rawValue: mail.smtpTLS.rawValue) ?? .required)
                        } catch {
                            problems.append("\(ws.configPath): [mail] smtp_url / smtp_tls: \(error)")
                        }
                    }
                }
                // The ladders and templates through the loader the runs use: an unreadable or broken file is a problem here too.
                problems += DunningSetup.problems(ws)
                do {
                    let table = try RateFile.load(path: ws.path(RateFile.name))
                    let coverage = table.coverage(on: asOf ?? (config ?? WorkspaceConfig()).today(now: Date()))
                    problems += LegalSetup.rateErrors(coverage)
                    warnings += LegalSetup.rateWarnings(coverage)
                } catch { problems.append("\(error)") }
                for w in warnings { Terminal.error(w) }
                if !problems.isEmpty { throw CLIError(.config, problems.joined(separator: "\n")) }
                Terminal.out("\(ws.root): configuration, company identity, ladders and rate table ok"
                    + (warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))"))
                return .ok
            }
        }
    }
}
