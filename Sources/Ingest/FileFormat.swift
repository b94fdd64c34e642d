import Ledger
import Support

/// What was worked out about one input file before reading its rows.
struct FileFormat {
    var encoding: TextEncoding
    var hasBOM: Bool
    var delimiter: UInt8
    var decimal: DecimalSeparator?
    /// Field position per `Column` ordinal, -1 when absent.
    var fieldIndex: [Int]
    var headerCount: Int
    var rawHeader: [UInt8]

    static func delimiterName(_ d: UInt8) -> String {
        switch d {
        case 0x3B: "semicolon"
        case 0x2C: "comma"
        case 0x09: "tab"
        case 0x7C: "pipe"
        default: "byte \(d)"
        }
    }

    /// Picks the delimiter from the header line: the most frequent of `;`, `,`, tab and `|`
    /// outside quotes. Nil when two candidates tie (the caller then asks for a mapping).
    static func detectDelimiter(headerSample: ArraySlice<UInt8>) -> UInt8?? {
        var counts: [UInt8: Int] = [0x3B: 0, 0x2C: 0, 0x09: 0, 0x7C: 0]
        var inQuotes = false
        for b in headerSample {
            if b == 0x22 { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if b == 0x0A || b == 0x0D { break }
            if counts[b] != nil { counts[b]! += 1 }
        }
        let best = counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!
        if best.value == 0 { return .some(nil) }  // a single column
        if counts.filter({ $0.value == best.value }).count > 1 { return nil }
        return .some(best.key)
    }

    /// Decodes a record's field bytes to UTF-8 in place; returns the 1-based positions of
    /// fields that are not valid text in the file's encoding.
    static func decode(_ r: inout CSVRecord, encoding: TextEncoding, scratch: inout [UInt8]) -> [Int] {
        guard r.bytes.contains(where: { $0 >= 0x80 }) else { return [] }
        var bad: [Int] = []
        switch encoding {
        case .utf8:
            for (i, range) in r.ranges.enumerated() where r.bytes[range].contains(where: { $0 >= 0x80 }) {
                if TextEncoding.validateUTF8(r.bytes[range]) != .valid { bad.append(i + 1) }
            }
        case .windows1252:
            scratch.removeAll(keepingCapacity: true)
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(r.ranges.count)
            for (i, range) in r.ranges.enumerated() {
                let s = scratch.count
                if !TextEncoding.appendUTF8(fromWindows1252: r.bytes[range], to: &scratch) { bad.append(i + 1) }
                ranges.append(s..<scratch.count)
            }
            swap(&r.bytes, &scratch)
            r.ranges = ranges
        }
        return bad
    }

    /// Looks at up to `limit` rows' amount fields to learn the decimal separator: a value with
    /// both `.` and `,` or with one separator followed by one, two or four-plus digits shows it.
    /// Returns nil when the sample shows none or both.
    static func detectDecimal(sampleAmounts: [[UInt8]]) -> DecimalSeparator? {
        var evidence = Set<DecimalSeparator>()
        // Only values that read as amounts count: a stray "12,3O" must not tip the file.
        for v in sampleAmounts where (try? AmountParser.parse(utf8: v, currency: .eur, decimal: nil).get()) != nil {
            let seps = v.enumerated().filter { $0.element == 0x2C || $0.element == 0x2E }
            guard let last = seps.last else { continue }
            let kinds = Set(seps.map(\.element))
            if kinds.count == 2 {
                evidence.insert(last.element == 0x2C ? .comma : .point)
            } else if seps.count == 1 {
                let after = v[(last.offset + 1)...].prefix(while: { $0 >= 0x30 && $0 <= 0x39 }).count
                if after != 3 && after > 0 { evidence.insert(last.element == 0x2C ? .comma : .point) }
            }
        }
        return evidence.count == 1 ? evidence.first : nil
    }
}
