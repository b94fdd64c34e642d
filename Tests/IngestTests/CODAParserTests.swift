import Foundation
import Ledger
import RelanceTestSupport
import Testing

@testable import Ingest

@Suite struct CODAParserTests {
    static let sample = "data/coda/odoo-l10n_be_coda-2013-01-11.cod"

    @Test func publicOdooSampleReadsAsTheRulesFileSays() throws {
        guard try RequiredTools.check(.shared(Self.sample)) else { return }
        let data = try #require(FileManager.default.contents(atPath: TestPaths.shared + "/" + Self.sample))
        let statements = try CODAParser.parse(Array(data), fileName: "odoo.cod")
        #expect(statements.count == 1)
        let s = try #require(statements.first)
        #expect(s.account == "BE33737018595246" && s.currency == .eur)
        #expect(s.oldBalance == 1_181_270 && s.newBalance == 1_352_781)
        let m = try #require(s.movements.first { $0.ogm == "240283842818" })
        #expect(m.amount == 304_445 && m.counterpartyIBAN == "BE61310126985517" && m.counterpartyName == "PARTNER 2")
        #expect(m.valueDate == Day(iso: "2011-01-11"))
    }

    /// An ASCII line is read as bytes; any other as characters. Both readings of every line of a
    /// statement give the same characters and fields at every position.
    @Test func anASCIILineReadsTheSameAsBytesAndAsCharacters() throws {
        let data = try #require(FileManager.default.contents(atPath: fixture("bank/statement-042.cod")))
        var lines = 0
        for line in Array(data).split(separator: 0x0A) {
            let bytes = line.last == 0x0D ? line.dropLast() : line
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 < 0x80 }) else { continue }
            let asBytes = CODAParser.Record(ascii: bytes, line: 1)
            let asCharacters = CODAParser.Record(Array(String(decoding: bytes, as: UTF8.self)), line: 1)
            #expect(asBytes.ascii != nil && asCharacters.ascii == nil)
            for i in 0..<128 { #expect(asBytes.char(i) == asCharacters.char(i)) }
            for from in 0..<128 {
                for to in Array(stride(from: from, to: 128, by: 7)) + [128] {
                    guard asBytes.text(from, to) == asCharacters.text(from, to), asBytes.raw(from, to) == asCharacters.raw(from, to),
                          asBytes.compacted(from, to) == asCharacters.compacted(from, to)
                    else { Issue.record("line \(lines + 1), positions \(from)..<\(to) differ"); return }
                }
            }
            lines += 1
        }
        #expect(lines > 10)
        // A line with a Windows-1252 letter is read as characters, at the same positions.
        let name = Array("2300010000BE68539007547034                  EURJOS".utf8) + [0xE9] + Array(" PEETERS".utf8)
        let r = try #require(CODAParser.record(name[...], utf8: false, lineNo: 7))
        #expect(r.ascii == nil && r.text(47, 82) == "JOSé PEETERS" && r.compacted(10, 44) == "BE68539007547034")
        #expect(CODAParser.record(Array("   \r".utf8)[...], utf8: true, lineNo: 1) == nil)
    }

    /// Property: over seeded random ASCII lines (spaces alone and in runs, digits, signs, letters),
    /// a line read as bytes gives the same fields as read as characters at every position, and the
    /// same day (or the same refusal) for every six positions: the bytes' shortcuts for a field
    /// without a run of spaces and for a six-digit date change nothing.
    @Test func randomASCIILinesReadTheSameAsBytesAndAsCharacters() throws {
        var rng = SeededGenerator(state: 17)
        let alphabet = Array("0123456789   +-/AZ".utf8)
        for n in 0..<60 {
            // Dates' digits often valid (day 01-28, month 01-12), sometimes anything.
            var bytes = (0..<128).map { _ in alphabet.randomElement(using: &rng) ?? 0x20 }
            if n % 2 == 0 {
                let at = Int.random(in: 0...122, using: &rng)
                let date = String(format: "%02d%02d%02d", Int.random(in: 0...31, using: &rng), Int.random(in: 0...13, using: &rng),
                                  Int.random(in: 0...99, using: &rng))
                bytes.replaceSubrange(at..<at + 6, with: Array(date.utf8))
            }
            let asBytes = CODAParser.Record(ascii: bytes[...], line: n)
            let asCharacters = CODAParser.Record(Array(String(decoding: bytes, as: UTF8.self)), line: n)
            for from in 0..<128 {
                for to in from...min(128, from + 64) {
                    guard asBytes.text(from, to) == asCharacters.text(from, to), asBytes.compacted(from, to) == asCharacters.compacted(from, to)
                    else { Issue.record("line \(n), positions \(from)..<\(to) differ"); return }
                }
                for to in [from + 6, from + 5, from + 7] where to <= 128 {
                    let a = Result { try asBytes.day(from, to) }, c = Result { try asCharacters.day(from, to) }
                    guard (try? a.get()) == (try? c.get()) else { Issue.record("line \(n), the day at \(from)..<\(to) differs"); return }
                }
            }
        }
    }
}
