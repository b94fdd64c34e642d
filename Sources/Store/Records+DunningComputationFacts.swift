import Foundation
import Ledger

extension DunningComputation {
    /// A reminder's computation as its figures, before it is written as JSON (issue 17, twelfth
    /// round): Dunning's composer fills it, ``json()`` writes the computation JSON, and
    /// ``compress(_:items:header:)`` writes the stored blob straight from it, the same bytes that
    /// ``compress(_:items:header:)`` of the JSON gives, without reading the JSON back (two parses
    /// of it by ``ComputationScan`` and the derived explanations written twice, for each reminder).
    package struct Facts: Sendable, Equatable {
        package var asOf: String
        package var kind: String
        package var ladder: String
        package var step: String
        package var currency: String
        package var balance: String
        package var unapplied: String
        package var demanded: String
        package var interest: String
        package var fees: String
        package var reminderFees: String
        package var announcedDamages: String
        package var total: String
        package var payBy: String
        package var dayCount: String
        package var contractRate: String?
        package var items: [FactsItem]

        package init(asOf: String, kind: String, ladder: String, step: String, currency: String, balance: String, unapplied: String,
                     demanded: String, interest: String, fees: String, reminderFees: String, announcedDamages: String, total: String,
                     payBy: String, dayCount: String, contractRate: String?, items: [FactsItem]) {
            self.asOf = asOf
            self.kind = kind
            self.ladder = ladder
            self.step = step
            self.currency = currency
            self.balance = balance
            self.unapplied = unapplied
            self.demanded = demanded
            self.interest = interest
            self.fees = fees
            self.reminderFees = reminderFees
            self.announcedDamages = announcedDamages
            self.total = total
            self.payBy = payBy
            self.dayCount = dayCount
            self.contractRate = contractRate
            self.items = items
        }
    }

    /// An item of ``Facts``.
    package struct FactsItem: Sendable, Equatable {
        package var number: String
        package var creditNote: Bool
        package var open: String
        package var due: String
        package var daysLate: Int
        package var step: String?
        package var advances: Bool
        package var excluded: String?
        package var claim: FactsClaim?

        package init(number: String, creditNote: Bool, open: String, due: String, daysLate: Int, step: String?, advances: Bool,
                     excluded: String?, claim: FactsClaim?) {
            self.number = number
            self.creditNote = creditNote
            self.open = open
            self.due = due
            self.daysLate = daysLate
            self.step = step
            self.advances = advances
            self.excluded = excluded
            self.claim = claim
        }
    }

    /// An item's claim in ``FactsItem``: its interest, flat compensation, periods and explanation.
    package struct FactsClaim: Sendable, Equatable {
        package var interest: String
        package var flat: String
        package var claimableFrom: String?
        package var periods: [FactsPeriod]
        package var explanation: [String]

        package init(interest: String, flat: String, claimableFrom: String?, periods: [FactsPeriod], explanation: [String]) {
            self.interest = interest
            self.flat = flat
            self.claimableFrom = claimableFrom
            self.periods = periods
            self.explanation = explanation
        }
    }

    /// An interest period of ``FactsClaim``.
    package struct FactsPeriod: Sendable, Equatable {
        package var from: String
        package var to: String
        package var days: Int
        package var rate: String
        package var amount: String

        package init(from: String, to: String, days: Int, rate: String, amount: String) {
            self.from = from
            self.to = to
            self.days = days
            self.rate = rate
            self.amount = amount
        }
    }

    /// What a stored text leaves out of the JSON, item by item (each array indexed like `Facts.items`).
    struct Omissions {
        /// Formats 5 and 6: the runs the event's columns hold.
        var header = false
        /// Formats 2, 3 and 5: the explanations written as `0`.
        var explanation: [Bool]
        /// Formats 3 to 6: the rank written instead of the number, open amount and days late.
        var rank: [Int?]
        /// Formats 5 and 6: the due days left out.
        var due: [Bool]
    }

    /// The stored blob of `facts`: byte for byte ``compress(_:items:header:)`` of `facts.json()`
    /// with the same `items` and `header` (a test compares both over every format); the formats'
    /// conditions are decided on the figures, and what the JSON path would have to read back to
    /// decide is sent there (``Facts/storedText(items:header:)`` gives nil).
    package static func compress(_ facts: Facts, items: [Item] = [], header: Header? = nil) throws -> Data {
        guard let (text, formatByte) = facts.storedText(items: items, header: header) else {
            return try compress(facts.json(), items: items, header: header)
        }
        return try blob(text, format: formatByte)
    }
}

