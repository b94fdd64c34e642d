import ArgumentParser
import Dunning
import Foundation
import Ledger
import Workspace

/// `relance rates list|set`: the late-payment interest rates of the workspace (`rates.toml`).
struct Rates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rates",
        abstract: "Show or add the late-payment interest rates (Law of 2 August 2002) in the workspace's rates.toml.",
        discussion: """
            The rate of each half-year is announced in the Belgisch Staatsblad / Moniteur belge. Until a half-year has a rate, \
            the reminders that claim interest for it wait (the nightly run exits 79) and everything else goes out.
            """,
        subcommands: [List.self, Set.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the rates with their source and the day they were set.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output: table, csv or json.") var format: ListFormat = .table
        @Option(help: "The day that decides the current half-year (YYYY-MM-DD).") var asOf: Day?

        func run() throws {
            try withExitStatus {
                let ws = try LegalSetup.workspace(global)
                let table = try LegalSetup.rates(ws)
                let rows = table.entries.sorted { $0.key < $1.key }.map { h, e in
                    [h.description, RateTable.format(e.percent), e.source ?? "", e.setOn?.description ?? "shipped"]
                }
                Terminal.out(ListFormat.render(rows, columns: ["half_year", "percent", "source", "set_on"], as: format))
                for line in LegalSetup.rateNotes(table.coverage(on: asOf ?? LegalSetup.today(ws))) { Terminal.error(line) }
                return .ok
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Add the published rate of a half-year, with its source.",
            discussion: """
                PERCENT as published, e.g. 10.50 (above 0, under 100, at most two decimals). Setting the same rate again changes \
                nothing; a different rate for a half-year that has one needs --replace. The half-year may be at most the next one.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The half-year: 2026-H2 (H1: January–June, H2: July–December).") var halfYear: String
        @Argument(help: "The rate in percent per year, e.g. 10.50.") var percent: String
        @Option(help: "Where it was published, e.g. \"BS 2026-07-15, Mededeling FOD Financien\".") var source: String?
        @Flag(help: "Replace a different rate already in the table.") var replace = false
        @Option(help: "The day to record as the day it was set (YYYY-MM-DD; default today).") var asOf: Day?

        func run() throws {
            try withExitStatus {
                let ws = try LegalSetup.workspace(global)
                let today = asOf ?? LegalSetup.today(ws)
                let path = ws.path(RateFile.name)
                let outcome: RateFile.Outcome
                do {
                    outcome = try RateFile.set(path: path, halfYear: halfYear, percent: percent, source: source, today: today, replace: replace)
                } catch let e as RateFile.Refusal {
                    throw CLIError(.usage, e.message)
                } catch let e as RateTable.Problem {
                    throw CLIError(.config, e.message)
                } catch let e as RateFile.WriteError {
                    throw CLIError(.cannotWrite, e.message)
                }
                let h = HalfYear(halfYear).map(\.description) ?? halfYear
                let shown = (try? RateTable.percent(percent).get()).map(RateTable.format) ?? percent
                switch outcome {
                case .added:
                    Terminal.out("\(h): \(shown) % set in \(path)" + (source.map { " (source: \($0))" } ?? ""))
                case .unchanged(let old):
                    Terminal.out("\(h): already \(RateTable.format(old.percent)) %"
                        + (old.setOn.map { " (set on \($0))" } ?? " (shipped)") + "; nothing changed")
                case .replaced(let old):
                    Terminal.out("\(h): \(RateTable.format(old.percent)) % -> \(shown) % in \(path)" + (source.map { " (source: \($0))" } ?? ""))
                }
                if source == nil {
                    if case .unchanged = outcome {} else {
                        Terminal.error("note: no --source: the entry does not say where the rate was published (add source = \"…\" in \(path))")
                    }
                }
                return .ok
            }
        }
    }
}

/// The legal settings of a workspace: its rate table and `[legal]`, mapped to the calculator's rules.
enum LegalSetup {
    /// The workspace named by the options; it must exist.
    static func workspace(_ global: GlobalOptions) throws -> Workspace {
        let ws = global.resolve()
        guard ws.exists else {
            throw CLIError(.usage, "\(ws.root) is not a Relance workspace (no relance.toml); create one with `relance init DIR`")
        }
        return ws
    }

    /// Today in the workspace's time zone (UTC's day when relance.toml cannot be read).
    static func today(_ ws: Workspace) -> Day {
        ((try? ws.config()) ?? WorkspaceConfig()).today(now: Date())
    }

    /// The workspace's rate table: its rates.toml, the one source every command reads.
    static func rates(_ ws: Workspace) throws -> RateTable {
        do { return try RateFile.load(path: ws.path(RateFile.name)) } catch { throw CLIError(.config, "\(error)") }
    }

    /// Errors for half-years already running without a rate (today's named as such).
    static func rateErrors(_ c: RateCoverage) -> [String] {
        c.missing.map { h in
            let m = RateTable.MissingRate(halfYear: h)
            return "\(RateFile.name):0:0: error: [rates] no late-payment interest rate for \(h)"
                + (h == c.current ? " (today's half-year)" : "") + "; once it is published: \(m.fixCommand)"
        }
    }

    /// The warning for the next half-year when it starts soon without a rate.
    static func rateWarnings(_ c: RateCoverage) -> [String] {
        guard let h = c.upcoming else { return [] }
        return ["\(RateFile.name):0:0: warning: [rates] no rate yet for \(h), which starts on \(h.first); once it is published: "
                + RateTable.MissingRate(halfYear: h).fixCommand]
    }

    /// Both, for listings.
    static func rateNotes(_ c: RateCoverage) -> [String] { rateErrors(c) + rateWarnings(c) }
}
