/// FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3): the one hash behind file
/// identities (`fnv1a64:…`), content hashes that tell an unchanged row from a changed one and the
/// dunning event keys (an ingest's in-memory duplicate keys use `KeySet`'s word-at-a-time hash,
/// never stored). Not cryptographic: it tells apart, it does not protect.
package struct FNV1a: Sendable, Equatable {
    /// The FNV-1a 64 offset basis: the hash of nothing.
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64 prime.
    package static let prime: UInt64 = 0x100_0000_01b3

    /// The running hash (internal, readable by the inlined adders).
    @usableFromInline var state: UInt64

    /// The hash of every byte added so far.
    @inlinable package var value: UInt64 { state }

    /// A hash of nothing yet.
    @inlinable package init() { state = Self.offsetBasis }

    /// Adds one byte.
    @inlinable @inline(__always)
    package mutating func add(_ byte: UInt8) { state = (state ^ UInt64(byte)) &* Self.prime }

    /// Adds bytes in order.
    @inlinable
    package mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        var h = state
        for b in bytes { h = (h ^ UInt64(b)) &* Self.prime }
        state = h
    }

    /// Adds bytes in order.
    @inlinable
    package mutating func add<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        var h = state
        for b in bytes { h = (h ^ UInt64(b)) &* Self.prime }
        state = h
    }

    /// Adds a string's UTF-8 bytes (no separator: add one when fields follow each other).
    @inlinable
    package mutating func add(utf8 s: String) {
        var s = s
        s.withUTF8 { add($0) }
    }

    /// The value after a final avalanche (MurmurHash3's 64-bit finaliser), so every bit of the state
    /// reaches every bit of the result: what hash tables and fingerprints use.
    @inlinable package var avalanched: UInt64 {
        var x = state
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// The value as the signed 64-bit integer SQLite stores.
    @inlinable package var signed: Int64 { Int64(bitPattern: value) }

    /// The value in lower-case hexadecimal, without leading zeros (as file identities write it).
    package var hex: String { String(value, radix: 16) }

    /// The hash of `bytes`.
    @inlinable
    package static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a()
        h.add(contentsOf: bytes)
        return h.value
    }
}
