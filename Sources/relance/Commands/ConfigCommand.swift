import ArgumentParser
import Dunning
import Foundation
import Outbox
import Workspace

/// `relance config check`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Validate the workspace configuration.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate relance.toml, the ladders and the rate table; print every problem with its key and line.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                var problems: [String] = []
                do {
                    let config = try ws.config()
                    // The flush's own rules for [mail]: a TLS mode the flush would refuse fails here too.
                    var mail = config.mail
                    do { mail = try config.mail.overridden(by: ProcessInfo.processInfo.environment) } catch let e as ConfigProblems {
                        problems.append(e.description)
                    }
                    if mail.transport == .smtp, let url = mail.smtpURL {
                        do {
                            _ = try SMTPSettings(url: url, tls: SMTPSettings.TLS(rawValue: mail.smtpTLS.rawValue) ?? .required)
                        } catch {
                            problems.append("\(ws.configPath): [mail] smtp_url / smtp_tls: \(error)")
                        }
                    }
                } catch let e as ConfigProblems { problems.append(e.description) }
                for name in ["ladder-b2b.toml", "ladder-b2c.toml"] {
                    guard let text = try? String(contentsOfFile: ws.path(name), encoding: .utf8) else { continue }
                    do { _ = try Ladder.parse(text, file: name) } catch { problems.append("\(error)") }
                }
                if let text = try? String(contentsOfFile: ws.path("rates.toml"), encoding: .utf8) {
                    do { _ = try RateTable.parse(text, file: "rates.toml") } catch { problems.append("\(error)") }
                }
                if !problems.isEmpty { throw CLIError(.config, problems.joined(separator: "\n")) }
                Terminal.out("\(ws.root): configuration, ladders and rate table ok")
                return .ok
            }
        }
    }
}
