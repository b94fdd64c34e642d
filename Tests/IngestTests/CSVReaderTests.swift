import Foundation
import Support
import Testing

@testable import Ingest

@Suite struct CSVReaderTests {
    func records(_ text: String, delimiter: Character = ",", maxRecordBytes: Int = 1 << 20) throws -> [(Int, [String], String)] {
        let path = NSTemporaryDirectory() + "csv-" + UUID().uuidString
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = try CSVReader(path: path, delimiter: delimiter.asciiValue!, maxRecordBytes: maxRecordBytes)
        var r = CSVRecord()
        var out: [(Int, [String], String)] = []
        while try reader.next(into: &r) {
            out.append((r.line, (0..<r.count).map { String(decoding: r.field($0), as: UTF8.self) }, String(decoding: r.raw, as: UTF8.self)))
        }
        return out
    }

    @Test func plainQuotedAndEscapedFields() throws {
        let r = try records("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n")
        #expect(r.count == 2)
        #expect(r[1].1 == ["1", "x, y", "say \"hi\""])
        #expect(r[1].2 == "1,\"x, y\",\"say \"\"hi\"\"\"")
    }

    @Test func lineBreaksInsideQuotesKeepLineNumbers() throws {
        let r = try records("h1,h2\n\"two\nlines\",x\nnext,y\n")
        #expect(r.map(\.0) == [1, 2, 4])
        #expect(r[1].1 == ["two\nlines", "x"])
    }

    @Test func crlfCrAndMissingFinalNewline() throws {
        #expect(try records("a;b\r\n1;2\r\n3;4", delimiter: ";").map(\.1) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(try records("a\rb\r").map(\.1) == [["a"], ["b"]])
    }

    @Test func emptyFieldsAndBlankLines() throws {
        let r = try records("a,b\n,\n\n1,\n")
        #expect(r.map(\.1) == [["a", "b"], ["", ""], [""], ["1", ""]])
    }

    @Test func unterminatedQuoteIsAFileError() throws {
        #expect(throws: CSVFileError.self) { try records("a,b\n\"never closed,1\n2,3\n") }
    }

    @Test func overlongRecordIsAFileError() throws {
        let big = "a\n\"" + String(repeating: "x", count: 5000)
        #expect(throws: CSVFileError.self) { try records(big, maxRecordBytes: 1000) }
    }

    @Test func recordsLargerThanOneReadAreReassembled() throws {
        // 3 MiB of rows crosses several 1 MiB reads; every row comes back whole.
        let row = "12345678,abcdefghij,\"quoted, field\"\n"
        let text = "h1,h2,h3\n" + String(repeating: row, count: 3 * (1 << 20) / row.utf8.count)
        let r = try records(text)
        #expect(r.count == 1 + 3 * (1 << 20) / row.utf8.count)
        #expect(r.allSatisfy { $0.1.count == 3 })
        #expect(r.last!.1 == ["12345678", "abcdefghij", "quoted, field"])
    }

    @Test func quotesInsideUnquotedFieldsAreLiteral() throws {
        // A quote opens a quoted field only as its first byte; after a quoted part, or mid-field, it is a byte.
        let r = try records("a,b,c\nx\"y,ab\"\"c,\"p\"q\"\n\"\"x,\"\"\"\",z\n")
        #expect(r.count == 3)
        #expect(r[1].1 == ["x\"y", "ab\"\"c", "pq\""])
        #expect(r[2].1 == ["x", "\"", "z"])
    }

    /// RFC 4180 as the reader reads it, a byte at a time (the reader copies unquoted runs whole).
    static func referenceFields(_ text: [UInt8], delimiter: UInt8) -> (records: [[String]], openQuote: Bool) {
        var out: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false, quoted = false, started = false
        var i = 0
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field = []; quoted = false; started = false }
        while i < text.count {
            let c = text[i]
            if inQuotes {
                if c == 0x22 {
                    if i + 1 < text.count && text[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                    inQuotes = false; i += 1; continue
                }
                field.append(c); i += 1; continue
            }
            if c == delimiter { endField(); i += 1 }
            else if c == 0x0A || c == 0x0D {
                endField(); out.append(fields); fields = []
                i += (c == 0x0D && i + 1 < text.count && text[i + 1] == 0x0A) ? 2 : 1
            } else if c == 0x22 && !started && !quoted { inQuotes = true; quoted = true; i += 1 }
            else { field.append(c); started = true; i += 1 }
        }
        return (out.filter { !$0.allSatisfy(\.isEmpty) }, inQuotes)
    }

    @Test func unquotedRunsReadAsByteByByte() throws {
        // Random records over a small alphabet (delimiters, quotes, line ends), larger than one
        // 1 MiB read, so runs are cut at the reads' edges; compared with the byte-at-a-time reference.
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ab,;\"\r\n x".utf8)
        var text: [UInt8] = []
        while text.count < (1 << 20) + 300_000 {
            var line: [UInt8] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) { line.append(alphabet.randomElement(using: &rng)!) }
            text += line + [0x0A]
            if Bool.random(using: &rng) { text += Array(String(repeating: "y", count: Int.random(in: 0...5000, using: &rng)).utf8) + [0x0A] }
        }
        // A quoted field still open at the end is closed, so the file reads to its end.
        if Self.referenceFields(text, delimiter: 0x2C).openQuote { text += [0x22, 0x0A] }
        let got = try records(String(decoding: text, as: UTF8.self)).map(\.1).filter { !$0.allSatisfy(\.isEmpty) }
        #expect(got == Self.referenceFields(text, delimiter: 0x2C).records)
    }

    @Test func encodingDetection() {
        #expect(TextEncoding.detect(sample: Array("naïve".utf8)[...]) == .utf8)
        #expect(TextEncoding.detect(sample: [0x6E, 0x61, 0xEF, 0x76, 0x65][...]) == .windows1252)
        // A sample cut in the middle of a multi-byte character is still UTF-8.
        #expect(TextEncoding.detect(sample: Array("abcé".utf8).dropLast()) == .utf8)
        var out: [UInt8] = []
        #expect(TextEncoding.appendUTF8(fromWindows1252: [0x80, 0xE9, 0x8A][...], to: &out))
        #expect(String(decoding: out, as: UTF8.self) == "€éŠ")
    }

    @Test(arguments: [
        ("Numéro de facture", "numero_de_facture"), ("  E-mail ", "e_mail"), ("N° facture", "n_facture"),
        ("BTW-nummer", "btw_nummer"), ("Échéance", "echeance"), ("invoice_number", "invoice_number"),
    ])
    func headerFolding(_ raw: String, _ folded: String) {
        #expect(foldHeader(raw) == folded)
    }
}
