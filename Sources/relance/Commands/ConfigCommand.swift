import ArgumentParser
import Workspace

/// `relance config check`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Validate the workspace configuration.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate relance.toml; print every problem with its key and line.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                do { _ = try ws.config() } catch let e as ConfigProblems { throw CLIError(.config, e.description) }
                Terminal.out("\(ws.configPath): ok")
                return .ok
            }
        }
    }
}
