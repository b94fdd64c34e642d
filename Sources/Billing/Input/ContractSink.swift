import Foundation
import GRDB
import Ledger
import Store
import Workspace

/// Contract rows: checked against the known debtors, upserted by `contract_id`.
///
/// The price is the one field the billing run also writes (indexation). A row whose
/// `price_adjusted_on` is older than the stored one does not overwrite the indexed price: the file
/// still shows the price from before the indexation.
struct ContractSink: BillingRowSink {
    let db: Database
    let defaultCurrency: Currency
    private var debtors: [String: Int64] = [:]
    private var keptIndexedPrice = 0

    init(db: Database, defaultCurrency: Currency) throws {
        self.db = db
        self.defaultCurrency = defaultCurrency
        debtors = try BillingQueries.debtorIDs(db)
    }

    var note: String? {
        keptIndexedPrice == 0 ? nil
            : "\(keptIndexedPrice) contract(s) keep the price Relance indexed after the file's price_adjusted_on"
    }

    func key(_ f: FieldReader) -> String? { f.text("contract_id") }

    mutating func store(_ f: inout FieldReader, batch: Int64?, write: Bool) throws -> RowResult {
        let key = f.required("contract_id")
        var debtorID: Int64? = nil
        if let d = f.required("debtor_id") {
            debtorID = debtors[d]
            if debtorID == nil { f.problem("debtor_id", "unknown-debtor", "debtor \"\(d)\" is not in the ledger; ingest the debtors first") }
        }
        let plan = f.required("plan")
        var currency = defaultCurrency
        if let c = f.text("currency") {
            if let v = Currency(code: c) { currency = v } else { f.problem("currency", "currency", "currency must be an ISO 4217 code such as EUR") }
        }
        var price: Money? = nil
        if f.present("monthly_price") { price = f.money("monthly_price", currency) }
        if let p = price, p.isNegative {
            f.problem("monthly_price", "negative-price", "monthly_price must not be negative")
            price = nil
        }
        let activation = f.present("activation_date") ? f.day("activation_date") : nil
        var adjusted = f.day("price_adjusted_on")
        if adjusted == nil && f.text("price_adjusted_on") == nil { adjusted = activation }
        if let a = activation, let p = adjusted, p < a {
            f.problem("price_adjusted_on", "adjusted-before-activation", "price_adjusted_on \(p) is before the activation date \(a)")
        }
        let series = f.text("index_series")
        let billingDay = f.int("billing_day", 1...28)
        let terms = f.int("payment_terms_days", 0...365) ?? 14
        let floor = f.bool("index_floor") ?? false
        var status = ContractStatus.active
        if let s = f.text("status") {
            if let v = ContractStatus(rawValue: s.lowercased()) { status = v } else {
                f.problem("status", "status", "status must be active, suspended or terminated, found \"\(s)\"")
            }
        }
        let end = f.day("end_date")
        if let a = activation, let e = end, e < a {
            f.problem("end_date", "end-before-activation", "end_date \(e) is before the activation date \(a)")
        }
        if status == .terminated && end == nil && f.text("end_date") == nil {
            f.problem("end_date", "missing-field", "a terminated contract needs its end_date")
        }
        let vatRate = f.text("vat_rate").map { $0.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "")
            .trimmingCharacters(in: .whitespaces) }
        if let r = vatRate, VATRate(r) == nil {
            f.problem("vat_rate", "vat-rate", "vat_rate must be a percentage between 0 and 100, found \"\(r)\"")
        }
        let exemption = f.text("vat_exemption")?.uppercased()
        if let e = exemption, !e.hasPrefix("VATEX-") {
            f.problem("vat_exemption", "vat-exemption", "vat_exemption must be a VATEX code such as VATEX-EU-AE, found \"\(e)\"")
        }
        guard !f.hasErrors, let key, let debtorID, let plan, let price, let activation, let adjusted else { return .refused }
        var values: [String?] = [String(debtorID), plan, currency.code, String(price.minorUnits), activation.description,
                                 adjusted.description, series, billingDay.map(String.init), String(terms), floor ? "1" : "0",
                                 status.rawValue, end?.description]
        // Only when given, so the hashes of files without the VAT columns stay what they were.
        if vatRate != nil || exemption != nil { values += [vatRate, exemption] }
        let hash = contentHash(values)
        let row = ContractValues(debtorId: debtorID, plan: plan, currency: currency.code, monthlyPriceMinor: price.minorUnits,
                                 activationDate: activation.description, priceAdjustedOn: adjusted.description, indexSeries: series,
                                 billingDay: billingDay, paymentTermsDays: terms, indexFloor: floor, status: status,
                                 endDate: end?.description, contentHash: hash, vatRate: vatRate, vatExemption: exemption)
        guard let existing = try BillingQueries.contract(db, key: key) else {
            if write { try BillingCommands.insertContract(db, key: key, row, batch: batch) }
            return .imported
        }
        if existing.contentHash == hash { return .unchanged }
        let storedAdjusted = Day(iso: existing.priceAdjustedOn) ?? adjusted
        let keepPrice = storedAdjusted > adjusted
        if keepPrice { keptIndexedPrice += 1 }
        if write { try BillingCommands.updateContract(db, id: existing.id, row, keepPrice: keepPrice, batch: batch) }
        return .updated
    }
}