extension DunningComputation.Facts {
    /// The computation JSON (`ReminderComposer.computation`'s keys and order).
    package func json() -> String {
        String(decoding: write(nil), as: UTF8.self)
    }

    /// The text written with `omit` left out (nil: the JSON), as `JSONWriter` writes it (compact,
    /// its escapes), appended as bytes: `JSONWriter` appends to a `String`, which cost ≈ 500 k
    /// instructions a computation, as much as the rest of its storage.
    func write(_ omit: DunningComputation.Omissions?) -> [UInt8] {
        var o: [UInt8] = []
        o.reserveCapacity(640 + 560 * items.count)
        var first = true
        func raw(_ s: StaticString) { s.withUTF8Buffer { o.append(contentsOf: $0) } }
        func key(_ k: StaticString) {
            if !first { o.append(UInt8(ascii: ",")) }
            first = false
            o.append(UInt8(ascii: "\""))
            raw(k)
            raw("\":")
        }
        func string(_ s: String) {
            // `JSONWriter.appendQuoted`'s own fast path: nothing to escape.
            if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                o.append(UInt8(ascii: "\""))
                o.append(contentsOf: s.utf8)
                o.append(UInt8(ascii: "\""))
            } else {
                o.append(contentsOf: JSONWriter.quoted(s).utf8)
            }
        }
        func text(_ k: StaticString, _ v: String?) {
            key(k)
            if let v { string(v) } else { raw("null") }
        }
        func integer(_ k: StaticString, _ v: Int) {
            key(k)
            o.append(contentsOf: String(v).utf8)
        }
        func flag(_ k: StaticString, _ v: Bool) {
            key(k)
            if v { raw("true") } else { raw("false") }
        }
        func open() {
            o.append(UInt8(ascii: "{"))
            first = true
        }
        func close() {
            o.append(UInt8(ascii: "}"))
            first = false
        }
        let header = omit?.header ?? false
        open()
        if !header { text("as_of", asOf) }
        text("kind", kind)
        if !header {
            text("ladder", ladder)
            text("step", step)
            text("currency", currency)
            text("balance", balance)
        }
        text("unapplied", unapplied)
        if !header {
            text("demanded", demanded)
            text("interest", interest)
            text("fees", fees)
        }
        text("reminder_fees", reminderFees)
        text("announced_damages", announcedDamages)
        if !header {
            text("total", total)
            text("pay_by", payBy)
        }
        text("day_count", dayCount)
        text("contract_rate", contractRate)
        key("items")
        o.append(UInt8(ascii: "["))
        for (n, p) in items.enumerated() {
            if n > 0 { o.append(UInt8(ascii: ",")) }
            open()
            if let k = omit?.rank[n] {
                integer("invoice", k)
                flag("credit_note", p.creditNote)
                if !(omit?.due[n] ?? false) { text("due", p.due) }
            } else {
                text("invoice", p.number)
                flag("credit_note", p.creditNote)
                text("open", p.open)
                text("due", p.due)
                integer("days_late", p.daysLate)
            }
            text("step", p.step)
            flag("advances", p.advances)
            text("excluded", p.excluded)
            if let c = p.claim {
                text("interest", c.interest)
                text("flat", c.flat)
                text("claimable_from", c.claimableFrom)
                key("periods")
                o.append(UInt8(ascii: "["))
                for (m, period) in c.periods.enumerated() {
                    if m > 0 { o.append(UInt8(ascii: ",")) }
                    open()
                    text("from", period.from)
                    text("to", period.to)
                    integer("days", period.days)
                    text("rate", period.rate)
                    text("amount", period.amount)
                    close()
                }
                o.append(UInt8(ascii: "]"))
                if omit?.explanation[n] ?? false {
                    integer("explanation", 0)
                } else {
                    key("explanation")
                    o.append(UInt8(ascii: "["))
                    for (m, line) in c.explanation.enumerated() {
                        if m > 0 { o.append(UInt8(ascii: ",")) }
                        string(line)
                    }
                    o.append(UInt8(ascii: "]"))
                }
            }
            close()
        }
        o.append(UInt8(ascii: "]"))
        close()
        return o
    }

    /// The stored text and its format byte, decided as ``DunningComputation/compress(_:items:header:)``
    /// of the JSON decides them; nil when that needs the JSON read back to decide (a currency code
    /// that is not three letters, a due day with a quote or backslash).
    package func storedText(items: [DunningComputation.Item], header: DunningComputation.Header?) -> ([UInt8], UInt8)? {
        typealias C = DunningComputation
        let plain: (UInt8) -> Bool = { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        guard currency.utf8.count == 3, currency.utf8.allSatisfy(plain), self.items.allSatisfy({ $0.due.utf8.allSatisfy(plain) }) else {
            return nil
        }
        var omit = C.Omissions(explanation: Array(repeating: false, count: self.items.count),
                               rank: Array(repeating: nil, count: self.items.count), due: Array(repeating: false, count: self.items.count))
        // Format 2: an explanation its figures give (`strippedExplanations`).
        var stripped = false
        if let yearDays = dayCount.split(separator: "/").last {
            for (n, p) in self.items.enumerated() {
                guard let c = p.claim, let lines = C.derivedLines(open: p.open, interest: c.interest, flat: c.flat,
                                                                   periods: c.periods.map { ($0.from, $0.to, $0.days, $0.rate, $0.amount) },
                                                                   yearDays: yearDays),
                      lines.count == c.explanation.count,
                      zip(lines, c.explanation).allSatisfy({ $0.utf8.elementsEqual($1.utf8) }) else { continue }
                omit.explanation[n] = true
                stripped = true
            }
        }
        var formatByte = stripped ? C.strippedFormat : C.format
        // Formats 3 and 4: the items' figures (`compactedItems`).
        guard !items.isEmpty, let sorted = C.ranked(items), let digits = Currency(code: currency)?.minorDigits else {
            return (write(omit), formatByte)
        }
        // By their bytes, as the JSON path finds them (two canonically equal numbers are two keys).
        var byNumber: [[UInt8]: (rank: Int, item: C.Item)] = [:]
        for (k, item) in sorted.enumerated() {
            guard byNumber.updateValue((k, item), forKey: Array(item.number.utf8)) == nil else { return (write(omit), formatByte) }
        }
        var compacted = false
        for (n, p) in self.items.enumerated() {
            guard let (k, item) = byNumber[Array(p.number.utf8)] else { continue }
            guard p.open.utf8.elementsEqual(Money.decimalString(minorUnits: item.openMinor, digits: digits).utf8),
                  p.daysLate == item.daysLate else {
                omit.rank = Array(repeating: nil, count: self.items.count)
                return (write(omit), formatByte)
            }
            omit.rank[n] = k
            compacted = true
        }
        guard compacted else { return (write(omit), formatByte) }
        formatByte = formatByte == C.strippedFormat ? C.strippedCompactFormat : C.compactFormat
        // Formats 5 and 6: what the event's columns hold (`headerless`).
        guard let header, let demandedMinor = header.demandedMinor, let headerPayBy = header.payBy,
              let headerDigits = Currency(code: header.currency)?.minorDigits else { return (write(omit), formatByte) }
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        func amount(_ a: String, _ minor: Int64) -> Bool { same(a, Money.decimalString(minorUnits: minor, digits: headerDigits)) }
        guard same(asOf, header.asOf), same(ladder, header.ladder), same(step, header.step), same(currency, header.currency),
              amount(balance, header.balanceMinor), amount(demanded, demandedMinor), amount(interest, header.interestMinor),
              amount(fees, header.feesMinor), amount(total, header.totalMinor), same(payBy, headerPayBy) else {
            return (write(omit), formatByte)
        }
        omit.header = true
        if let day = Day(iso: header.asOf) {
            for (n, p) in self.items.enumerated() {
                guard omit.rank[n] != nil, let item = byNumber[Array(p.number.utf8)]?.item else { continue }
                omit.due[n] = same(p.due, day.adding(days: -item.daysLate).description)
            }
        }
        return (write(omit), formatByte == C.strippedCompactFormat ? C.headerlessStrippedFormat : C.headerlessFormat)
    }
}
