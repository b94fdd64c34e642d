/// FNV-1a 64 over a record's normalised values: the content hash that tells an unchanged row
/// from a changed one on re-ingest.
struct ContentHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ s: String?) {
        guard var s else { byte(0x00); return }
        s.withUTF8 { p in for b in p { byte(b) } }
        byte(0x1F)
    }

    mutating func add(_ v: Int64?) {
        guard let v else { byte(0x00); return }
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 { byte(UInt8(x & 0xFF)); x >>= 8 }
        byte(0x1F)
    }

    mutating func add(_ b: Bool) { byte(b ? 1 : 2); byte(0x1F) }

    @inline(__always) private mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }

    var signed: Int64 { Int64(bitPattern: value) }
}
