import Foundation
import Support

/// The business keys seen by one ingest command, with the file and line where each first
/// appeared: duplicate detection and the snapshot's "was it listed" question, in memory.
///
/// Keys are kept as 64-bit hashes in a flat open-addressing table (16 bytes a slot at a load of
/// at most one half: about 32 MB for a million keys), not as strings. Two different keys with the
/// same 64-bit hash (odds about 10⁻⁷ for five million keys) would make the second row be reported
/// as a duplicate — refused visibly, never merged. The hashes live only in this table, for one
/// command: none is stored or compared with another process's.
struct KeySet {
    /// One slot: the key's hash (0 when empty) and where it was first seen, together so that a
    /// probe of the 16 MB–32 MB table costs one cache miss, not three.
    private struct Slot: Sendable {
        var hash: UInt64 = 0
        var line: Int32 = 0
        var file: UInt16 = 0
    }
    private var slots: [Slot]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
    }

    /// The key's hash (`hash(bytes:)` of its UTF-8), never 0 (0 marks an empty slot).
    static func hash(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { hash(bytes: $0) }
    }

    /// The hash of the key spelt by these UTF-8 bytes (the same as its `String`'s): eight bytes at a
    /// time (the last word zero-padded, the length mixed in first), each word mixed in by steps that
    /// are one-to-one in the running value, then MurmurHash3's 64-bit finaliser; never 0. Keys of the
    /// same length that differ in one word therefore never collide. Byte-at-a-time FNV-1a cost a
    /// multiplication a byte, in a chain: the checking thread's second cost after the probes.
    static func hash(bytes p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let k: UInt64 = 0x9e37_79b9_7f4a_7c15
        var h = (UInt64(truncatingIfNeeded: p.count) ^ 0x243f_6a88_85a3_08d3) &* k
        if let base = p.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= p.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
                h ^= h >> 29
                i += 8
            }
            if i < p.count {
                var w: UInt64 = 0
                withUnsafeMutableBytes(of: &w) { $0.baseAddress!.copyMemory(from: raw + i, byteCount: p.count - i) }
                h = (h ^ w) &* k
                h ^= h >> 29
            }
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// Inserts a key; returns where it was first seen when it was already there.
    mutating func insert(_ key: String, file: Int, line: Int) -> (file: Int, line: Int)? {
        insert(hash: KeySet.hash(key), file: file, line: line)
    }

    /// Inserts the key spelt by these UTF-8 bytes, as `insert` its `String` does.
    mutating func insert(bytes: UnsafeBufferPointer<UInt8>, file: Int, line: Int) -> (file: Int, line: Int)? {
        insert(hash: KeySet.hash(bytes: bytes), file: file, line: line)
    }

    private mutating func insert(hash h: UInt64, file: Int, line: Int) -> (file: Int, line: Int)? {
        if (count + 1) * 2 > slots.count { grow() }
        let m = mask
        return slots.withUnsafeMutableBufferPointer { p in
            var i = Int(truncatingIfNeeded: h) & m
            while p[i].hash != 0 {
                if p[i].hash == h { return (Int(p[i].file), Int(p[i].line)) }
                i = (i + 1) & m
            }
            p[i] = Slot(hash: h, line: Int32(clamping: line), file: UInt16(clamping: file))
            count += 1
            return nil
        }
    }

    /// Reads the slots where the probes of these keys (UTF-8 bytes at `ranges` of `bytes`) start, in
    /// one pass whose loads do not wait for one another: a chunk's cache misses (a 32 MB table, one
    /// miss a key) overlap before its rows are inserted one by one. Only a hint: nothing changes.
    mutating func prefetch(_ bytes: UnsafeBufferPointer<UInt8>, ranges: some Sequence<Range<Int>>) {
        let m = mask
        var seen: UInt64 = 0
        slots.withUnsafeBufferPointer { p in
            for r in ranges {
                let h = KeySet.hash(bytes: UnsafeBufferPointer(rebasing: bytes[r]))
                seen ^= p[Int(truncatingIfNeeded: h) & m].hash
            }
        }
        // Kept, so that the loads are not optimised away.
        touched = seen
    }
    private var touched: UInt64 = 0

    /// True when the key was inserted.
    func contains(_ key: String) -> Bool { contains(hash: KeySet.hash(key)) }

    /// True when the key spelt by these UTF-8 bytes was inserted.
    func contains(bytes: UnsafeBufferPointer<UInt8>) -> Bool { contains(hash: KeySet.hash(bytes: bytes)) }

    private func contains(hash h: UInt64) -> Bool {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].hash != 0 {
            if slots[i].hash == h { return true }
            i = (i + 1) & mask
        }
        return false
    }

    /// Makes room for `more` keys beyond those held, at once (a table grown by doubling allocates,
    /// zeroes and rehashes every smaller size on the way).
    mutating func reserve(_ more: Int) {
        var n = slots.count
        while n < (count + more) * 2 { n <<= 1 }
        if n > slots.count { grow(to: n) }
    }

    private mutating func grow() { grow(to: slots.count * 2) }

    private mutating func grow(to n: Int) {
        let old = slots
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        for s in old where s.hash != 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}

