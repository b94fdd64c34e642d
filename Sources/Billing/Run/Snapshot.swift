import Foundation
import GRDB
import Ledger
import Store

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
        let rows = try Row.fetchCursor(db, sql: """
            SELECT c.id, c.contract_key, c.debtor_id, d.debtor_key, d.language, c.plan, c.currency, c.monthly_price_minor,
              c.activation_date, c.price_adjusted_on, c.index_series, c.billing_day, c.payment_terms_days, c.index_floor,
              c.status, c.end_date, c.suspended_on, c.reactivation_fee_due,
              d.name, d.street, d.postal_code, d.city, d.country, d.email, d.vat_number,
              EXISTS (SELECT 1 FROM billing_invoice b WHERE b.contract_id = c.id AND b.period = ?1) AS done,
              c.vat_rate, c.vat_exemption, d.kind, ch.channel, ch.peppol_id
            FROM contract c JOIN debtor d ON d.id = c.debtor_id LEFT JOIN billing_channel ch ON ch.debtor_id = d.id
            WHERE c.activation_date <= ?2
            ORDER BY c.contract_key
            """, arguments: [period.description, period.lastDay.description])
        var ids = Set<Int64>()
        while let r = try rows.next() {
            if r[25] as Bool {
                alreadyInvoiced += 1
                continue
            }
            let currency = Currency(code: r[6] as String) ?? .eur
            let c = ContractSnapshot(
                id: r[0], key: r[1], debtorID: r[2], debtorKey: r[3], language: r[4], plan: r[5],
                price: Money(minorUnits: r[7], currency: currency), activation: Day(iso: r[8] as String)!,
                priceAdjustedOn: Day(iso: r[9] as String)!, series: r[10], billingDay: r[11], terms: r[12], floor: r[13],
                status: r[14], end: (r[15] as String?).flatMap { Day(iso: $0) }, suspendedOn: (r[16] as String?).flatMap { Day(iso: $0) },
                reactivationFeeDue: r[17], vatRate: r[26], vatExemption: r[27])
            var a = Addressee(key: r[3], name: r[18], street: r[19], postalCode: r[20], city: r[21], country: r[22], email: r[23],
                              language: r[4], vatNumber: r[24])
            a.identity = BuyerIdentity(kind: r[28], country: r[22], vatNumber: r[24],
                                       channel: (r[29] as String?).flatMap(InvoiceChannel.init(rawValue:)), peppolID: r[30])
            contracts.append((c, a))
            ids.insert(c.id)
        }
        let usageRows = try Row.fetchCursor(db, sql: """
            SELECT u.id, u.contract_id, u.month, u.item, u.quantity, u.unit_price, c.currency,
              c.end_date IS NOT NULL AND c.end_date < ?2 AS ended
            FROM contract_usage u JOIN contract c ON c.id = u.contract_id
            WHERE u.month < ?1 AND NOT EXISTS (SELECT 1 FROM billing_line l WHERE l.usage_id = u.id)
            ORDER BY u.contract_id, u.month, u.item
            """, arguments: [period.description, period.firstDay.description])
        while let r = try usageRows.next() {
            let contract: Int64 = r[1]
            if r[7] as Bool { endedUsage += 1 }
            guard ids.contains(contract), let month = Month(text: r[2] as String), let q = BillingRounding.parse(r[4] as String),
                let unit = BillingRounding.parse(r[5] as String)
            else { continue }
            usage[contract, default: []].append(UsageItem(id: r[0], month: month, item: r[3], quantity: q, unitPrice: unit))
        }
        let index = try Row.fetchCursor(db, sql: "SELECT series, month, value FROM price_index")
        while let r = try index.next() {
            if let m = Month(text: r[1] as String), let v = IndexValue(text: r[2]) { self.index.set(r[0], m, v) }
        }
    }
}
