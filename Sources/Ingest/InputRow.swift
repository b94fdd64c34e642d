import Foundation
import Ledger
import Support

/// One problem with one field of a row.
struct RowProblem {
    var column: Int  // 1-based field position, 0 for the whole row
    var rule: String
    var message: String
    var severity: Diagnostic.Severity = .error
}

/// A decoded record seen through the header: canonical columns → trimmed text, with the
/// problems found so far. Field readers record a problem and return nil instead of throwing,
/// so one row reports all its problems at once.
struct InputRow {
    let record: CSVRecord
    let fieldIndex: [Int]  // by Column ordinal, -1 when absent
    let format: Format
    var problems: [RowProblem] = []

    struct Format {
        var decimal: DecimalSeparator?
        var dateOrder: DateOrder
        var defaultCurrency: Currency
    }


    var hasErrors: Bool { problems.contains { $0.severity == .error } }

    func position(_ c: Column) -> Int {
        let i = fieldIndex[c.ordinal]
        return i < 0 ? 0 : i + 1
    }

    /// True when the header has this column.
    func has(_ c: Column) -> Bool { fieldIndex[c.ordinal] >= 0 }

    mutating func problem(_ c: Column?, _ rule: String, _ message: String, severity: Diagnostic.Severity = .error) {
        problems.append(RowProblem(column: c.map(position) ?? 0, rule: rule, message: message, severity: severity))
    }

    /// The field's bytes without surrounding spaces and tabs (empty when the column is absent).
    func trimmedBytes(_ c: Column) -> ArraySlice<UInt8> {
        let i = fieldIndex[c.ordinal]
        guard i >= 0 else { return [] }
        var bytes = record.field(i)
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 { bytes = bytes.dropLast() }
        return bytes
    }

    /// A valid `YYYY-MM-DD` day read straight from the bytes; nil for anything else (left to `day`).
    static func isoDay(_ b: ArraySlice<UInt8>) -> Day? {
        guard b.count == 10 else { return nil }
        let s = b.startIndex
        guard b[s + 4] == 0x2D, b[s + 7] == 0x2D else { return nil }
        var y = 0, m = 0, d = 0
        for k in 0..<4 { let x = b[s + k] &- 48; guard x < 10 else { return nil }; y = y * 10 + Int(x) }
        for k in 5..<7 { let x = b[s + k] &- 48; guard x < 10 else { return nil }; m = m * 10 + Int(x) }
        for k in 8..<10 { let x = b[s + k] &- 48; guard x < 10 else { return nil }; d = d * 10 + Int(x) }
        return Day(year: y, month: m, day: d)
    }

