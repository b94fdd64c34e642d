import Testing

@testable import Ingest

@Suite struct KeySetTests {
    @Test func remembersFirstLineAcrossGrowth() {
        var set = KeySet(capacity: 4)
        for i in 0..<50_000 { #expect(set.insert("INV-\(i)", file: i % 3, line: i + 2) == nil) }
        #expect(set.count == 50_000)
        #expect(set.insert("INV-123", file: 2, line: 99_999)! == (file: 0, line: 125))
        #expect(set.contains("INV-49999") && !set.contains("INV-50000"))
    }

    /// Room made at once keeps what was there; keys given as bytes are the keys given as strings.
    @Test func reserveKeepsTheKeysAndBytesSpellTheSameKeys() {
        var set = KeySet(capacity: 4)
        for i in 0..<1_000 { _ = set.insert("INV-\(i)", file: 0, line: i + 2) }
        set.reserve(100_000)
        for i in 0..<1_000 { #expect(set.contains("INV-\(i)")) }
        var key = "INV-7"
        let first = key.withUTF8 { set.insert(bytes: $0, file: 1, line: 5) }
        #expect(first! == (file: 0, line: 9))
        var fresh = "INV-éclair"
        #expect(fresh.withUTF8 { set.insert(bytes: $0, file: 1, line: 6) } == nil)
        #expect(set.contains("INV-éclair") && set.count == 1_001)
    }

    /// Keys of every length around the hash's eight-byte words, those that differ only in a trailing
    /// zero byte or in one byte of one word, all stay apart, and their bytes hash as their strings do.
    @Test func keysAcrossWordBoundariesStayApart() {
        var set = KeySet(capacity: 4)
        var keys: [String] = []
        for length in 0...40 {
            let base = String(repeating: "K", count: length)
            keys.append(base)
            keys.append(base + "\u{0}")
            if length > 0 {
                for position in [0, length / 2, length - 1] {
                    var bytes = Array(base.utf8)
                    bytes[position] = UInt8(ascii: "k")
                    keys.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        keys = Array(Set(keys)).sorted()
        for (i, key) in keys.enumerated() {
            var k = key
            #expect(k.withUTF8 { KeySet.hash(bytes: $0) } == KeySet.hash(key))
            #expect(KeySet.hash(key) != 0)
            #expect(set.insert(key, file: 0, line: i) == nil, "\(key.debugDescription) taken for an earlier key")
        }
        #expect(Set(keys.map(KeySet.hash)).count == keys.count)
        for (i, key) in keys.enumerated() { #expect(set.insert(key, file: 1, line: 0)! == (file: 0, line: i)) }
    }

    /// Bringing a chunk's slots in changes nothing: the same answers before and after, through growth
    /// and through keys that probe past their first slot in a full-ish table.
    @Test func prefetchIsOnlyAHint() {
        var set = KeySet(capacity: 4)
        let keys = (0..<3_000).map { "INV-2026-\($0 * 7)" }
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for key in keys {
            ranges.append(bytes.count..<(bytes.count + key.utf8.count))
            bytes.append(contentsOf: key.utf8)
        }
        for (i, key) in keys.enumerated() {
            if i % 512 == 0 {
                bytes.withUnsafeBufferPointer { set.prefetch($0, ranges: ranges[i..<min(i + 512, ranges.count)]) }
            }
            #expect(set.insert(key, file: 0, line: i + 2) == nil)
        }
        bytes.withUnsafeBufferPointer { set.prefetch($0, ranges: ranges) }
        #expect(set.count == 3_000)
        for (i, key) in keys.enumerated() { #expect(set.insert(key, file: 1, line: 1)! == (file: 0, line: i + 2)) }
        #expect(!set.contains("INV-2026-1"))
    }
}
