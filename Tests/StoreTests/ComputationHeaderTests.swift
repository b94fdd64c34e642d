import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, eleventh round: formats 5 and 6 of a reminder's computation leave out what the
/// event's own columns hold (day, ladder, step, currency, balance, demanded, interest, fees, total,
/// pay-by day) and each item's due day where it is the event's day less the item's days late; they
/// read back byte for byte, through the record, the SQL function and the export alike.
@Suite struct ComputationHeaderTests {
    static let withInterest = DunningComputationTests.withInterest
    static let items = DunningComputationTests.interestItems
    /// `withInterest`'s own figures, as `dunning_event` holds them.
    static let header = DunningComputation.Header(asOf: "2026-12-05", ladder: "b2b/v1", step: "reminder-2", currency: "EUR",
                                                  balanceMinor: 272_112, demandedMinor: 272_112, interestMinor: 7_287, feesMinor: 8_000,
                                                  totalMinor: 287_399, payBy: "2026-12-19")

    @Test func theEventsFiguresAndDerivableDueDaysAreLeftOutAndComeBackByteForByte() throws {
        let blob = try DunningComputation.compress(Self.withInterest, items: Self.items, header: Self.header)
        #expect(blob.first == 5, "format 5: format 3's text without the event's figures")
        #expect(DunningComputation.needsItems(blob) && DunningComputation.needsHeader(blob))
        let back = try DunningComputation.decompress(blob, items: Self.items.reversed(), header: Self.header)
        #expect([UInt8](back.utf8) == [UInt8](Self.withInterest.utf8))
        #expect(throws: StoreError.missingComputationItems) { try DunningComputation.decompress(blob, items: Self.items) }
        #expect(throws: StoreError.missingComputationItems) { try DunningComputation.decompress(blob, header: Self.header) }
        let format3 = try DunningComputation.compress(Self.withInterest, items: Self.items)
        #expect(format3.first == 3 && blob.count + 15 < format3.count, "\(blob.count) bytes, \(format3.count) with the figures")

        // A column that does not match the JSON, or is NULL: stored as format 3.
        var total = Self.header
        total.totalMinor += 1
        var noPayBy = Self.header
        noPayBy.payBy = nil
        var step = Self.header
        step.step = "reminder-1"
        for header in [total, noPayBy, step] {
            let kept = try DunningComputation.compress(Self.withInterest, items: Self.items, header: header)
            let back = try DunningComputation.decompress(kept, items: Self.items)
            #expect(kept.first == 3 && back == Self.withInterest)
        }
        // An item whose due day is not the event's day less its days late keeps it; the other's is left out.
        var late = Self.items
        late[0].daysLate += 1
        let lateJSON = Self.withInterest.replacingOccurrences(of: #""days_late":57,"#, with: #""days_late":58,"#)
        let partly = try DunningComputation.compress(lateJSON, items: late, header: Self.header)
        #expect(partly.first == 5)
        #expect(try DunningComputation.decompress(partly, items: late, header: Self.header) == lateJSON)
        #expect(blob.count < partly.count)

        // Format 6 over format 4's text: a credit note, another currency's digits.
        let yen = DunningComputationTests.json.replacingOccurrences(of: #""currency":"EUR""#, with: #""currency":"JPY""#)
            .replacingOccurrences(of: #""219.74""#, with: #""21974""#).replacingOccurrences(of: #""0.00""#, with: #""0""#)
            .replacingOccurrences(of: #""credit_note":false,"open":"21974""#, with: #""credit_note":true,"open":"-21974""#)
        let yenItems = [DunningComputation.Item(invoiceID: 1, number: "FA2026-0512", openMinor: -21_974, daysLate: 43)]
        let yenHeader = DunningComputation.Header(asOf: "2026-11-21", ladder: "b2b/v1", step: "reminder-1", currency: "JPY",
                                                  balanceMinor: 21_974, demandedMinor: 21_974, interestMinor: 0, feesMinor: 0,
                                                  totalMinor: 21_974, payBy: "2026-12-05")
        let six = try DunningComputation.compress(yen, items: yenItems, header: yenHeader)
        #expect(six.first == 6)
        #expect(try DunningComputation.decompress(six, items: yenItems, header: yenHeader) == yen)
    }

    @Test func aStoredEventReadsTheSameThroughTheRecordTheSQLFunctionAndTheExport() throws {
        let temporary = try TemporaryStore("computation-header")
        try temporary.store.pool.write { db in try DunningComputationTests.seedReminder(db, payBy: Day(iso: "2026-12-19"), prior: nil) }
        try temporary.store.pool.read { db in
            #expect(try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event")?.first == 5)
            #expect(try String.fetchAll(db, sql: "SELECT \(DunningEventRecord.computationSQL("e")) FROM dunning_event e") == [Self.withInterest])
            #expect(try String.fetchAll(db, sql: "SELECT \(DunningEventRecord.computationSQL()) FROM dunning_event") == [Self.withInterest])
            #expect(try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL).map(\.computation) == [Self.withInterest])
            #expect(throws: StoreError.missingComputationItems) { try DunningEventRecord.fetchAll(db, sql: "SELECT * FROM dunning_event") }
            // The items' text alone, as before formats 5 and 6: the items, no header.
            let context = try DunningComputation.context(json: #"[[3,"INV-2026-0051059",193558,57]]"#)
            #expect(context.items.count == 1 && context.header == nil)
            let text = try #require(try String.fetchOne(db, sql: "SELECT \(DunningComputation.itemsSQL(event: "1"))"))
            #expect(try DunningComputation.context(json: text).header == Self.header)
        }
        // Written back as read: the same blob.
        try temporary.store.pool.write { db in
            let before = try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event")
            for e in try DunningEventRecord.fetchAll(db, sql: DunningEventRecord.selectSQL) { try e.update(db) }
            #expect(try Data.fetchOne(db, sql: "SELECT computation_z FROM dunning_event") == before)
        }
    }
}
