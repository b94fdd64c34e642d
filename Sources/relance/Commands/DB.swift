import ArgumentParser
import Store

/// `relance db migrate`.
struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database maintenance.", subcommands: [Migrate.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations and list them.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                let store = try LedgerStore(path: ws.databasePath, migrate: false)
                let applied = try store.migrate()
                Terminal.out(applied.isEmpty ? "schema up to date" : "applied: " + applied.joined(separator: ", "))
                return .ok
            }
        }
    }
}
