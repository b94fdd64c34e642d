import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// Strict encodings: UTF-8 over the whole file, Windows-1252 only when there is no valid
/// multi-byte UTF-8 sequence at all, a file that mixes them refused at its first offending byte.
@Suite struct EncodingTests {
    static let header = "debtor_id,name,email\n"

    @Test func aUTF8FileWithOneStrayWindows1252ByteIsRefusedAtThatByteAndChangesNothing() throws {
        let t = try TestLedger()
        let good = t.write("debtors.csv", Self.header + "D1,Électricité Hénin SA,a@b.be\nD2,Zoë Façade BV,c@d.be\n")
        #expect(try t.ingest(.debtors, [good])[0].imported == 2)
        // The same export re-saved by a tool that wrote one name in Windows-1252.
        var bytes = Array((Self.header + "D1,Électricité Hénin SA,a@b.be\nD2,Zo").utf8)
        bytes += [0xEB] + Array(" Façade BV,c@d.be\nD3,New,e@f.be\n".utf8)
        let mixed = t.write("mixed.csv", bytes)
        let s = try t.ingest(.debtors, [mixed])
        #expect(s[0].fatal?.contains("mixed encodings") == true)
        #expect(s[0].imported == 0 && s[0].updated == 0)
        let d = try #require(t.errors(rule: "encoding").first)
        #expect(d.description.hasPrefix("mixed.csv:3:6: error: [encoding] mixed encodings: byte 0xEB is not UTF-8, but line 2 has UTF-8 text"))
        #expect(try t.debtor("D1")?.name == "Électricité Hénin SA", "the good names are untouched")
        #expect(try t.debtor("D3") == nil, "nothing of the refused file is kept")
    }

    @Test func theWholeFileDecidesNotItsFirstBlock() throws {
        let t = try TestLedger()
        // 100 000 ASCII rows, then one UTF-8 name and, further on, one Windows-1252 byte.
        var text = Self.header
        for i in 0..<100_000 { text += "A\(i),Name \(i),a\(i)@b.be\n" }
        var bytes = Array(text.utf8) + Array("U1,Hénin,u@b.be\nW1,Caf".utf8) + [0xE9] + Array(",w@b.be\n".utf8)
        let s = try t.ingest(.debtors, [t.write("late.csv", bytes)])
        #expect(s[0].fatal?.contains("mixed encodings") == true)
        #expect(t.errors(rule: "encoding").first?.line == 100_003)
        #expect(try t.count("SELECT COUNT(*) FROM debtor") == 0)
        // Declared in a mapping, the user's choice wins (here: the file is Windows-1252 throughout).
        bytes = Array(Self.header.utf8) + Array("W1,Caf".utf8) + [0xE9] + Array(",w@b.be\n".utf8)
        var mapping = Mapping()
        mapping.encoding = .windows1252
        let declared = try t.ingest(.debtors, [t.write("declared.csv", bytes)], mapping: mapping)
        #expect(declared[0].imported == 1 && declared[0].encoding == "windows-1252")
        #expect(try t.debtor("W1")?.name == "Café")
    }

    @Test func aWindows1252FileWithoutAnyUTF8SequenceIsReadAsWindows1252() throws {
        let t = try TestLedger()
        let bytes = Array(Self.header.utf8) + Array("D1,".utf8) + [0xC9] + Array("lectricit".utf8) + [0xE9, 0x20, 0x80]
            + Array(",a@b.be\n".utf8)
        let s = try t.ingest(.debtors, [t.write("cp1252.csv", bytes)])
        #expect(s[0].encoding == "windows-1252" && s[0].imported == 1)
        #expect(try t.debtor("D1")?.name == "Électricité €")
    }

    @Test func theScanGivesLineAndColumnInCharacters() throws {
        let dir = NSTemporaryDirectory() + "relance-scan-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/f.csv"
        try Data(Array("ab\nçé,".utf8) + [0xFF] + Array("x\n".utf8)).write(to: URL(fileURLWithPath: path))
        let scan = try TextEncoding.scan(path: path)
        #expect(scan.hasMultiByteUTF8 && scan.firstMultiByteLine == 2)
        #expect(scan.firstInvalid?.line == 2 && scan.firstInvalid?.column == 4 && scan.firstInvalid?.byte == 0xFF)
        // A sequence cut off by the end of the file is not UTF-8 either.
        try Data(Array("é\n".utf8) + [0xC3]).write(to: URL(fileURLWithPath: path))
        #expect(try TextEncoding.scan(path: path).firstInvalid?.line == 2)
    }

