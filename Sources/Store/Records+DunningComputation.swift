import Foundation
import GRDB

/// The computation JSON of a reminder (`dunning_event.computation`), stored compressed since
/// migration 0026a: new rows keep `computation` empty and hold `computation_z`, a zlib stream with
/// the preset dictionary 1 (``dictionaryV1``, the JSON's keys and fixed words), about a sixth of
/// the JSON's size. Rows written before keep their plain `computation` and `computation_z` NULL.
/// `DunningEventRecord` and the SQL function `dunning_computation(computation, computation_z)`
/// give back the same JSON, byte for byte, either way.
///
/// Layout: byte 0 the format (1), bytes 1–4 the JSON's UTF-8 length (little-endian), then the zlib
/// stream.
package enum DunningComputation {
    /// The format byte: zlib with the preset dictionary 1.
    static let format: UInt8 = 1

    /// The stored blob of `json`.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or the JSON exceeds 1 GiB.
    package static func compress(_ json: String) throws -> Data {
        let bytes = Array(json.utf8)
        guard let length = UInt32(exactly: bytes.count), length <= 1 << 30 else { throw StoreError.bodyTooLarge(bytes: bytes.count) }
        var out: [UInt8] = [format]
        MessageBodies.appendLittleEndian(length, to: &out)
        out += try PresetDictionaryZlib.deflate(bytes, dictionary: dictionaryV1)
        return Data(out)
    }

    /// The JSON of a blob written by ``compress(_:)``.
    /// - Throws: ``StoreError`` when the blob is damaged or of an unknown format.
    package static func decompress(_ blob: Data) throws -> String {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, bytes[0] == format else { throw StoreError.unknownBodyFormat }
        let length = Int(MessageBodies.littleEndian(bytes, at: 1))
        guard length <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        if length == 0 { return "" }
        return String(decoding: try PresetDictionaryZlib.inflate(bytes, from: 5, dictionary: dictionaryV1, length: length), as: UTF8.self)
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
