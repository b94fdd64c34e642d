import ArgumentParser

/// `relance forecast …`.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Payment-date forecasts, debtor scores and the cash forecast.",
        subcommands: [])
}
