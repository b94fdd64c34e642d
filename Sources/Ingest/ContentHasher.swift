import Support

/// FNV-1a 64 (Support's `FNV1a`) over a record's normalised values: the content hash that tells
/// an unchanged row from a changed one on re-ingest. Each value ends with 0x1F; a missing one is a
/// single 0x00.
struct ContentHasher {
    private var fnv = FNV1a()
    var value: UInt64 { fnv.value }

    mutating func add(_ s: String?) {
        guard var s else { byte(0x00); return }
        s.withUTF8 { fnv.add($0) }
        byte(0x1F)
    }

    mutating func add(_ v: Int64?) {
        guard let v else { byte(0x00); return }
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { byte(UInt8(x & 0xFF)); x >>= 8 }
        byte(0x1F)
    }

    mutating func add(_ b: Bool) { byte(b ? 1 : 2); byte(0x1F) }

    @inline(__always) private mutating func byte(_ b: UInt8) { fnv.add(b) }

    var signed: Int64 { fnv.signed }
}
