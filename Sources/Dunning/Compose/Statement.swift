import Foundation
import Ledger
import Letters

/// One column of the statement of account, named by what it shows. The order of `allCases` is the
/// order of the columns in the text table, the HTML e-mail and the letter.
enum StatementColumn: CaseIterable, Sendable {
    case invoiceNumber, issued, due, amount, open, daysLate

    /// Amounts and the count of days are right-aligned; number and dates left-aligned.
    var alignment: LetterDocument.Alignment {
        switch self {
        case .invoiceNumber, .issued, .due: .left
        case .amount, .open, .daysLate: .right
        }
    }

    /// The column the totals' amounts stand under: the open amount.
    static let totals = StatementColumn.open
}

/// Where an item is listed on the statement.
enum StatementSection: CaseIterable, Sendable {
    /// What the reminder demands: the items it advances, and the credit notes that reduce them.
    /// Listed in the table with the totals.
    case demanded
    /// Not yet due: listed under the totals, for information.
    case notYetDue
    /// Disputed or on hold (left out by the plan): listed under the totals, not claimed.
    case leftOut

    /// The section of a planned item.
    init(_ p: PlannedItem) {
        if p.advances || (p.item.isCreditNote && p.excluded == nil) {
            self = .demanded
        } else if p.excluded != nil {
            self = .leftOut
        } else {
            self = .notYetDue
        }
    }
}

/// One line of the statement: an invoice or a credit note, with what each column shows.
struct StatementLine: Sendable {
    var invoiceNumber: String
    var issued: Day
    var due: Day
    var amount: Money
    var open: Money
    /// Days past due; nil for a credit note, and for an item that is not late (the cell stays empty).
    var daysLate: Int?
    var section: StatementSection

    /// The line of a planned item.
    init(_ p: PlannedItem) {
        invoiceNumber = p.item.number
        issued = p.item.issue
        due = p.item.due
        amount = p.item.amount
        open = p.item.open
        daysLate = p.item.isCreditNote || p.daysLate == 0 ? nil : p.daysLate
        section = StatementSection(p)
    }

    /// The text of this line's cell in `column`, in the words and formats of `w`.
    func cell(_ column: StatementColumn, _ w: Wording) -> String {
        switch column {
        case .invoiceNumber: invoiceNumber
        case .issued: w.short(issued)
        case .due: w.short(due)
        case .amount: w.money(amount)
        case .open: w.money(open)
        case .daysLate: daysLate.map(String.init) ?? ""
        }
    }
}

/// One line under the demanded items: what the amount is, the amount, and whether it is the sum due.
struct StatementTotal: Sendable {
    /// What a totals line adds up.
    enum Role: Sendable {
        /// Payments received but not yet applied to an invoice (a negative amount).
        case unapplied
        /// The demanded principal: overdue, less credit notes and unapplied payments.
        case overdue
        /// Late-payment interest at the rate in words, or else at `rates` (each in percent).
        case interest(rateInWords: String?, rates: [Decimal])
        /// The 2002 law's flat recovery compensation, `count` times `each` (B2B).
        case flatCompensation(count: Int, each: Money)
        /// A consumer's flat damages (Book XIX).
        case damages
        /// The cost of this reminder (a consumer's reminder fee).
        case reminderFee
        /// Principal, interest and fees together.
        case totalDue
    }

    var role: Role
    var amount: Money
    /// Bold with a rule above: the sum the debtor pays.
    var emphasised: Bool

    /// The label in the words of `w`.
    func label(_ w: Wording) -> String {
        switch role {
        case .unapplied: w.unapplied
        case .overdue: w.overdue
        case .interest(let words, let rates):
            "\(w.interest): \(words ?? rates.map { w.percent($0) }.joined(separator: " / ")) \(w.perYear)"
        case .flatCompensation(let count, let each): "\(w.flat) (\(count) × \(w.money(each)))"
        case .damages: w.damages
        case .reminderFee: w.reminderFee
        case .totalDue: w.totalDue
        }
    }
}

/// The statement of account a reminder carries: its lines by section, and the totals under the
/// demanded ones. Language-free; ``Wording`` words it for the text table, the HTML e-mail and the letter.
struct Statement: Sendable {
    /// The columns, in order.
    var columns = StatementColumn.allCases
    /// Every item of the plan, in the plan's order.
    var lines: [StatementLine]
    var totals: [StatementTotal]

    /// The lines of `section`, in order.
    func lines(in section: StatementSection) -> [StatementLine] {
        lines.filter { $0.section == section }
    }

    /// The sections listed for information under the totals (not yet due, then left out), the empty ones skipped.
    var informationSections: [(section: StatementSection, lines: [StatementLine])] {
        [StatementSection.notYetDue, .leftOut].map { ($0, lines(in: $0)) }.filter { !$0.1.isEmpty }
    }

    /// The position of the column the totals' amounts stand under.
    var totalsColumnIndex: Int { columns.firstIndex(of: StatementColumn.totals) ?? columns.count - 1 }

    /// The heading of an information section in the words of `w`; nil for the demanded items (no heading).
    static func heading(_ section: StatementSection, _ w: Wording) -> String? {
        switch section {
        case .demanded: nil
        case .notYetDue: w.notYetDue
        case .leftOut: w.leftOut
        }
    }

    /// The cells of `lines`, a row each, in the words of `w`.
    func rows(_ lines: [StatementLine], _ w: Wording) -> [[String]] {
        lines.map { line in columns.map { line.cell($0, w) } }
    }
}
