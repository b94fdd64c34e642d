import Support

/// The business keys seen by one ingest command, with the file and line where each first
/// appeared: duplicate detection and the snapshot's "was it listed" question, in memory.
///
/// Keys are kept as 64-bit hashes in a flat open-addressing table (12 bytes a slot at a load of
/// at most one half: about 24 MB for a million keys), not as strings. Two different keys with the
/// same 64-bit hash (odds about 10⁻⁷ for five million keys) would make the second row be reported
/// as a duplicate — refused visibly, never merged.
struct KeySet {
    private var hashes: [UInt64]
    private var lines: [Int32]
    private var files: [UInt16]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        hashes = [UInt64](repeating: 0, count: n)
        lines = [Int32](repeating: 0, count: n)
        files = [UInt16](repeating: 0, count: n)
        mask = n - 1
    }

    /// FNV-1a 64 with a final avalanche, never 0 (0 marks an empty slot).
    static func hash(_ key: String) -> UInt64 {
        var fnv = FNV1a()
        fnv.add(utf8: key)
        var h = fnv.value
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// Inserts a key; returns where it was first seen when it was already there.
    mutating func insert(_ key: String, file: Int, line: Int) -> (file: Int, line: Int)? {
        if (count + 1) * 2 > hashes.count { grow() }
        let h = KeySet.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h { return (Int(files[i]), Int(lines[i])) }
            i = (i + 1) & mask
        }
        hashes[i] = h
        lines[i] = Int32(clamping: line)
        files[i] = UInt16(clamping: file)
        count += 1
        return nil
    }

    /// True when the key was inserted.
    func contains(_ key: String) -> Bool {
        let h = KeySet.hash(key)
        var i = Int(truncatingIfNeeded: h) & mask
        while hashes[i] != 0 {
            if hashes[i] == h { return true }
            i = (i + 1) & mask
        }
        return false
    }

    private mutating func grow() {
        let old = (hashes, lines, files)
        let n = hashes.count * 2
        hashes = [UInt64](repeating: 0, count: n)
        lines = [Int32](repeating: 0, count: n)
        files = [UInt16](repeating: 0, count: n)
        mask = n - 1
        for j in 0..<old.0.count where old.0[j] != 0 {
            var i = Int(truncatingIfNeeded: old.0[j]) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = old.0[j]
            lines[i] = old.1[j]
            files[i] = old.2[j]
        }
    }
}
