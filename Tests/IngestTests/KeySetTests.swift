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
}
