import GRDB

/// A reminder event's idempotency key stored compactly (migration 0039a, issue 17's eighth round).
///
/// Dunning's key is `dunning:<as_of>:<debtor key>:<step>:<digest>`, the digest the figures' FNV-1a 64
/// in lower-case hexadecimal without leading zeros; all but the digest are the row's own `as_of`,
/// `step` and its debtor's key. `DunningCommands.insertEvent` stores such a key as the digest's 64
/// bits in `key_digest` and leaves `idempotency_key` NULL, when the key reads back byte for byte
/// from them and neither the debtor key nor the step holds a `:` (then no two rows' parts spell one
/// key, and the UNIQUE index on `(debtor_id, as_of, step, key_digest)` holds a key once as the
/// UNIQUE column did). Any other key (written by hand, by a test, or not of this shape) stays text
/// in `idempotency_key`, whose partial UNIQUE index holds it once. Readers take ``sql(_:)``.
package enum DunningEventKey {
    /// The 64 bits of `key`'s digest (as SQLite stores an INTEGER) when `key` is the compact form of
    /// an event with `asOf`, `debtorKey` and `step`; nil when it must be stored as text.
    package static func digest(key: String, asOf: String, debtorKey: String, step: String) -> Int64? {
        let colon = UInt8(ascii: ":")
        guard !debtorKey.utf8.contains(colon), !step.utf8.contains(colon) else { return nil }
        let prefix = "dunning:\(asOf):\(debtorKey):\(step):"
        guard key.utf8.count > prefix.utf8.count, key.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) else { return nil }
        let hex = key.utf8.dropFirst(prefix.utf8.count)
        guard hex.count <= 16, let value = UInt64(String(decoding: hex, as: UTF8.self), radix: 16),
              String(value, radix: 16).utf8.elementsEqual(hex) else { return nil }
        return Int64(bitPattern: value)
    }

    /// The key `digest` stands for (what ``sql(_:)`` gives in SQL).
    package static func key(digest: Int64, asOf: String, debtorKey: String, step: String) -> String {
        "dunning:\(asOf):\(debtorKey):\(step):\(String(UInt64(bitPattern: digest), radix: 16))"
    }

    /// The SQL of an event's idempotency key as text however it is stored, for a query on
    /// `dunning_event` `table` (a name or alias). SQLite's `printf('%x')` writes an INTEGER's 64 bits
    /// as unsigned hexadecimal without leading zeros, as `String(_:radix:)` does.
    package static func sql(_ table: String = "dunning_event") -> String {
        """
        COALESCE(\(table).idempotency_key, 'dunning:' || \(table).as_of || ':' || (SELECT kd.debtor_key FROM debtor kd \
        WHERE kd.id = \(table).debtor_id) || ':' || \(table).step || ':' || printf('%x', \(table).key_digest))
        """
    }

    /// The ids of the dunning events whose key is `key` (SQL text, e.g. `?1` or
    /// `NEW.idempotency_key`; evaluated more than once), found through the indexes: the text key's
    /// partial UNIQUE index, and for a key of Dunning's shape the debtor and day it names
    /// (`dunning_event_by_debtor`).
    package static func idsSQL(key: String) -> String {
        """
        SELECT ke.id FROM dunning_event ke WHERE ke.idempotency_key = \(key) \
        UNION ALL SELECT ke.id FROM dunning_event ke WHERE \(digestMatchSQL("ke", key: key))
        """
    }

    /// The condition that dunning event `table` stores `key` (SQL text, evaluated more than once) as its
    /// digest, found through `dunning_event_by_debtor` by the debtor and day the key names.
    package static func digestMatchSQL(_ table: String, key: String) -> String {
        // 'dunning:' is 8 bytes, the day 10, then ':' and the debtor key up to the next ':'.
        let rest = "substr(\(key), 20)"
        return """
            \(table).debtor_id = (SELECT kd.id FROM debtor kd WHERE kd.debtor_key = substr(\(rest), 1, instr(\(rest), ':') - 1)) \
            AND \(table).as_of = substr(\(key), 9, 10) AND substr(\(key), 1, 8) = 'dunning:' AND \(table).key_digest IS NOT NULL \
            AND \(sql(table)) = \(key)
            """
    }
}
