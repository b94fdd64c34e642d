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
}
