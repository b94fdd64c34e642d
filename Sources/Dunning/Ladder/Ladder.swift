import Foundation
import Ledger
import Store
import TOMLKit

/// A dunning schedule: the ordered steps a debtor's late invoices walk through.
///
/// Declarative, commented, versioned TOML (`schedules/ladder-b2b.toml`, `ladder-b2c.toml`), copied
/// into a workspace and validated as a whole before anything runs: every problem is reported with
/// its key path and line (`Ladder.Problems`).
package struct Ladder: Sendable, Equatable {
    /// When a step becomes due.
    package enum Trigger: Sendable, Equatable {
        /// This many days before the due date (a courtesy notice); never once the invoice is late.
        case beforeDue(Int)
        /// This many days after the due date.
        case afterDue(Int)
        /// This many days after the previous reminder of the same invoice.
        case afterPrevious(Int)
    }

    /// How a step reaches the debtor (Store's `DunningChannel`, the words an event stores).
    package typealias Channel = DunningChannel

    /// One step of the ladder.
    package struct Step: Sendable, Equatable {
        package var name: String
        package var trigger: Trigger
        package var channels: [Channel]
        /// Template base name (per language), for e-mail and letter steps.
        package var template: String?
        /// For manual steps: what a person does (`call`, `hand-over`…); becomes a worklist item.
        package var action: String?
        package var claimInterest: Bool
        package var claimFees: Bool
        /// B2C only: a reminder fee (at most €7.50 plus postage), only where the contract allows it.
        package var reminderFee: Money?

        package var isManual: Bool { channels == [.manual] }
    }

    package var kind: DebtorKind
    package var version: Int
    /// Debtors whose open balance is below this are not reminded.
    package var minimumBalance: Money
    /// At most one message to a debtor per this many days (`min_days_between_messages`, default 7).
    package var minDaysBetweenMessages = 7
    package var steps: [Step]

    /// One problem in a ladder file.
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        package var file: String
        package var line: Int
        package var key: String
        package var message: String
        package var description: String { "\(file):\(line):0: error: [ladder] \(key): \(message)" }
    }

    /// Every problem found in a ladder file.
    package struct Problems: Error, CustomStringConvertible {
        package var problems: [Problem]
        package var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// The largest reminder fee Book XIX allows on a later consumer reminder (postage comes on top).
    package static let maximumConsumerReminderFee = Money.eur(cents: 750)
}

