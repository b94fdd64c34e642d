import Foundation
import Support
import Testing

@Suite struct FNV1aTests {
    /// The published FNV-1a 64 test vectors.
    @Test func publishedVectors() {
        #expect(FNV1a().value == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a.hash(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
        var h = FNV1a()
        h.add(utf8: "foo")
        h.add(UInt8(ascii: "b"))
        Array("ar".utf8).withUnsafeBufferPointer { h.add($0) }
        #expect(h.value == 0x8594_4171_f739_67e8)
        #expect(h.hex == "85944171f73967e8")
        #expect(h.signed == Int64(bitPattern: 0x8594_4171_f739_67e8))
    }

    /// The reader's file identity is the FNV-1a of every byte, across its 1 MiB reads.
    @Test func readerHashesEveryByte() throws {
        let path = NSTemporaryDirectory() + "fnv-" + UUID().uuidString
        var text = "key,value\n"
        for i in 0..<120_000 { text += "K\(i),\"v \(i)\"\r\n" }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 2 << 20)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = try CSVReader(path: path)
        var record = CSVRecord()
        var n = 0
        while try reader.next(into: &record) { n += 1 }
        #expect(n == 120_001)
        #expect(reader.bytesRead == bytes.count)
        #expect(reader.hash == FNV1a.hash(bytes))
    }
}

@Suite struct RejectsWriterTests {
    /// Header, line, quoted reason and the raw record; outside UTF-8 the reason is kept in ASCII.
    @Test func writesVerbatimRecordsAfterTheirReason() throws {
        let dir = NSTemporaryDirectory() + "rejects-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, asciiOnly) in [("a", false), ("b", true)] {
            let w = try RejectsWriter(path: dir + "/\(name).csv.rejects.csv", rawHeader: Array("key;amount".utf8),
                                      delimiter: UInt8(ascii: ";"), asciiOnly: asciiOnly, byteOrderMark: true)
            w.write(line: 3, reasons: "[amount] \"12,5\" is not € \nok", raw: Array("X;12,5".utf8))
            w.close()
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.csv.rejects.csv"))
        #expect(a == Data("\u{FEFF}rejected_line;rejected_reason;key;amount\n3;\"[amount] \"\"12,5\"\" is not €  ok\";X;12,5\n".utf8))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b.csv.rejects.csv"))
        #expect(b == Data("\u{FEFF}rejected_line;rejected_reason;key;amount\n3;\"[amount] \"\"12,5\"\" is not ?  ok\";X;12,5\n".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/a.csv.rejects.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