    /// The field's text with surrounding spaces removed; nil when absent or empty.
    /// Control characters are refused (a line break in a name or key is how header
    /// injection starts) except where `allowLineBreaks` says the field may span lines.
    mutating func text(_ c: Column, allowLineBreaks: Bool = false) -> String? {
        let i = fieldIndex[c.ordinal]
        guard i >= 0 else { return nil }
        var bytes = record.field(i)
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return nil }
        var s: String
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            if !allowLineBreaks || bytes.contains(where: { ($0 < 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09) || $0 == 0x7F }) {
                problem(c, "control-character", "\(c.rawValue) contains a line break or control character")
                return nil
            }
            s = String(decoding: bytes, as: UTF8.self)
            s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        } else {
            s = String(decoding: bytes, as: UTF8.self)
        }
        // A scalar takes at least one byte: only a field longer in bytes can be too long.
        if bytes.count > c.maxLength && s.unicodeScalars.count > c.maxLength {
            problem(c, "too-long", "\(c.rawValue) is longer than \(c.maxLength) characters")
            return nil
        }
        // Bidi overrides and other invisible controls reorder or hide what a person reads in a letter.
        if bytes.contains(where: { $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 || $0 == 0xEF }),
           let bad = s.unicodeScalars.first(where: Self.isInvisibleControl) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            problem(c, "invisible-character", "\(c.rawValue) contains the invisible control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)")
            return nil
        }
        return s
    }

    /// C1 controls, bidi embeddings, overrides and isolates, marks, zero-width spaces and the BOM.
    static func isInvisibleControl(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x80...0x9F, 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// A required field: records `missing-field` when empty.
    mutating func required(_ c: Column) -> String? {
        let before = problems.count
        if let s = text(c) { return s }
        if problems.count == before { problem(c, "missing-field", "\(c.rawValue) is required") }
        return nil
    }

    mutating func day(_ c: Column) -> Day? {
        // Fast path for ISO dates, without a String.
        if let d = Self.isoDay(trimmedBytes(c)) { return d }
        guard let s = text(c) else { return nil }
        // Fast path for ISO dates.
        if let d = Day(iso: s) { return d }
        switch DayParser.parse(s, order: format.dateOrder) {
        case .success(let d): return d
        case .failure(let p):
            problem(c, "date", "could not read \"\(s)\" as a date: \(p.message)")
            return nil
        }
    }

    mutating func money(_ c: Column, currency: Currency) -> Money? {
        let i = fieldIndex[c.ordinal]
        guard i >= 0 else { return nil }
        let bytes = record.field(i)
        guard bytes.contains(where: { $0 != 0x20 }) else { return nil }
        if let m = Self.plainAmount(bytes, currency: currency, decimal: format.decimal) { return m }
        switch AmountParser.parse(utf8: Array(bytes), currency: currency, decimal: format.decimal) {
        case .success(let m): return m
        case .failure(let p):
            let shown = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: [" "])
            problem(c, "amount", "could not read \"\(shown)\" as an amount: \(p.message)")
            return nil
        }
    }

    /// The common amount spellings read straight from the bytes, without the allocations of
    /// `AmountParser`: an optional leading `-`, 1–12 digits, optionally the decimal separator and one
    /// or two digits (never three: that could be a thousands group). Nil for anything else, which
    /// `AmountParser` then reads; where this returns a value it is the one `AmountParser` gives
    /// (`InputRowTests` compares the two over many spellings).
    static func plainAmount(_ b: ArraySlice<UInt8>, currency: Currency, decimal: DecimalSeparator?) -> Money? {
        var i = b.startIndex
        let e = b.endIndex
        guard i < e else { return nil }
        let negative = b[i] == 0x2D
        if negative { i += 1 }
        var value: Int64 = 0
        var intDigits = 0
        while i < e, b[i] &- 0x30 < 10 {
            value = value * 10 + Int64(b[i] &- 0x30)
            intDigits += 1
            i += 1
        }
        guard intDigits >= 1, intDigits <= 12 else { return nil }
        var fracDigits = 0
        if i < e {
            let sep = b[i]
            switch decimal {
            case .point: guard sep == 0x2E else { return nil }
            case .comma: guard sep == 0x2C else { return nil }
            case nil: guard sep == 0x2E || sep == 0x2C else { return nil }
            }
            i += 1
            while i < e, b[i] &- 0x30 < 10 {
                value = value * 10 + Int64(b[i] &- 0x30)
                fracDigits += 1
                i += 1
            }
            guard i == e, fracDigits >= 1, fracDigits <= min(2, currency.minorDigits) else { return nil }
        }
        for _ in fracDigits..<currency.minorDigits { value *= 10 }
        guard value <= AmountParser.maximumMinorUnits else { return nil }
        return Money(minorUnits: negative ? -value : value, currency: currency)
    }

    mutating func currency(_ c: Column) -> Currency {
        let i = fieldIndex[c.ordinal]
        if i >= 0, record.field(i).elementsEqual("EUR".utf8) { return .eur }  // the common case, without a String
        guard let s = text(c) else { return format.defaultCurrency }
        if s == "€" { return .eur }
        guard let cur = Currency(code: s) else {
            problem(c, "currency", "\"\(s)\" is not an ISO 4217 currency code")
            return format.defaultCurrency
        }
        return cur
    }

    mutating func bool(_ c: Column) -> Bool {
        // The common spellings, without a String.
        let b = trimmedBytes(c)
        if b.isEmpty || b.elementsEqual("false".utf8) || b.elementsEqual("0".utf8) { return false }
        if b.elementsEqual("true".utf8) || b.elementsEqual("1".utf8) { return true }
        guard let s = text(c) else { return false }
        switch s.lowercased() {
        case "1", "true", "yes", "y", "ja", "j", "oui", "o", "x", "waar", "vrai", "on": return true
        case "0", "false", "no", "n", "nee", "non", "onwaar", "faux", "off", "-": return false
        default:
            problem(c, "boolean", "\(c.rawValue) must be true or false (ja/nee, oui/non, 1/0), found \"\(s)\"")
            return false
        }
    }

    mutating func integer(_ c: Column, range: ClosedRange<Int>, rule: String) -> Int? {
        guard let s = text(c) else { return nil }
        guard let v = Int(s), range.contains(v) else {
            problem(c, rule, "\(c.rawValue) must be a whole number from \(range.lowerBound) to \(range.upperBound), found \"\(s)\"")
            return nil
        }
        return v
    }
}