    /// The scan skips ASCII eight bytes at a time: it finds what a byte-by-byte pass over UTF-8's
    /// grammar finds (line, column, byte), wherever in a word or a 1 MiB read the bytes fall.
    @Test func theScanAgreesWithAByteByBytePass() throws {
        let dir = NSTemporaryDirectory() + "relance-scan-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/f.csv"
        var rng = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [Array("a".utf8), Array("\n".utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8),
                                 [0xFF], [0xC3], [0xE9], [0xED, 0xA0, 0x80], Array("abcdefgh".utf8), Array("ab\ncd\n\nef".utf8)]
        for round in 0..<300 {
            var bytes: [UInt8] = []
            let length = round < 8 ? (1 << 20) - 8 + round : Int.random(in: 0..<200, using: &rng)
            while bytes.count < length {
                // Mostly ASCII, now and then another piece (only ASCII up to the end of the first read in the long rounds).
                let p = round < 8 ? [0, 1, 9, 10].randomElement(using: &rng)! : Int.random(in: 0..<40, using: &rng)
                bytes += p < pieces.count ? pieces[p] : (p % 3 == 0 ? pieces[1] : pieces[0])
            }
            if round < 8 { bytes += pieces[round + 2] + Array("xy\n".utf8) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let scan = try TextEncoding.scan(path: path)
            let expected = Self.byteByByteScan(bytes)
            #expect(scan.hasMultiByteUTF8 == expected.hasMultiByteUTF8 && scan.firstMultiByteLine == expected.firstMultiByteLine,
                    "round \(round)")
            #expect(scan.firstInvalid?.line == expected.firstInvalid?.line && scan.firstInvalid?.column == expected.firstInvalid?.column
                    && scan.firstInvalid?.byte == expected.firstInvalid?.byte, "round \(round)")
        }
    }

    /// The scan as it was, one byte at a time over the whole file.
    static func byteByByteScan(_ bytes: [UInt8])
        -> (hasMultiByteUTF8: Bool, firstMultiByteLine: Int?, firstInvalid: (line: Int, column: Int, byte: UInt8)?)
    {
        var result: (hasMultiByteUTF8: Bool, firstMultiByteLine: Int?, firstInvalid: (line: Int, column: Int, byte: UInt8)?)
            = (false, nil, nil)
        var line = 1, column = 0, need = 0, lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        var start = (line: 1, column: 0, byte: UInt8(0))
        for b in bytes {
            if need > 0 {
                if b >= lo && b <= hi {
                    need -= 1; lo = 0x80; hi = 0xBF
                    if need == 0 && !result.hasMultiByteUTF8 { result.hasMultiByteUTF8 = true; result.firstMultiByteLine = start.line }
                    continue
                }
                need = 0
                if result.firstInvalid == nil { result.firstInvalid = start }
            }
            column += 1
            if b < 0x80 {
                if b == 0x0A { line += 1; column = 0 }
                continue
            }
            start = (line, column, b)
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: if result.firstInvalid == nil { result.firstInvalid = start }
            }
        }
        if need > 0 && result.firstInvalid == nil { result.firstInvalid = start }
        return result
    }

    @Test func bidiAndInvisibleControlsInANameRejectTheRow() throws {
        let t = try TestLedger()
        let text = Self.header + "D1,Good Name,a@b.be\nD2,Evil \u{202E}ASd\u{202C} Co,c@d.be\nD3,Zero\u{200B}Width,e@f.be\nD4,Hidden \u{2066}x\u{2069},g@h.be\n"
        let s = try t.ingest(.debtors, [t.write("bidi.csv", text)])
        #expect(s[0].imported == 1 && s[0].rejected == 3)
        #expect(t.errors(rule: "invisible-character").map(\.line) == [3, 4, 5])
        #expect(t.errors(rule: "invisible-character").first?.message == "name contains the invisible control character U+202E")
    }
}
