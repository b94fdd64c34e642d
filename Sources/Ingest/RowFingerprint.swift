import Foundation
import Support

/// The fingerprint of a row's bytes that lets a re-ingest count an unchanged row without parsing,
/// validating and comparing it again (invoices; see `InvoiceValidator.fingerprint`).
///
/// A fingerprint is FNV-1a 64 over a seed and the row's mapped fields, each as its length (three
/// bytes) and its bytes exactly as decoded from the file, in column order; the kind adds what the
/// row's meaning depends on besides its bytes (for an invoice, its debtor's id and payment terms).
/// The seed holds everything else the reading depends on: the rules' version (`version`, to change
/// whenever the validator or the content hash changes), which columns the header has (not where:
/// a file with its columns in another order gives the same fingerprints), the decimal
/// separator, the date order and the default currency. Equal fingerprints therefore mean equal
/// validated values; Store keeps, per invoice, the fingerprint mixed with the content hash it gave
/// (`InvoiceUpsert.rowCheck`).
enum RowFingerprint {
    /// Raised whenever `InvoiceValidator` or `InvoiceSink.Values.hash` reads a row differently.
    static let version = "relance-invoice-row-1"

    /// The seed for one file's rows.
    static func seed(fieldIndex: [Int], format: InputRow.Format) -> UInt64 {
        var h = FNV1a()
        h.add(utf8: version)
        h.add(0x1F)
        for i in fieldIndex { h.add(i >= 0 ? 1 : 0) }
        h.add(utf8: format.decimal.map { "\($0)" } ?? "-")
        h.add(0x1F)
        h.add(utf8: "\(format.dateOrder)")
        h.add(0x1F)
        h.add(utf8: format.defaultCurrency.code)
        h.add(0x1F)
        return h.value
    }

    /// Adds each mapped field (`fieldIndex`, by column ordinal) of a record whose fields are `ranges`
    /// of `bytes`, as its length and its bytes.
    static func add(_ h: inout FNV1a, fields bytes: UnsafeBufferPointer<UInt8>, ranges: ArraySlice<Range<Int>>, fieldIndex: [Int]) {
        for i in fieldIndex where i >= 0 {
            guard i < ranges.count else { h.add(0xFF); continue }
            let r = ranges[ranges.startIndex + i]
            h.add(UInt8(truncatingIfNeeded: r.count)); h.add(UInt8(truncatingIfNeeded: r.count >> 8))
            h.add(UInt8(truncatingIfNeeded: r.count >> 16))
            h.add(UnsafeBufferPointer(rebasing: bytes[r]))
        }
    }

    /// True when the bytes are a key `InputRow.text` returns unchanged: printable ASCII, no space or
    /// tab at either end, 1…`maxLength` bytes.
    static func isPlainKey(_ b: UnsafeBufferPointer<UInt8>, maxLength: Int) -> Bool {
        guard let first = b.first, let last = b.last, b.count <= maxLength, first != 0x20, last != 0x20 else { return false }
        return b.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}

/// The database thread's answer to "are these rows unchanged?" for one chunk of parsed records,
/// asked by the checking thread before it reads them (`FileReader.check`). Candidates are the
/// records with a fingerprint; the answer is, per candidate, whether its invoice is stored with the
/// check that fingerprint gives (`InvoiceUpsert.isUnchanged`).
final class UnchangedLookup: @unchecked Sendable {
    /// The chunk's field bytes (shared with it, never written).
    let bytes: [UInt8]
    /// Per candidate: its record's index in the chunk, its key's bytes in `bytes`, its fingerprint.
    let records: [Int]
    let keys: [Range<Int>]
    let fingerprints: [UInt64]
    private let condition = NSCondition()
    private var answer: [Bool]?

    init(bytes: [UInt8], records: [Int], keys: [Range<Int>], fingerprints: [UInt64]) {
        self.bytes = bytes
        self.records = records
        self.keys = keys
        self.fingerprints = fingerprints
    }

    /// Answers on the database thread: `isUnchanged(key bytes, fingerprint)` per candidate. A failure
    /// answers "not unchanged" for every candidate (the rows then take the full path) before it is rethrown.
    func answer(_ isUnchanged: (UnsafeBufferPointer<UInt8>, UInt64) throws -> Bool) throws {
        var result = [Bool](repeating: false, count: records.count)
        defer { give(result) }
        try bytes.withUnsafeBufferPointer { p in
            for j in records.indices { result[j] = try isUnchanged(UnsafeBufferPointer(rebasing: p[keys[j]]), fingerprints[j]) }
        }
    }

    /// Answers "not unchanged" for every candidate (the database thread gave up).
    func abandon() { give([Bool](repeating: false, count: records.count)) }

    private func give(_ result: [Bool]) {
        condition.lock()
        if answer == nil { answer = result }
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the answer: per candidate, true when its row is unchanged.
    func wait() -> [Bool] {
        condition.lock()
        defer { condition.unlock() }
        while answer == nil { condition.wait() }
        return answer ?? []
    }
}
