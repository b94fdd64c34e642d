import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Support
import Testing

@Suite struct IngestDebtorTests {
    @Test func dutchExportWithBOMAndCRLFKeepsEveryCharacter() throws {
        let t = try TestLedger()
        let s = try t.ingest(.debtors, [fixture("debtors-nl.csv")])
        #expect(s == [FileSummary(file: "debtors-nl.csv").with { $0.read = 5; $0.imported = 5; $0.warnings = 0; $0.encoding = "utf-8"; $0.delimiter = "semicolon" }])
        #expect(t.diagnostics.map(\.description) == ["debtors-nl.csv:1:12: warning: [unknown-column] column \"Segment\" is not used"])
        let k1 = try #require(try t.debtor("K001"))
        #expect(k1.name == "Łukasz Wiśniewski")
        #expect(k1.kind == "b2c" && k1.language == "en" && k1.paymentTermsDays == 14 && !k1.onHold)
        let k2 = try #require(try t.debtor("K002"))
        #expect(k2.name == "Şükrü Yılmaz" && k2.city == "Liège" && k2.language == "nl")
        let k3 = try #require(try t.debtor("K003"))
        #expect(k3.name == "Zoë Façade BV" && k3.vatNumber == "BE0428759497" && k3.kind == "b2b" && k3.onHold)
        let k4 = try #require(try t.debtor("K004"))
        #expect(k4.vatNumber == "DE123456789" && k4.country == "DE" && k4.street == "Hauptstraße 3")
        let k5 = try #require(try t.debtor("K005"))
        #expect(k5.name == "Brasserie \"L'Éclair\" SRL")
        #expect(k5.email == "compta@eclair.example, direction@eclair.example")
        #expect(k5.street == "Place du Marché 7, Boîte 2")
    }

