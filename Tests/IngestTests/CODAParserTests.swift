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
}
