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

    @Test func bidiAndInvisibleControlsInANameRejectTheRow() throws {
        let t = try TestLedger()
        let text = Self.header + "D1,Good Name,a@b.be\nD2,Evil \u{202E}ASd\u{202C} Co,c@d.be\nD3,Zero\u{200B}Width,e@f.be\nD4,Hidden \u{2066}x\u{2069},g@h.be\n"
        let s = try t.ingest(.debtors, [t.write("bidi.csv", text)])
        #expect(s[0].imported == 1 && s[0].rejected == 3)
        #expect(t.errors(rule: "invisible-character").map(\.line) == [3, 4, 5])
        #expect(t.errors(rule: "invisible-character").first?.message == "name contains the invisible control character U+202E")
    }
}
