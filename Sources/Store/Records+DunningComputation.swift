import Foundation
import GRDB
import Ledger

/// The computation JSON of a reminder (`dunning_event.computation`), stored compressed since
/// migration 0026a: new rows keep `computation` empty and hold `computation_z`, a zlib stream with
/// the preset dictionary 1 (``dictionaryV1``, the JSON's keys and fixed words), about a sixth of
/// the JSON's size. Rows written before keep their plain `computation` and `computation_z` NULL.
/// `DunningEventRecord` and the SQL function `dunning_computation(computation, computation_z)`
/// give back the same JSON, byte for byte, either way.
///
/// Layout: byte 0 the format, bytes 1–4 the UTF-8 length of the compressed text (little-endian),
/// then the zlib stream. Format 1: the JSON. Format 2 (issue 17, fourth round): the JSON with each
/// item's `explanation` that only restates its periods, interest and flat compensation replaced by
/// `0` (``strippedExplanations(_:)``); reading puts the same text back (``expandedExplanations(_:)``).
/// `compress` writes format 2 only when expanding the stripped text gives the JSON back byte for
/// byte, so what is read is what was written; any other JSON is stored as format 1.
///
/// Formats 3 and 4 (issue 17, seventh round): the text of format 2 (3) or 1 (4) without each
/// item's invoice number, open amount and days late, which the event's `dunning_event_item` rows
/// and their invoices hold (``Item``): `{"invoice":"F-1","credit_note":false,"open":"12.50",
/// "due":"2026-10-09","days_late":43,` is stored as `{"invoice":0,"credit_note":false,"due":"2026-10-09",`,
/// 0 the item's rank among the event's items by invoice id. Reading them needs those items
/// (``decompress(_:items:)``; in SQL, `DunningEventRecord.computationSQL`). Like format 2,
/// `compress` writes them only when reading gives the JSON back byte for byte.
///
/// Formats 5 and 6 (issue 17, eleventh round): the text of format 3 (5) or 4 (6) without what the
/// event's own `dunning_event` columns hold (``Header``: `as_of`, `ladder`, `step`, `currency`,
/// `balance`, `demanded`, `interest`, `fees`, `total`, `pay_by`) and without each item's `due`
/// where it is the event's day less the item's days late; an item whose due day is another keeps
/// it. Reading them needs those columns, which ``itemsSQL(event:)`` gives beside the items. Like
/// the others, `compress` writes them only when reading gives format 3's or 4's text back byte for byte.
package enum DunningComputation {
    /// The format byte: zlib with the preset dictionary 1.
    static let format: UInt8 = 1
    /// The format byte of a JSON whose derivable explanations are left out.
    static let strippedFormat: UInt8 = 2
    /// The format byte of format 2's text without the items' figures.
    static let strippedCompactFormat: UInt8 = 3
    /// The format byte of format 1's text (the JSON) without the items' figures.
    static let compactFormat: UInt8 = 4
    /// The format byte of format 3's text without the event's own figures and the derivable due days.
    static let headerlessStrippedFormat: UInt8 = 5
    /// The format byte of format 4's text without them.
    static let headerlessFormat: UInt8 = 6

    /// What the event's own `dunning_event` columns hold of its computation, as stored (formats 5
    /// and 6 read it back from there).
    package struct Header: Sendable, Equatable {
        package var asOf: String
        package var ladder: String
        package var step: String
        package var currency: String
        package var balanceMinor: Int64
        package var demandedMinor: Int64?
        package var interestMinor: Int64
        package var feesMinor: Int64
        package var totalMinor: Int64
        package var payBy: String?

        package init(asOf: String, ladder: String, step: String, currency: String, balanceMinor: Int64, demandedMinor: Int64?,
                     interestMinor: Int64, feesMinor: Int64, totalMinor: Int64, payBy: String?) {
            self.asOf = asOf
            self.ladder = ladder
            self.step = step
            self.currency = currency
            self.balanceMinor = balanceMinor
            self.demandedMinor = demandedMinor
            self.interestMinor = interestMinor
            self.feesMinor = feesMinor
            self.totalMinor = totalMinor
            self.payBy = payBy
        }
    }

    /// An item of a reminder as `dunning_event_item` and its invoice hold it: what formats 3 and 4
    /// read back into the computation.
    package struct Item: Sendable, Equatable {
        package var invoiceID: Int64
        /// `invoice.invoice_number`.
        package var number: String
        package var openMinor: Int64
        package var daysLate: Int

        package init(invoiceID: Int64, number: String, openMinor: Int64, daysLate: Int) {
            self.invoiceID = invoiceID
            self.number = number
            self.openMinor = openMinor
            self.daysLate = daysLate
        }
    }

    /// The SQL of the items of event `eventID` (an SQL expression) and of its own columns that
    /// formats 5 and 6 need, as ``context(json:)`` reads them: a JSON object, `items` an array of
    /// `[invoice_id, invoice_number, open_minor, days_late]`, `event` the array `[as_of, ladder, step,
    /// currency, balance_minor, demanded_minor, interest_minor, fees_minor, total_minor, pay_by]`.
    package static func itemsSQL(event eventID: String) -> String {
        "(SELECT json_object('event', json_array(dce.as_of, dce.ladder, dce.step, dce.currency, dce.balance_minor, dce.demanded_minor, "
            + "dce.interest_minor, dce.fees_minor, dce.total_minor, dce.pay_by), 'items', json((SELECT json_group_array(json_array("
            + "it.invoice_id, i.invoice_number, it.open_minor, it.days_late)) FROM dunning_event_item it JOIN invoice i ON i.id = it.invoice_id "
            + "WHERE it.event_id = dce.id))) FROM dunning_event dce WHERE dce.id = \(eventID))"
    }

    /// The items and the event's columns of a text written by ``itemsSQL(event:)`` (or the items'
    /// array alone, as it was before formats 5 and 6: no header then).
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the text is neither.
    package static func context(json: String) throws -> (items: [Item], header: Header?) {
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8))
        if let rows = object as? [[Any]] { return (try items(rows), nil) }
        guard let object = object as? [String: Any], let rows = object["items"] as? [[Any]], let e = object["event"] as? [Any], e.count == 10,
              let asOf = e[0] as? String, let ladder = e[1] as? String, let step = e[2] as? String, let currency = e[3] as? String,
              let balance = (e[4] as? NSNumber)?.int64Value, let interest = (e[6] as? NSNumber)?.int64Value,
              let fees = (e[7] as? NSNumber)?.int64Value, let total = (e[8] as? NSNumber)?.int64Value else {
            throw StoreError.damagedBody(zlibStatus: nil)
        }
        let header = Header(asOf: asOf, ladder: ladder, step: step, currency: currency, balanceMinor: balance,
                            demandedMinor: (e[5] as? NSNumber)?.int64Value, interestMinor: interest, feesMinor: fees, totalMinor: total,
                            payBy: e[9] as? String)
        return (try items(rows), header)
    }

    /// The items of a text written by ``itemsSQL(event:)``.
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the text is not such a text.
    package static func items(json: String) throws -> [Item] {
        try context(json: json).items
    }

    /// The items of the rows of ``itemsSQL(event:)``'s `items` array.
    static func items(_ rows: [[Any]]) throws -> [Item] {
        try rows.map { r in
            guard r.count == 4, let id = (r[0] as? NSNumber)?.int64Value, let number = r[1] as? String,
                  let open = (r[2] as? NSNumber)?.int64Value, let days = (r[3] as? NSNumber)?.intValue else {
                throw StoreError.damagedBody(zlibStatus: nil)
            }
            return Item(invoiceID: id, number: number, openMinor: open, daysLate: days)
        }
    }

    /// The stored blob of `json`; `items`, the event's items (in any order), let formats 3 and 4
    /// leave their figures out, and `header`, the event's own columns, formats 5 and 6 theirs.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or the JSON exceeds 1 GiB.
    package static func compress(_ json: String, items: [Item] = [], header: Header? = nil) throws -> Data {
        var text = json
        var formatByte = format
        // Byte for byte (String's `==` would accept a canonically equivalent text).
        if let stripped = strippedExplanations(json), let back = try? expandedExplanations(stripped), back.utf8.elementsEqual(json.utf8) {
            text = stripped
            formatByte = strippedFormat
        }
        if let compact = compactedItems(Array(text.utf8), items: items),
           let back = try? expandedItems(compact, items: items), back.elementsEqual(text.utf8) {
            text = String(decoding: compact, as: UTF8.self)
            formatByte = formatByte == strippedFormat ? strippedCompactFormat : compactFormat
            if let header, let lean = headerless(Array(text.utf8), header: header, items: items),
               let back = try? withHeader(lean, header: header, items: items), back.elementsEqual(text.utf8) {
                text = String(decoding: lean, as: UTF8.self)
                formatByte = formatByte == strippedCompactFormat ? headerlessStrippedFormat : headerlessFormat
            }
        }
        return try blob(Array(text.utf8), format: formatByte)
    }

    /// The blob of a stored text `bytes` in format `formatByte`: the byte, the length, the zlib stream.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or the text exceeds 1 GiB.
    static func blob(_ bytes: [UInt8], format formatByte: UInt8) throws -> Data {
        guard let length = UInt32(exactly: bytes.count), length <= 1 << 30 else { throw StoreError.bodyTooLarge(bytes: bytes.count) }
        var out: [UInt8] = [formatByte]
        MessageBodies.appendLittleEndian(length, to: &out)
        // Primed afresh: copying a primed stream (PrimedDeflate) copies ~256 KB of zlib's state, more
        // than hashing this 1.9 KB dictionary costs (issue 17, tenth round; it pays for the bodies' ~20 KB).
        out += try PresetDictionaryZlib.deflate(bytes, dictionary: dictionaryV1)
        return Data(out)
    }

    /// Whether a blob written by ``compress(_:items:header:)`` needs the event's items (and for
    /// formats 5 and 6 its own columns, ``needsHeader(_:)``) to be read.
    package static func needsItems(_ blob: Data) -> Bool {
        guard let first = blob.first else { return false }
        return (strippedCompactFormat...headerlessFormat).contains(first)
    }

    /// Whether a blob written by ``compress(_:items:header:)`` needs the event's own columns to be read.
    package static func needsHeader(_ blob: Data) -> Bool {
        blob.first == headerlessStrippedFormat || blob.first == headerlessFormat
    }

    /// The JSON of a blob written by ``compress(_:items:header:)``; `items`, the event's items (in
    /// any order), are needed for formats 3 to 6 (``needsItems(_:)``), and `header`, the event's
    /// own columns, for formats 5 and 6.
    /// - Throws: ``StoreError`` when the blob is damaged or of an unknown format, or
    ///   ``StoreError/missingComputationItems`` when it needs the items or the header and they are nil.
    package static func decompress(_ blob: Data, items: [Item]? = nil, header: Header? = nil) throws -> String {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, (format...headerlessFormat).contains(bytes[0]) else { throw StoreError.unknownBodyFormat }
        let length = Int(MessageBodies.littleEndian(bytes, at: 1))
        guard length <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        if length == 0 { return "" }
        var text = try PresetDictionaryZlib.inflate(bytes, from: 5, dictionary: dictionaryV1, length: length)
        if needsItems(blob) {
            guard let items else { throw StoreError.missingComputationItems }
            if needsHeader(blob) {
                guard let header else { throw StoreError.missingComputationItems }
                text = try withHeader(text, header: header, items: items)
            }
            text = try expandedItems(text, items: items)
        }
        let json = String(decoding: text, as: UTF8.self)
        return [strippedFormat, strippedCompactFormat, headerlessStrippedFormat].contains(bytes[0]) ? try expandedExplanations(json) : json
    }

    /// The key that opens each item of a computation (`ReminderComposer.computation`), and nothing
    /// else: a quote inside a JSON string is escaped.
    static let itemKey = Array("{\"invoice\":".utf8)
    static let creditKey = Array(",\"credit_note\":".utf8)
    static let dueKey = Array(",\"due\":\"".utf8)

    /// The index of the next `pattern` in `bytes` from `start`, nil when there is none.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0], bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    /// The minor digits of the computation's currency (its first `"currency":"XXX"`), nil when unknown.
    static func currencyDigits(_ bytes: [UInt8]) -> Int? {
        let key = Array("\"currency\":\"".utf8)
        guard let at = find(key, in: bytes, from: 0), at + key.count + 3 <= bytes.count,
              let currency = Currency(code: String(decoding: bytes[(at + key.count)..<(at + key.count + 3)], as: UTF8.self)) else { return nil }
        return currency.minorDigits
    }

    /// `items` in invoice-id order (an item's rank there is what formats 3 and 4 store), nil when
    /// two share an invoice.
    static func ranked(_ items: [Item]) -> [Item]? {
        let sorted = items.sorted { $0.invoiceID < $1.invoiceID }
        for i in sorted.indices.dropFirst() where sorted[i].invoiceID == sorted[i - 1].invoiceID { return nil }
        return sorted
    }

    /// `text` (a computation, or format 2's text) with the invoice number, open amount and days
    /// late of each of its items found in `items` (by number) left out; nil when none is, or two
    /// items share an invoice or a number.
    static func compactedItems(_ text: [UInt8], items: [Item]) -> [UInt8]? {
        guard !items.isEmpty, let sorted = ranked(items), let digits = currencyDigits(text) else { return nil }
        var byNumber: [[UInt8]: (rank: Int, item: Item)] = [:]
        for (k, item) in sorted.enumerated() {
            guard byNumber.updateValue((k, item), forKey: Array(JSONWriter.quoted(item.number).utf8)) == nil else { return nil }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var at = 0
        var compacted = false
        func take(_ expected: [UInt8], _ i: inout Int) -> Bool {
            guard text[i...].starts(with: expected) else { return false }
            i += expected.count
            return true
        }
        while let start = find(itemKey, in: text, from: at) {
            var i = start + itemKey.count
            // The quoted number, as written (a backslash escapes the next byte).
            var end = i + 1
            while end < text.count, text[end] != UInt8(ascii: "\"") { end += text[end] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < text.count, text[i] == UInt8(ascii: "\""), end < text.count, let (k, item) = byNumber[Array(text[i...end])] else {
                out += text[at..<i]
                at = i
                continue
            }
            i = end + 1
            guard take(creditKey, &i) else { return nil }
            let flag = Array((text[i...].starts(with: Array("true".utf8)) ? "true" : "false").utf8)
            let open = Array(",\"open\":\"\(Money.decimalString(minorUnits: item.openMinor, digits: digits))\"".utf8)
            guard take(flag, &i), take(open, &i), take(dueKey, &i),
                  let dueEnd = text[i...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let due = Array(text[i..<dueEnd])
            i = dueEnd + 1
            guard take(Array(",\"days_late\":\(item.daysLate),".utf8), &i) else { return nil }
            out += text[at..<start]
            out += itemKey + Array("\(k)".utf8) + creditKey + flag + dueKey + due + Array("\",".utf8)
            at = i
            compacted = true
        }
        out += text[at...]
        return compacted ? out : nil
    }

    /// The text that ``compactedItems(_:items:)`` made `text` from, with the same `items` (in any order).
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the text does not fit the items.
    static func expandedItems(_ text: [UInt8], items: [Item]) throws -> [UInt8] {
        guard let sorted = ranked(items), let digits = currencyDigits(text) else { throw StoreError.damagedBody(zlibStatus: nil) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 48 * items.count)
        var at = 0
        while let start = find(itemKey, in: text, from: at) {
            let i = start + itemKey.count
            out += text[at..<i]
            at = i
            // An item kept as written (its number quoted): nothing to put back.
            guard let (k, flagStart) = try compactRank(text, at: i, of: sorted.count) else { continue }
            let item = sorted[k]
            let flagEnd = text[flagStart...].starts(with: Array("true".utf8)) ? flagStart + 4 : flagStart + 5
            guard flagEnd <= text.count, text[flagEnd...].starts(with: dueKey),
                  let dueEnd = text[(flagEnd + dueKey.count)...].firstIndex(of: UInt8(ascii: "\"")) else {
                throw StoreError.damagedBody(zlibStatus: nil)
            }
            out += Array(JSONWriter.quoted(item.number).utf8) + creditKey + text[flagStart..<flagEnd]
            out += Array(",\"open\":\"\(Money.decimalString(minorUnits: item.openMinor, digits: digits))\"".utf8)
            out += text[flagEnd...dueEnd] + Array(",\"days_late\":\(item.daysLate)".utf8)
            at = dueEnd + 1
        }
        out += text[at...]
        return out
    }

    /// The four runs of the computation's opening that the event's columns hold, each with the key
    /// it stands before in formats 3 and 4 (nil: right after the opening brace); nil when a column
    /// is NULL or the currency unknown.
    static func headerRuns(_ header: Header) -> [(run: [UInt8], before: [UInt8]?)]? {
        guard let demanded = header.demandedMinor, let payBy = header.payBy, let digits = Currency(code: header.currency)?.minorDigits else {
            return nil
        }
        func amount(_ minor: Int64) -> String { JSONWriter.quoted(Money.decimalString(minorUnits: minor, digits: digits)) }
        let q = JSONWriter.quoted
        return [
            (Array("\"as_of\":\(q(header.asOf)),".utf8), nil),
            (Array("\"ladder\":\(q(header.ladder)),\"step\":\(q(header.step)),\"currency\":\(q(header.currency)),\"balance\":\(amount(header.balanceMinor)),".utf8),
             Array("\"unapplied\":".utf8)),
            (Array("\"demanded\":\(amount(demanded)),\"interest\":\(amount(header.interestMinor)),\"fees\":\(amount(header.feesMinor)),".utf8),
             Array("\"reminder_fees\":".utf8)),
            (Array("\"total\":\(amount(header.totalMinor)),\"pay_by\":\(q(payBy)),".utf8), Array("\"day_count\":".utf8)),
        ]
    }

    /// The rank a compacted item's key is followed by at `i`, and the index of its `credit_note`
    /// flag; nil when the item was kept with its number (no digit at `i`).
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the rank is not below `count` or no
    ///   `credit_note` key follows it.
    static func compactRank(_ text: [UInt8], at start: Int, of count: Int) throws -> (rank: Int, flag: Int)? {
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard start < text.count, digit.contains(text[start]) else { return nil }
        var i = start, k = 0
        while i < text.count, digit.contains(text[i]), k < 1 << 40 {
            k = k * 10 + Int(text[i] - digit.lowerBound)
            i += 1
        }
        guard k < count, text[i...].starts(with: creditKey) else { throw StoreError.damagedBody(zlibStatus: nil) }
        return (k, i + creditKey.count)
    }

    /// The places of the compacted items in `text` (formats 3 and 4): for each `{"invoice":k,"credit_note":…,`
    /// the index after it and the item of rank `k`; an item kept with its number is not listed.
    static func compactItemEnds(_ text: [UInt8], sorted: [Item]) throws -> [(end: Int, item: Item)] {
        var out: [(Int, Item)] = []
        var at = 0
        while let start = find(itemKey, in: text, from: at) {
            at = start + itemKey.count
            guard let (k, flagStart) = try compactRank(text, at: at, of: sorted.count) else { continue }
            let i = flagStart + (text[flagStart...].starts(with: Array("true".utf8)) ? 4 : 5)
            guard i < text.count, text[i] == UInt8(ascii: ",") else { throw StoreError.damagedBody(zlibStatus: nil) }
            out.append((i + 1, sorted[k]))
            at = i + 1
        }
        return out
    }

    /// An item's due day as formats 5 and 6 leave it out: the event's day less its days late.
    static func derivedDue(_ header: Header, _ item: Item) -> [UInt8]? {
        guard let asOf = Day(iso: header.asOf) else { return nil }
        return Array("\"due\":\"\(asOf.adding(days: -item.daysLate).description)\",".utf8)
    }

    /// Format 3's or 4's `text` without the runs the event's columns hold and the due days its
    /// items give; nil when a run is not where it belongs.
    static func headerless(_ text: [UInt8], header: Header, items: [Item]) -> [UInt8]? {
        guard let runs = headerRuns(header), let sorted = ranked(items), text.first == UInt8(ascii: "{") else { return nil }
        var out: [UInt8] = [text[0]]
        var at = 1
        for (run, before) in runs {
            if let before {
                guard let next = find(before, in: text, from: at), next - run.count >= at,
                      text[(next - run.count)..<next].elementsEqual(run) else { return nil }
                out += text[at..<(next - run.count)]
                at = next
            } else {
                guard text[at...].starts(with: run) else { return nil }
                at += run.count
            }
        }
        guard let ends = try? compactItemEnds(text, sorted: sorted) else { return nil }
        for (end, item) in ends where end >= at {
            guard let due = derivedDue(header, item), text[end...].starts(with: due) else { continue }
            out += text[at..<end]
            at = end + due.count
        }
        out += text[at...]
        return out
    }

    /// The text of format 3 or 4 that ``headerless(_:header:items:)`` made `text` from, with the
    /// same header and items (in any order).
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the text does not fit them.
    static func withHeader(_ text: [UInt8], header: Header, items: [Item]) throws -> [UInt8] {
        guard let runs = headerRuns(header), let sorted = ranked(items), text.first == UInt8(ascii: "{") else {
            throw StoreError.damagedBody(zlibStatus: nil)
        }
        var opened: [UInt8] = [text[0]]
        opened.reserveCapacity(text.count + 160 + 18 * items.count)
        var at = 1
        for (run, before) in runs {
            if let before {
                guard let next = find(before, in: text, from: at) else { throw StoreError.damagedBody(zlibStatus: nil) }
                opened += text[at..<next]
                at = next
            }
            opened += run
        }
        opened += text[at...]
        var out: [UInt8] = []
        out.reserveCapacity(opened.count + 18 * items.count)
        at = 0
        let dueStart = Array("\"due\":".utf8)
        for (end, item) in try compactItemEnds(opened, sorted: sorted) where !opened[end...].starts(with: dueStart) {
            guard let due = derivedDue(header, item) else { throw StoreError.damagedBody(zlibStatus: nil) }
            out += opened[at..<end] + due
            at = end
        }
        out += opened[at...]
        return out
    }

    /// The key that precedes an item's explanation in the JSON (`ReminderComposer.computation`).
    static let explanationKey = Array("\"explanation\":".utf8)

    /// The explanation an item's figures give: one line per interest period, the interest's sum,
    /// the flat compensation when there is one (Dunning's `Claim` for a business debt), written as
    /// `JSONWriter` writes it; nil when the item has no periods or lacks a figure.
    static func derivedExplanation(_ item: ItemFigures, yearDays: Substring) -> [UInt8]? {
        guard let open = item.open, let interest = item.interest, let periods = item.periods else { return nil }
        var figures: [(from: String, to: String, days: Int, rate: String, amount: String)] = []
        figures.reserveCapacity(periods.count)
        for p in periods {
            guard let from = p.from, let to = p.to, let days = p.days, let rate = p.rate, let amount = p.amount else { return nil }
            figures.append((from, to, days, rate, amount))
        }
        return derivedLines(open: open, interest: interest, flat: item.flat, periods: figures, yearDays: yearDays)
            .map { Array(JSONWriter.array($0).utf8) }
    }

    /// The lines of ``derivedExplanation(_:yearDays:)``, before they are written as JSON; nil when
    /// there is no period.
    static func derivedLines(open: String, interest: String, flat: String?,
                             periods: [(from: String, to: String, days: Int, rate: String, amount: String)],
                             yearDays: Substring) -> [String]? {
        guard !periods.isEmpty else { return nil }
        var lines: [String] = []
        lines.reserveCapacity(periods.count + 2)
        for p in periods {
            lines.append("\(open) × \(p.rate)% × \(p.days)/\(yearDays) (\(p.from) to \(p.to)) = \(p.amount)")
        }
        lines.append("interest \(interest) = the periods' exact sum, half-up to the minor unit, once")
        if let flat, flat != "0.00" {
            lines.append("flat recovery compensation \(flat) (law of 2 August 2002, art. 6)")
        }
        return lines
    }

    /// The figures of an item as `JSONSerialization` gives it (what ``ComputationScan`` reads when it can).
    static func figures(_ item: [String: Any]) -> ItemFigures {
        ItemFigures(
            hasExplanation: item["explanation"] != nil, explanationIsArray: item["explanation"] is [Any],
            open: item["open"] as? String, interest: item["interest"] as? String, flat: item["flat"] as? String,
            periods: (item["periods"] as? [[String: Any]])?.map { p in
                PeriodFigures(from: p["from"] as? String, to: p["to"] as? String, days: (p["days"] as? NSNumber)?.intValue,
                              rate: p["rate"] as? String, amount: p["amount"] as? String)
            })
    }

    /// The items of a computation JSON and the year of its day count (`actual/365` gives `365`): read by
    /// ``ComputationScan``, or through `JSONSerialization` when that reader is not sure of the text.
    package static func items(_ json: [UInt8]) -> (items: [ItemFigures], yearDays: Substring)? {
        if let (items, dayCount) = try? ComputationScan.computation(json) {
            guard let yearDays = dayCount.split(separator: "/").last else { return nil }
            return (items, yearDays)
        }
        return itemsThroughFoundation(json)
    }

    /// ``items(_:)`` through `JSONSerialization` (how every computation was read before issue 17's eleventh round).
    package static func itemsThroughFoundation(_ json: [UInt8]) -> (items: [ItemFigures], yearDays: Substring)? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
              let items = object["items"] as? [[String: Any]], let dayCount = object["day_count"] as? String,
              let yearDays = dayCount.split(separator: "/").last else { return nil }
        return (items.map(figures), yearDays)
    }

    /// The index just after the next `"explanation":` in `bytes` from `start`, nil when there is none.
    static func afterExplanationKey(_ bytes: [UInt8], from start: Int) -> Int? {
        let key = explanationKey
        var i = start
        while i + key.count <= bytes.count {
            if bytes[i] == key[0], bytes[i..<(i + key.count)].elementsEqual(key) { return i + key.count }
            i += 1
        }
        return nil
    }

    /// `json` with every item's explanation that ``derivedExplanation(_:yearDays:)`` gives back
    /// replaced by `0`; nil when there is none (or the JSON is not a computation).
    package static func strippedExplanations(_ json: String) -> String? {
        let bytes = Array(json.utf8)
        // No explanation, nothing to leave out: spare the parse (≈ 20 µs).
        guard afterExplanationKey(bytes, from: 0) != nil, let (items, yearDays) = items(bytes) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        var stripped = false
        for item in items where item.hasExplanation {
            guard let value = afterExplanationKey(bytes, from: at) else { return nil }
            out += bytes[at..<value]
            at = value
            if let derived = derivedExplanation(item, yearDays: yearDays), bytes[at...].starts(with: derived) {
                out.append(UInt8(ascii: "0"))
                at += derived.count
                stripped = true
            }
        }
        out += bytes[at...]
        return stripped ? String(decoding: out, as: UTF8.self) : nil
    }

    /// The JSON of a text written by ``strippedExplanations(_:)``: each `0` explanation replaced by
    /// the one its item's figures give.
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the text is not such a computation.
    static func expandedExplanations(_ text: String) throws -> String {
        let bytes = Array(text.utf8)
        guard let (items, yearDays) = items(bytes) else { throw StoreError.damagedBody(zlibStatus: nil) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        var at = 0
        for item in items where item.hasExplanation {
            guard let value = afterExplanationKey(bytes, from: at) else { throw StoreError.damagedBody(zlibStatus: nil) }
            out += bytes[at..<value]
            at = value
            guard !item.explanationIsArray else { continue }
            guard at < bytes.count, bytes[at] == UInt8(ascii: "0"), let derived = derivedExplanation(item, yearDays: yearDays) else {
                throw StoreError.damagedBody(zlibStatus: nil)
            }
            out += derived
            at += 1
        }
        out += bytes[at...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON of a row: `computation_z` when it is set, else the plain `computation`; `items`, the
    /// text of ``itemsSQL(event:)``, is needed for formats 3 to 6.
    package static func json(plain: String?, compressed: Data?, items: String? = nil) throws -> String {
        guard let compressed else { return plain ?? "" }
        guard needsItems(compressed) else { return try decompress(compressed) }
        let context = try items.map { try Self.context(json: $0) }
        return try decompress(compressed, items: context?.items, header: context?.header)
    }

    /// The SQL function `dunning_computation(computation, computation_z)`, registered on every
    /// connection of a `LedgerStore`: a reminder's computation JSON however it is stored, e.g.
    /// `SELECT dunning_computation(computation, computation_z) FROM dunning_event`; the rows written
    /// in formats 3 and 4 (since migration 0037a) need their items as a third argument
    /// (``sqlFunctionWithItems``), which `DunningEventRecord.computationSQL` passes (since formats
    /// 5 and 6 with the event's own columns beside them).
    package static let sqlFunction = DatabaseFunction("dunning_computation", argumentCount: 2, pure: true) { values in
        try json(plain: String.fromDatabaseValue(values[0]), compressed: Data.fromDatabaseValue(values[1]))
    }

    /// `dunning_computation(computation, computation_z, items)`, `items` the text of ``itemsSQL(event:)``.
    package static let sqlFunctionWithItems = DatabaseFunction("dunning_computation", argumentCount: 3, pure: true) { values in
        try json(plain: String.fromDatabaseValue(values[0]), compressed: Data.fromDatabaseValue(values[1]),
                 items: String.fromDatabaseValue(values[2]))
    }

    /// Dictionary 1: frozen (rows name it by their format byte; a better one is a new format).
    /// A consumer's computation with interest periods and explanations first, then the common
    /// business reminder last (zlib finds the nearest matches cheapest), neutral values only.
    package static let dictionaryV1: [UInt8] = Array(("""
        {"as_of":"2026-01-01","kind":"b2c","ladder":"b2c/v1","step":"consumer-first-reminder","currency":"EUR",\
        "balance":"0.00","unapplied":"0.00","demanded":"0.00","interest":"0.00","fees":"0.00","reminder_fees":"0.00",\
        "announced_damages":"0.00","total":"0.00","pay_by":"2026-01-01","day_count":"actual/365","contract_rate":"8.00",\
        "items":[{"invoice":"","credit_note":false,"open":"0.00","due":"2026-01-01","days_late":0,"step":"reminder-2",\
        "advances":false,"excluded":"disputed invoice"},{"invoice":"","credit_note":false,"open":"0.00","due":"2026-01-01",\
        "days_late":0,"step":"formal-notice","advances":false,"excluded":"invoice on hold"},{"invoice":"","credit_note":false,\
        "open":"0.00","due":"2026-01-01","days_late":0,"step":"consumer-second-reminder","advances":true,"excluded":null,\
        "interest":"0.00","flat":"0.00","claimable_from":"2026-01-01","periods":[{"from":"2026-01-01","to":"2026-01-31",\
        "days":31,"rate":"10.5","amount":"0.00"}],"explanation":[" × 10.5% × /365 ( to ) = ",\
        "interest  = the periods' exact sum, half-up to the minor unit, once",\
        "flat recovery compensation  (law of 2 August 2002, art. 6)"]}]}
        {"as_of":"2026-11-21","kind":"b2b","ladder":"b2b/v1","step":"reminder-1","currency":"EUR","balance":"0.00",\
        "unapplied":"0.00","demanded":"0.00","interest":"0.00","fees":"0.00","reminder_fees":"0.00","announced_damages":"0.00",\
        "total":"0.00","pay_by":"2026-12-05","day_count":"actual/365","contract_rate":null,"items":[{"invoice":"",\
        "credit_note":true,"open":"-0.00","due":"2026-10-09","days_late":0,"step":null,"advances":false,"excluded":null},\
        {"invoice":"","credit_note":false,"open":"0.00","due":"2026-10-09","days_late":0,"step":"reminder-1","advances":true,\
        "excluded":null}]}
        """ as String).utf8)
}
