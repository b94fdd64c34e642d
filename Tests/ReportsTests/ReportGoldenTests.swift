import Foundation
import Testing

@testable import Reports

/// Every report in every format on the seeded ledger, against golden files.
@Suite struct ReportGoldenTests {
    @Test(arguments: ReportKind.allCases)
    func golden(kind: ReportKind) throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        for format in ReportFormat.allCases {
            let text = try Reports.text(kind: kind, format: format, asOf: seedDay, store: l.store, options: pinnedOptions())
            try assertGolden(text, "\(kind.rawValue).\(format.rawValue)")
        }
        let excel = try Reports.text(kind: kind, format: .csv, asOf: seedDay, store: l.store, options: pinnedOptions(.excelBE))
        try assertGolden(excel, "\(kind.rawValue).excel-be.csv")
    }

    @Test func emptyLedgerRendersEveryReport() throws {
        let l = try TempLedger()
        for kind in ReportKind.allCases {
            for format in ReportFormat.allCases {
                let text = try Reports.text(kind: kind, format: format, asOf: seedDay, store: l.store, options: pinnedOptions())
                #expect(!text.isEmpty)
            }
        }
        let json = try Reports.text(kind: .aging, format: .json, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
    }
}
