import Foundation

/// What is known about one debtor on the as-of day, gathered while its open invoices are forecast.
struct DebtorSnapshot {
    var paid: Int
    var open = 0
    var overdue30 = 0
    var oldestOverdue = 0
    var disputed = 0
    var partlyPaid = 0
    /// Sum over the open invoices of their points (see `DebtorScoring.points`).
    var sumPoints = 0.0

    init(paid: Int) { self.paid = paid }

    mutating func add(overdue: Int, points: Double, disputed: Bool, partlyPaid: Bool) {
        open += 1
        if overdue > 30 { overdue30 += 1 }
        oldestOverdue = max(oldestOverdue, overdue)
        if disputed { self.disputed += 1 }
        if partlyPaid { self.partlyPaid += 1 }
        sumPoints += points
    }
}

/// Debtor scores, grades and their reasons in words.
enum DebtorScoring {
    /// Late-regime share from which it is named as a reason.
    static let lateShareWorthSaying = 0.15
    /// Paid invoices below which a debtor is said to be judged mostly like similar debtors.
    static let littleHistory = 5
    /// Reasons kept per debtor.
    static let maximumReasons = 3

    /// Score, grade and reasons of one debtor. `typical` is the delay distribution of its next
    /// invoice (typical amount, no dispute); `segment` describes its similar debtors in words.
    /// `next` holds the P10, P50 and P90 delays of that invoice through its settlement `habit`,
    /// which is named among the reasons ("pays on Tuesdays (…)").
    static func score(debtorID: Int64, key: String, snapshot s: DebtorSnapshot, typical: DelayMixture,
                      next: (p10: Int, p50: Int, p90: Int), habit payDays: SettlementHabit, segment: String) -> DebtorScore {
        let value = (s.sumPoints + points(next)) / Double(s.open + 1)
        let score = min(100, max(0, Int(value.rounded(.toNearestOrAwayFromZero))))
        let grade = Grade(score: score)
        let delay = next.p50
        let late = typical.lateWeight

        var habit = usually(delay)
        switch s.paid {
        case 0: habit = "no payment history yet: judged like similar debtors (\(segment)), who " + habit.replacingOccurrences(of: "usually pays", with: "usually pay")
        case 1..<littleHistory: habit += " (only \(invoices(s.paid, "paid invoice")): judged mostly like similar debtors, \(segment))"
        default: habit += " (learnt from \(invoices(s.paid, "paid invoice")))"
        }
        var trouble: [String] = []
        if s.overdue30 > 0 {
            trouble.append("\(invoices(s.overdue30, "open invoice")) more than 30 days overdue, the oldest \(s.oldestOverdue) days")
        }
        if s.disputed > 0 { trouble.append("\(invoices(s.disputed, "open invoice")) disputed") }
        if late >= lateShareWorthSaying && typical.lateMean - typical.regularMean >= 3 {
            let tenths = min(9, max(1, Int((10 * late).rounded())))
            let extra = Int((typical.lateMean - typical.regularMean).rounded())
            trouble.append("about \(tenths) in 10 invoices go badly: paid some \(extra) days later than the others")
        }
        if s.partlyPaid > 0 { trouble.append("\(invoices(s.partlyPaid, "open invoice")) partly paid") }
        // A good grade is explained by the habit first; a poor one by what is wrong first.
        let habits = [habit] + (payDays.words.map { [$0] } ?? [])
        let reasons = grade == .a || grade == .b ? habits + trouble : trouble + habits
        return DebtorScore(
            debtorID: debtorID, debtorKey: key, score: score, grade: grade, reasons: Array(reasons.prefix(maximumReasons)),
            paidInvoices: s.paid, openInvoices: s.open, overdue30Invoices: s.overdue30, typicalDelayDays: delay,
            lateShare: min(1, max(0, late)))
    }

    /// Points of a delay on a scale finance people know from payment indexes such as Paydex:
    /// 100 paid 30 days early, 90 20 days early, 80 on the due date, 70 15 days late, 50 30 days
    /// late, 40 60 days, 30 90 days, 20 120 days, 0 from 240 days late; linear in between.
    static let scale: [(delay: Double, points: Double)] = [(-30, 100), (-20, 90), (0, 80), (15, 70), (30, 50), (60, 40),
                                                           (90, 30), (120, 20), (240, 0)]

    static func points(delay: Int) -> Double {
        let d = Double(delay)
        guard let first = scale.first, let last = scale.last else { return 0 }
        if d <= first.delay { return first.points }
        for (a, b) in zip(scale, scale.dropFirst()) where d <= b.delay {
            return a.points + (b.points - a.points) * (d - a.delay) / (b.delay - a.delay)
        }
        return last.points
    }

    /// An invoice's points: its P10, P50 and P90 delays weighted 0.3, 0.4, 0.3 (the usual
    /// three-point estimate of a mean), so a wide or lopsided outlook counts too.
    static func points(_ q: (p10: Int, p50: Int, p90: Int)) -> Double {
        0.3 * points(delay: q.p10) + 0.4 * points(delay: q.p50) + 0.3 * points(delay: q.p90)
    }

    /// "usually pays 12 days after the due date", "… 3 days before …", "… on the due date".
    static func usually(_ delay: Int) -> String {
        switch delay {
        case 0: return "usually pays on the due date"
        case 1: return "usually pays 1 day after the due date"
        case -1: return "usually pays 1 day before the due date"
        case 2...: return "usually pays \(delay) days after the due date"
        default: return "usually pays \(-delay) days before the due date"
        }
    }

    /// "1 open invoice", "3 open invoices".
    static func invoices(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// "companies, nl, mid-size invoices".
    static func segmentWords(consumer: Bool, language: Int, size: Int) -> String {
        let lang = language < DebtorLanguage.all.count ? DebtorLanguage.all[language] : "?"
        let sizes = ["small invoices", "mid-size invoices", "large invoices"]
        return (consumer ? "consumers" : "companies") + ", " + lang + ", " + sizes[min(2, max(0, size))]
    }
}