/// A read-only map from keys to values, built once: the invoice validator's debtors by
/// `debtor_id`, looked up from a field's bytes without making a `String` or hashing one with
/// SipHash. Keys are compared as `String`s compare them (canonical equivalence): each is stored in
/// its NFC form (an ASCII key is its own), its bytes end to end in one array, and a look-up compares
/// the NFC bytes exactly.
struct ByteKeyTable<Value> {
    /// Keys longer than 16 bytes, end to end (shorter ones live in their entry).
    private var keyBytes: [UInt8] = []
    /// One slot: half of the key's hash and its entry's index + 1 (0 when empty), so that a probe costs
    /// one cache miss and a hit one more (the entry, with a short key inline): a look-up per invoice row.
    private struct Slot: Sendable {
        /// The hash's high half.
        var tag: UInt32 = 0
        var entry: Int32 = 0
    }
    fileprivate struct Entry {
        /// The key's first 16 bytes, zero-padded (all of a key of up to 16 bytes), and its length.
        var head: (UInt64, UInt64)
        var count: Int
        /// Where a longer key's bytes start in `keyBytes`.
        var start: Int
        var value: Value
    }
    private var slots: [Slot]
    private var entries: [Entry] = []
    private let mask: Int

    /// A table for `pairs`; of keys that compare equal, the last one's value is kept (as a
    /// `Dictionary` filled in the same order keeps it).
    init(_ pairs: [(String, Value)]) {
        var n = 16
        while n < pairs.count * 2 { n <<= 1 }
        slots = [Slot](repeating: Slot(), count: n)
        mask = n - 1
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            var k = Self.normalised(key)
            k.withUTF8 { p in
                let h = Self.hash(p)
                if let e = index(p, hash: h) {
                    entries[e].value = value
                    return
                }
                let start = keyBytes.count
                if p.count > 16 { keyBytes.append(contentsOf: p) }
                entries.append(Entry(head: Self.head(p), count: p.count, start: start, value: value))
                var i = Int(truncatingIfNeeded: h) & mask
                while slots[i].entry != 0 { i = (i + 1) & mask }
                slots[i] = Slot(tag: UInt32(truncatingIfNeeded: h >> 32), entry: Int32(entries.count))
            }
        }
    }

    /// The first 16 bytes, zero-padded, as two words.
    private static func head(_ p: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        guard let base = p.baseAddress else { return words }
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: min(16, p.count)) }
        return words
    }

    /// The key in NFC, the form `String` equality compares.
    private static func normalised(_ key: String) -> String {
        key.utf8.allSatisfy { $0 < 0x80 } ? key : key.precomposedStringWithCanonicalMapping
    }

    private static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var fnv = FNV1a()
        fnv.add(p)
        let h = fnv.value
        return (h ^ (h >> 29)) &* 0xbf58_476d_1ce4_e5b9
    }

    private func index(_ p: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int? {
        var i = Int(truncatingIfNeeded: h) & mask
        return slots.withUnsafeBufferPointer { slots in
            let tag = UInt32(truncatingIfNeeded: h >> 32)
            while slots[i].entry != 0 {
                if slots[i].tag == tag {
                    let k = Int(slots[i].entry) - 1
                    if matches(entries[k], p) { return k }
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    private func matches(_ e: Entry, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard e.count == p.count, e.head == Self.head(p) else { return false }
        guard p.count > 16 else { return true }
        return keyBytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + e.start, p.baseAddress!, p.count) == 0 }
    }

    /// The values stored under many keys (ASCII bytes; nil asks nothing): the slots, then the entries,
    /// are read in passes whose loads do not wait for one another, so that their cache misses overlap
    /// (a chunk's debtors, before its rows are fingerprinted), then each key is looked up.
    func values(asciiBuffers keys: [UnsafeBufferPointer<UInt8>?]) -> [Value?] {
        let hashes = keys.map { $0.map(Self.hash) ?? 0 }
        var found = [Value?](repeating: nil, count: keys.count)
        slots.withUnsafeBufferPointer { s in
            var entryOf = [Int](repeating: 0, count: keys.count)
            for j in keys.indices where keys[j] != nil { entryOf[j] = Int(s[Int(truncatingIfNeeded: hashes[j]) & mask].entry) }
            entries.withUnsafeBufferPointer { e in
                // The entries' lengths are read only to bring the entries in; the guard below keeps the pass.
                var lengths = 0
                for k in entryOf where k > 0 { lengths &+= e[k - 1].count }
                for j in keys.indices {
                    guard let p = keys[j], lengths >= 0 else { continue }
                    found[j] = index(p, hash: hashes[j]).map { e[$0].value }
                }
            }
        }
        return found
    }

    /// The value stored under the key spelt by these bytes, which must be ASCII (its own NFC form).
    subscript(ascii bytes: ArraySlice<UInt8>) -> Value? {
        bytes.withUnsafeBufferPointer { p in index(p, hash: Self.hash(p)).map { entries[$0].value } }
    }

    /// The same, from a buffer.
    subscript(asciiBuffer p: UnsafeBufferPointer<UInt8>) -> Value? { index(p, hash: Self.hash(p)).map { entries[$0].value } }

    /// The value stored under a key equal to this one.
    subscript(key: String) -> Value? {
        var k = Self.normalised(key)
        return k.withUTF8 { p in index(p, hash: Self.hash(p)).map { entries[$0].value } }
    }
}

extension ByteKeyTable: Sendable where Value: Sendable {}
extension ByteKeyTable.Entry: Sendable where Value: Sendable {}