extension Ladder {
    /// Parses and validates a ladder file's text.
    package static func parse(_ text: String, file: String) throws(Problems) -> Ladder {
        var problems: [Problem] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line of the n-th `[[step]]` header and of a key within it.
        // Line of a key within the n-th `[[step]]` (or at the top), else of that step's header.
        func line(step: Int?, key: String?) -> Int {
            var seen = -1
            var inStep = step == nil
            var header = 0
            for (i, l) in lines.enumerated() {
                let t = l.trimmingCharacters(in: .whitespaces)
                if t == "[[step]]" {
                    seen += 1
                    inStep = step == seen
                    if inStep { header = i + 1 }
                    continue
                }
                if let key, inStep, t.hasPrefix(key), t.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") { return i + 1 }
            }
            return header
        }
        func fail(_ key: String, step: Int? = nil, field: String? = nil, _ message: String) {
            problems.append(Problem(file: file, line: line(step: step, key: field), key: key, message: message))
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Problems(problems: [Problem(file: file, line: e.source.begin.line, key: "", message: e.description)])
        } catch {
            throw Problems(problems: [Problem(file: file, line: 0, key: "", message: "\(error)")])
        }
        var ladder = Ladder(kind: .b2b, version: 1, minimumBalance: .eur(cents: 0), steps: [])
        for (k, _) in table where !["ladder", "version", "minimum_balance", "min_days_between_messages", "step"].contains(k) {
            fail(k, field: k, "unknown key (expected ladder, version, minimum_balance, min_days_between_messages, [[step]])")
        }
        if let k = table["ladder"]?.string, let kind = DebtorKind(rawValue: k) { ladder.kind = kind } else {
            fail("ladder", field: "ladder", "must be \"b2b\" or \"b2c\"")
        }
        if let v = table["version"]?.int, v == 1 { ladder.version = v } else { fail("version", field: "version", "this version of relance reads version = 1") }
        if let m = table["minimum_balance"] {
            if let s = m.string, case .success(let money) = AmountParser.parse(s, currency: .eur, decimal: .point), !money.isNegative {
                ladder.minimumBalance = money
            } else { fail("minimum_balance", field: "minimum_balance", "expected an amount in euro as a string, e.g. \"10.00\"") }
        }
        if let m = table["min_days_between_messages"] {
            if let n = m.int, (1...90).contains(n) { ladder.minDaysBetweenMessages = n } else {
                fail("min_days_between_messages", field: "min_days_between_messages", "expected a whole number of days from 1 to 90")
            }
        }
        guard let steps = table["step"]?.array, !steps.isEmpty else {
            fail("step", "a ladder needs at least one [[step]]")
            throw Problems(problems: problems)
        }
        var names = Set<String>()
        for (i, value) in steps.enumerated() {
            let path = "step[\(i + 1)]"
            guard let s = value.table else { fail(path, step: i, "expected a table"); continue }
            let known: Set<String> = ["name", "trigger", "channels", "template", "action", "claim_interest", "claim_fees", "reminder_fee"]
            for (k, _) in s where !known.contains(k) { fail("\(path).\(k)", step: i, field: k, "unknown key") }
            let name = s["name"]?.string ?? ""
            if name.isEmpty { fail("\(path).name", step: i, field: "name", "missing") }
            else if !names.insert(name).inserted { fail("\(path).name", step: i, field: "name", "\"\(name)\" names two steps") }
            var trigger = Trigger.afterPrevious(0)
            if let t = s["trigger"]?.table, t.count == 1, let (k, v) = t.first(where: { _ in true }), let days = v.int, (0...365).contains(days) {
                switch k {
                case "before_due_days": trigger = .beforeDue(days)
                case "after_due_days": trigger = .afterDue(days)
                case "after_previous_days": trigger = .afterPrevious(days)
                default: fail("\(path).trigger", step: i, field: "trigger", "expected before_due_days, after_due_days or after_previous_days")
                }
            } else {
                fail("\(path).trigger", step: i, field: "trigger", "expected one of { before_due_days = N }, { after_due_days = N }, { after_previous_days = N } with N from 0 to 365")
            }
            var channels: [Channel] = []
            if let arr = s["channels"]?.array {
                for c in arr {
                    if let text = c.string, let ch = Channel(rawValue: text) { channels.append(ch) } else {
                        fail("\(path).channels", step: i, field: "channels", "channels are \"email\", \"letter\" or \"manual\"")
                    }
                }
            }
            if channels.isEmpty { fail("\(path).channels", step: i, field: "channels", "at least one channel") }
            if channels.contains(.manual) && channels.count > 1 { fail("\(path).channels", step: i, field: "channels", "\"manual\" stands alone") }
            let template = s["template"]?.string
            let action = s["action"]?.string
            if channels == [.manual] {
                if action == nil { fail("\(path).action", step: i, field: "action", "a manual step says what a person does, e.g. \"call\"") }
            } else if template == nil, !channels.isEmpty {
                fail("\(path).template", step: i, field: "template", "an e-mail or letter step names its template")
            }
            var fee: Money? = nil
            if let f = s["reminder_fee"] {
                if let t = f.string, case .success(let m) = AmountParser.parse(t, currency: .eur, decimal: .point), !m.isNegative { fee = m } else {
                    fail("\(path).reminder_fee", step: i, field: "reminder_fee", "expected an amount in euro as a string")
                }
            }
            let step = Step(name: name, trigger: trigger, channels: channels, template: template, action: action,
                            claimInterest: s["claim_interest"]?.bool ?? false, claimFees: s["claim_fees"]?.bool ?? false, reminderFee: fee)
            if case .beforeDue = trigger, i != 0 { fail("\(path).trigger", step: i, field: "trigger", "only the first step can come before the due date") }
            if case .beforeDue = trigger, step.claimInterest || step.claimFees {
                fail("\(path).claim_interest", step: i, field: "claim_interest", "nothing can be claimed before the due date")
            }
            ladder.steps.append(step)
        }
        // Book XIX: the first reminder of a consumer is free; fees only on later reminders, at most €7.50.
        if ladder.kind == .b2c {
            if let first = ladder.steps.firstIndex(where: { if case .beforeDue = $0.trigger { return false }; return !$0.isManual }) {
                let s = ladder.steps[first]
                if s.claimInterest || s.claimFees || s.reminderFee != nil {
                    let field = s.claimInterest ? "claim_interest" : (s.claimFees ? "claim_fees" : "reminder_fee")
                    fail("step[\(first + 1)].\(field)", step: first, field: field,
                         "a consumer's first reminder is free (Book XIX, art. XIX.2): no interest, damages or fee")
                }
            }
            for (i, s) in ladder.steps.enumerated() {
                if let fee = s.reminderFee, fee.minorUnits > Ladder.maximumConsumerReminderFee.minorUnits {
                    fail("step[\(i + 1)].reminder_fee", step: i, field: "reminder_fee", "at most 7.50 plus postage on a consumer's later reminder")
                }
            }
        } else {
            for (i, s) in ladder.steps.enumerated() where s.reminderFee != nil {
                fail("step[\(i + 1)].reminder_fee", step: i, field: "reminder_fee", "reminder fees are a consumer-ladder setting; B2B has the flat €40")
            }
        }
        if !problems.isEmpty { throw Problems(problems: problems) }
        return ladder
    }
}
