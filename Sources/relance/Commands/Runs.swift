import ArgumentParser
import Store

/// `relance runs list`.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The run ledger.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List recent runs with their outcome.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many runs.") var limit = 20

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                for r in try RunLedger(store: store).recent(limit: limit) {
                    Terminal.out("\(r.id ?? 0)\t\(r.startedAt)\t\(r.outcome)\t\(r.exitCode.map(String.init) ?? "-")\t\(r.command)")
                }
                return .ok
            }
        }
    }
}
