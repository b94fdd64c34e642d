import Foundation
import GRDB
import Ledger
import Store
import Workspace

/// What a run of one period reads before it plans: the contracts still to invoice (in contract
/// order, which fixes the order of the numbers), their unbilled usage and the index series.
struct Snapshot {
    var contracts: [(ContractSnapshot, Addressee)] = []
    var usage: [Int64: [UsageItem]] = [:]
    var index = IndexTable()
    var alreadyInvoiced = 0
    /// Unbilled usage rows of contracts that ended before the period.
    var endedUsage = 0

    init(_ db: Database, period: Month) throws {
        let rows = try BillingQueries.contracts(db, period: period.description, lastDay: period.lastDay.description)
        var ids = Set<Int64>()
        while let r = try rows.next() {
            if r.invoiced {
                alreadyInvoiced += 1
                continue
            }
            let currency = Currency(stored: r.currency)
            // The contracts file's rate was checked at ingest; one that no longer reads is never billed at another rate.
            var vatRate: VATRate? = nil
            if let text = r.vatRate {
                guard let rate = VATRate(text) else {
                    throw StoreError.unreadableValue(table: "contract", column: "vat_rate", key: r.contractKey,
                                                     expected: "a VAT rate in percent from 0 to 100")
                }
                vatRate = rate
            }
            let c = ContractSnapshot(
                id: r.id, key: r.contractKey, debtorID: r.debtorId, debtorKey: r.debtorKey, language: r.language, plan: r.plan,
                price: Money(minorUnits: r.monthlyPriceMinor, currency: currency), activation: Day(iso: r.activationDate)!,
                priceAdjustedOn: Day(iso: r.priceAdjustedOn)!, series: r.indexSeries, billingDay: r.billingDay, terms: r.paymentTermsDays,
                floor: r.indexFloor, status: r.status, end: r.endDate.flatMap { Day(iso: $0) }, suspendedOn: r.suspendedOn.flatMap { Day(iso: $0) },
                reactivationFeeDue: r.reactivationFeeDue, vatRate: vatRate, vatExemption: r.vatExemption)
            var a = Addressee(key: r.debtorKey, name: r.name, street: r.street, postalCode: r.postalCode, city: r.city, country: r.country,
                              email: r.email, language: r.language, vatNumber: r.vatNumber)
            a.identity = BuyerIdentity(kind: r.debtorKind, country: r.country, vatNumber: r.vatNumber, channel: r.channel,
                                       peppolID: r.peppolID)
            contracts.append((c, a))
            ids.insert(c.id)
        }
        let usageRows = try BillingQueries.unbilledUsage(db, period: period.description, firstDay: period.firstDay.description)
        while let r = try usageRows.next() {
            if r.contractEnded { endedUsage += 1 }
            guard ids.contains(r.contractId), let month = Month(text: r.month), let q = BillingRounding.parse(r.quantity),
                let unit = BillingRounding.parse(r.unitPrice)
            else { continue }
            usage[r.contractId, default: []].append(UsageItem(id: r.id, month: month, item: r.item, quantity: q, unitPrice: unit))
        }
        let index = try BillingQueries.indexValues(db)
        while let r = try index.next() {
            if let m = Month(text: r.month), let v = IndexValue(text: r.value) { self.index.set(r.series, m, v) }
        }
    }
}