    @Test func reingestIsIdempotentAndAChangeIsKeptInHistory() throws {
        let t = try TestLedger()
        try t.ingest(.debtors, [fixture("debtors-nl.csv")])
        let again = try t.ingest(.debtors, [fixture("debtors-nl.csv")])
        #expect(again[0].unchanged == 5 && again[0].imported == 0 && again[0].updated == 0)
        #expect(try t.count("SELECT COUNT(*) FROM record_change") == 0)

        var text = try String(contentsOfFile: fixture("debtors-nl.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "lukasz@example.pl", with: "lukasz@example.be")
        let changed = t.write("debtors-nl.csv", text)
        let s = try t.ingest(.debtors, [changed])
        #expect(s[0].updated == 1 && s[0].unchanged == 4)
        #expect(try t.debtor("K001")?.email == "lukasz@example.be")
        let change = try #require(try t.store.pool.read { db in try RecordChangeRecord.fetchOne(db) })
        #expect(change.entity == "debtor" && change.entityKey == "K001" && change.change == "update")
        #expect(change.oldValues == #"{"email":"lukasz@example.pl"}"#)
        #expect(change.newValues == #"{"email":"lukasz@example.be"}"#)
    }

    @Test func hostileValues() throws {
        let t = try TestLedger()
        var bytes = Array("debtor_id,name,email,vat_number\n".utf8)
        bytes += Array("H1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",a@b.be,\n".utf8)
        bytes += Array("H2,\"Evil\r\nBcc: victim@example.com\",a@b.be,\n".utf8)
        bytes += Array("H3,Nul".utf8) + [0] + Array("byte,a@b.be,\n".utf8)
        bytes += Array("H4,Good,\"a@b.be\r\nBcc: x@y.be\",\n".utf8)
        bytes += Array("H5,Bad VAT,,BE0431150351\n".utf8)
        bytes += Array("H6,Bad mail,not-an-address,\n".utf8)
        let s = try t.ingest(.debtors, [t.write("hostile.csv", bytes)])
        #expect(s[0].imported == 1 && s[0].rejected == 5)
        #expect(try t.debtor("H1")?.name == "=HYPERLINK(\"http://evil.example\",\"x\")")
        #expect(t.errors(rule: "control-character").map(\.line) == [3, 5, 6])
        #expect(t.errors(rule: "vat").map(\.line) == [8])
        #expect(t.errors(rule: "email").map(\.line) == [9])
        #expect(try t.count("SELECT COUNT(*) FROM debtor WHERE name LIKE '%Bcc%' OR email LIKE '%Bcc%'") == 0)
    }

    /// A stray Windows-1252 byte in a UTF-8 file refuses the whole file at that byte (EncodingTests).
    @Test func brokenUTF8LateInAFileRefusesTheFileAtThatByte() throws {
        let t = try TestLedger()
        var text = "debtor_id,name\n"
        for i in 0..<3000 { text += "D\(i),Zoë Ñandú número \(i)\n" }  // > 64 KiB of valid UTF-8
        var bytes = Array(text.utf8)
        bytes += Array("BAD,Caf".utf8) + [0xE9] + Array("\nD-last,Łódź\n".utf8)
        let s = try t.ingest(.debtors, [t.write("late.csv", bytes)])
        #expect(s[0].fatal?.contains("mixed encodings") == true)
        #expect(s[0].imported == 0)
        #expect(t.errors(rule: "encoding").map { "\($0.line):\($0.column)" } == ["3002:8"])
        #expect(try t.debtor("D-last") == nil)
    }

    @Test func missingRequiredColumnRefusesTheFileButNotTheOthers() throws {
        let t = try TestLedger()
        let bad = t.write("no-name.csv", "debtor_id,email\nX1,a@b.be\n")
        let s = try t.ingest(.debtors, [bad, fixture("debtors-nl.csv")])
        #expect(s[0].fatal != nil && s[0].imported == 0)
        #expect(s[1].imported == 5)
        #expect(t.errors(rule: "missing-column").first?.description.hasPrefix("no-name.csv:1:0: error: [missing-column] no name column") == true)
        #expect(try t.debtor("X1") == nil)
    }
}

extension FileSummary {
    func with(_ f: (inout FileSummary) -> Void) -> FileSummary {
        var c = self
        f(&c)
        return c
    }
}

@Suite struct MappingTests {
    @Test func oneExportColumnForTwoCanonicalOnesAndRepeatedKeysSkipped() throws {
        let t = try TestLedger()
        let p = t.write("ar.csv", "customerID,InvoiceDate\nC-1,1/2/2013\nC-2,1/3/2013\nC-1,1/4/2013\n")
        var m = Mapping()
        m.columns = [.debtorID: "customerid", .name: "customerid"]
        m.skipRepeatedKeys = true
        let s = try t.ingest(.debtors, [p], mapping: m)
        #expect(s[0].read == 3 && s[0].imported == 2 && s[0].unchanged == 1 && s[0].rejected == 0)
        #expect(try t.debtor("C-1")?.name == "C-1")
        #expect(t.diagnostics.contains { $0.rule == "repeated-key" && $0.severity == .note })
        // Without the option the repeated key is an error.
        m.skipRepeatedKeys = false
        let u = try TestLedger()
        let r = try u.ingest(.debtors, [u.write("ar.csv", "customerID\nC-1\nC-1\n")], mapping: m)
        #expect(r[0].rejected == 1 && u.errors(rule: "duplicate-key").count == 1)
    }
}

@Suite struct PaperlessAndIgnoreTests {
    @Test func paperlessSinceIsReadAndAnIgnoredColumnStaysUnread() throws {
        let t = try TestLedger()
        let p = t.write("d.csv", "debtor_id,name,PaperlessDate,Disputed\nC-1,C-1,4/6/2013,Yes\nC-2,C-2,,No\n")
        var m = Mapping()
        m.dateOrder = .mdy
        m.ignore = [foldHeader("Disputed")]
        let s = try t.ingest(.debtors, [p], mapping: m)
        #expect(s[0].imported == 2)
        #expect(try t.debtor("C-1")?.paperlessSince == "2013-04-06" && t.debtor("C-2")?.paperlessSince == nil)
        #expect(!t.diagnostics.contains { $0.rule == "unknown-column" })
        let loaded = try Mapping.load(path: t.write("m.toml", "ignore = [\"Disputed\", \"DaysLate\"]\n"))
        #expect(loaded.ignore == ["disputed", "dayslate"])
    }
}
