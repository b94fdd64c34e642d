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
package enum DunningComputation {
    /// The format byte: zlib with the preset dictionary 1.
    static let format: UInt8 = 1
    /// The format byte of a JSON whose derivable explanations are left out.
    static let strippedFormat: UInt8 = 2

    /// The stored blob of `json`.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or the JSON exceeds 1 GiB.
    package static func compress(_ json: String) throws -> Data {
        var text = json
        var formatByte = format
        // Byte for byte (String's `==` would accept a canonically equivalent text).
        if let stripped = strippedExplanations(json), let back = try? expandedExplanations(stripped), back.utf8.elementsEqual(json.utf8) {
            text = stripped
            formatByte = strippedFormat
        }
        let bytes = Array(text.utf8)
        guard let length = UInt32(exactly: bytes.count), length <= 1 << 30 else { throw StoreError.bodyTooLarge(bytes: bytes.count) }
        var out: [UInt8] = [formatByte]
        MessageBodies.appendLittleEndian(length, to: &out)
        out += try PresetDictionaryZlib.deflate(bytes, dictionary: dictionaryV1)
        return Data(out)
    }

    /// The JSON of a blob written by ``compress(_:)``.
    /// - Throws: ``StoreError`` when the blob is damaged or of an unknown format.
    package static func decompress(_ blob: Data) throws -> String {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, bytes[0] == format || bytes[0] == strippedFormat else { throw StoreError.unknownBodyFormat }
        let length = Int(MessageBodies.littleEndian(bytes, at: 1))
        guard length <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        if length == 0 { return "" }
        let text = String(decoding: try PresetDictionaryZlib.inflate(bytes, from: 5, dictionary: dictionaryV1, length: length), as: UTF8.self)
        return bytes[0] == strippedFormat ? try expandedExplanations(text) : text
    }

    /// The key that precedes an item's explanation in the JSON (`ReminderComposer.computation`).
    static let explanationKey = Array("\"explanation\":".utf8)

    /// The explanation an item's figures give: one line per interest period, the interest's sum,
    /// the flat compensation when there is one (Dunning's `Claim` for a business debt), written as
    /// `JSONWriter` writes it; nil when the item has no periods or lacks a figure.
    static func derivedExplanation(_ item: [String: Any], yearDays: Substring) -> [UInt8]? {
        guard let open = item["open"] as? String, let interest = item["interest"] as? String,
              let periods = item["periods"] as? [[String: Any]], !periods.isEmpty else { return nil }
        var lines: [String] = []
        for p in periods {
            guard let from = p["from"] as? String, let to = p["to"] as? String, let days = (p["days"] as? NSNumber)?.intValue,
                  let rate = p["rate"] as? String, let amount = p["amount"] as? String else { return nil }
            lines.append("\(open) × \(rate)% × \(days)/\(yearDays) (\(from) to \(to)) = \(amount)")
        }
        lines.append("interest \(interest) = the periods' exact sum, half-up to the minor unit, once")
        if let flat = item["flat"] as? String, flat != "0.00" {
            lines.append("flat recovery compensation \(flat) (law of 2 August 2002, art. 6)")
        }
        return Array(JSONWriter.array(lines).utf8)
    }

    /// The items of a computation JSON and the year of its day count (`actual/365` gives `365`).
    static func items(_ json: [UInt8]) -> (items: [[String: Any]], yearDays: Substring)? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
              let items = object["items"] as? [[String: Any]], let dayCount = object["day_count"] as? String,
              let yearDays = dayCount.split(separator: "/").last else { return nil }
        return (items, yearDays)
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
        for item in items where item["explanation"] != nil {
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
        for item in items where item["explanation"] != nil {
            guard let value = afterExplanationKey(bytes, from: at) else { throw StoreError.damagedBody(zlibStatus: nil) }
            out += bytes[at..<value]
            at = value
            guard !(item["explanation"] is [Any]) else { continue }
            guard at < bytes.count, bytes[at] == UInt8(ascii: "0"), let derived = derivedExplanation(item, yearDays: yearDays) else {
                throw StoreError.damagedBody(zlibStatus: nil)
            }
            out += derived
            at += 1
        }
        out += bytes[at...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON of a row: `computation_z` when it is set, else the plain `computation`.
    package static func json(plain: String?, compressed: Data?) throws -> String {
        guard let compressed else { return plain ?? "" }
        return try decompress(compressed)
    }

    /// The SQL function `dunning_computation(computation, computation_z)`, registered on every
    /// connection of a `LedgerStore`: a reminder's computation JSON however it is stored, e.g.
    /// `SELECT dunning_computation(computation, computation_z) FROM dunning_event`.
    package static let sqlFunction = DatabaseFunction("dunning_computation", argumentCount: 2, pure: true) { values in
        try json(plain: String.fromDatabaseValue(values[0]), compressed: Data.fromDatabaseValue(values[1]))
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