/// Usage rows (extras billed in arrears): checked against the known contracts, upserted by
/// contract, month and item. A month already invoiced cannot change.
struct UsageSink: BillingRowSink {
    let db: Database
    private var contracts: [String: Int64] = [:]
    var note: String? { nil }

    init(db: Database) throws {
        self.db = db
        contracts = try BillingQueries.contractIDs(db)
    }

    func key(_ f: FieldReader) -> String? {
        guard let c = f.text("contract_id"), let m = f.text("month"), let i = f.text("item") else { return nil }
        return "\(c) \(m) \(i)"
    }

    mutating func store(_ f: inout FieldReader, batch: Int64?, write: Bool) throws -> RowResult {
        var contract: Int64? = nil
        if let k = f.required("contract_id") {
            contract = contracts[k]
            if contract == nil { f.problem("contract_id", "unknown-contract", "contract \"\(k)\" is not known; ingest the contracts first") }
        }
        let month = f.present("month") ? f.month("month") : nil
        let item = f.required("item")
        let quantity = f.present("quantity") ? f.decimal("quantity") : nil
        let unit = f.present("unit_price") ? f.decimal("unit_price") : nil
        guard !f.hasErrors, let contract, let month, let item, let quantity, let unit else { return .refused }
        let quantityText = BillingRounding.plain(quantity)
        let unitText = BillingRounding.plain(unit)
        let hash = contentHash([quantityText, unitText])
        let existing = try BillingQueries.usage(db, contract: contract, month: month.description, item: item)
        if let existing, existing.contentHash == hash { return .unchanged }
        if let existing, let invoice = try BillingQueries.invoiceBilling(db, usage: existing.id) {
            f.problem("month", "already-invoiced", "the usage of \(month) was invoiced on \(invoice); bill a correction separately")
            return .refused
        }
        guard write else { return existing == nil ? .imported : .updated }
        if let existing {
            try BillingCommands.updateUsage(db, id: existing.id, quantity: quantityText, unitPrice: unitText, contentHash: hash, batch: batch)
            return .updated
        }
        try BillingCommands.insertUsage(db, contract: contract, month: month.description, item: item, quantity: quantityText,
                                        unitPrice: unitText, contentHash: hash, batch: batch)
        return .imported
    }
}

/// Index rows: one value per series and month, exactly as published. A value already used on an
/// invoice line cannot change (a published index is not revised after the fact).
struct IndexSink: BillingRowSink {
    let db: Database
    var note: String? { nil }

    init(db: Database) throws { self.db = db }

    func key(_ f: FieldReader) -> String? {
        guard let s = f.text("series"), let m = f.text("month") else { return nil }
        return "\(s) \(m)"
    }

    mutating func store(_ f: inout FieldReader, batch: Int64?, write: Bool) throws -> RowResult {
        let series = f.required("series")
        let month = f.present("month") ? f.month("month") : nil
        var value: IndexValue? = nil
        if let t = f.required("value") {
            value = IndexValue(text: t)
            if value == nil { f.problem("value", "index-value", "value must be a positive number such as 115.50, found \"\(t)\"") }
        }
        guard !f.hasErrors, let series, let month, let value else { return .refused }
        let stored = try BillingQueries.indexValue(db, series: series, month: month.description)
        if let stored, IndexValue(text: stored)?.value == value.value { return .unchanged }
        if stored != nil, let used = try BillingQueries.invoiceIndexedWith(db, series: series, month: month.description) {
            f.problem("value", "index-used", "\(series) \(month) was already used to index \(used); a published value does not change")
            return .refused
        }
        guard write else { return stored == nil ? .imported : .updated }
        try BillingCommands.upsertIndex(db, series: series, month: month.description, value: value.text, batch: batch)
        return stored == nil ? .imported : .updated
    }
}
