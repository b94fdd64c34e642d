import ArgumentParser
import Dunning
import Foundation
import Ledger
import Store
import Workspace

/// `relance claim`: the legal calculator, with the same code as the letters.
struct Claim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "What may legally be claimed on a late debt: interest per rate period, flat compensation or capped damages.",
        discussion: """
            B2B (Law of 2 August 2002): interest from the day after the due date at the half-year rates, plus the flat €40.
            B2C (Book XIX): nothing before the 14-day period after the first reminder has run; then the capped flat damages and
            interest at most at the B2B rate: the maximum the law allows (a workspace's [legal] settings are not applied).
            Works without a workspace with the shipped rate table; in a workspace its rates.toml is used. Exit 78 when a half-year
            has no rate.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "b2b or b2c.") var kind: DebtorKind
    @Option(help: "The unpaid amount incl. VAT (decimal point), e.g. 1234.56.") var amount: String
    @Option(help: "Currency of the amount.") var currency = "EUR"
    @Option(help: "The due date (YYYY-MM-DD).") var due: Day
    @Option(help: "The day of the claim (YYYY-MM-DD).") var asOf: Day
    @Option(help: "B2C: the day the first (free) reminder was sent.") var firstReminder: Day?
    @Option(help: "B2C: how the first reminder was sent: email or post.") var channel: ReminderChannel?
    @Option(help: "Output: text or json.") var format: SummaryFormat = .text

    func run() throws {
        try withExitStatus {
            guard let cur = Currency(code: currency) else { throw CLIError(.usage, "\"\(currency)\" is not a currency code") }
            guard case .success(let principal) = AmountParser.parse(amount, currency: cur, decimal: .point) else {
                throw CLIError(.usage, "\"\(amount)\" is not an amount (write it with a decimal point, e.g. 1234.56)")
            }
            var rules = ClaimRules()
            let ws = global.resolve()
            if ws.exists { rules.rates = try LegalSetup.rates(ws) }
            let result: ClaimResult
            do {
                result = try ClaimCalculator.compute(kind: kind, principal: principal, due: due, asOf: asOf, firstReminder: firstReminder,
                                                     channel: channel, rules: rules)
            } catch let e as ClaimError {
                throw CLIError(kind == .b2c && firstReminder == nil ? .usage : .dataError, e.description)
            } catch let e as RateTable.MissingRate {
                throw CLIError(.config, e.description)
            }
            Terminal.out(format == .json ? result.json : result.text)
            return .ok
        }
    }
}

extension DebtorKind: ExpressibleByArgument {}
extension ReminderChannel: ExpressibleByArgument {}

extension ClaimResult {
    /// The JSON contract of `relance claim --format json`.
    var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("principal", principal.decimalString)
        w.field("currency", principal.currency.code)
        w.field("interest", interest.decimalString)
        w.field("flat_compensation", flatCompensation.decimalString)
        w.field("total", total.decimalString)
        w.field("claimable_from", claimableFrom?.description)
        w.key("periods")
        w.beginArray()
        for p in periods {
            w.beginObject()
            w.field("from", p.from.description)
            w.field("to", p.to.description)
            w.field("days", p.days)
            w.field("rate", MoneyRounding.plain(p.rate))
            w.field("amount", p.amount.decimalString)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.take()
    }

    /// A table for people.
    var text: String {
        let c = principal.currency.code
        var lines = ["\(kind == .b2b ? "B2B (law of 2 August 2002)" : "B2C (Book XIX)"), due \(due), as of \(asOf)"]
        func row(_ label: String, _ m: Money) { lines.append(label.padding(toLength: 52, withPad: " ", startingAt: 0) + c + " " + m.decimalString.leftPadded(12)) }
        row("Principal", principal)
        for p in periods {
            row("  \(p.from) to \(p.to)  \(p.days) days  \(MoneyRounding.plain(p.rate)) %", p.amount)
        }
        row("Interest", interest)
        row(kind == .b2b ? "Flat recovery compensation" : "Flat damages (capped)", flatCompensation)
        row("Total", total)
        if let from = claimableFrom {
            lines.append("Costs may be claimed from \(from)" + (announcedDamages.map { "; flat damages announced: \(c) \($0.decimalString)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
