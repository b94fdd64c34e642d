import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Ledger

/// Reads ISO 20022 camt.053 (`BkToCstmrStmt/Stmt`) and camt.054 (`BkToCstmrDbtCdtNtfctn/Ntfctn`)
/// bank-to-customer messages, any version (elements are matched by local name, namespaces
/// ignored). Per entry (`Ntry`): amount and currency, `CdtDbtInd`, booking and value dates; per
/// transaction detail (`NtryDtls/TxDtls`): its amount when given, the debtor's name (`Dbtr/Nm`
/// or `Dbtr/Pty/Nm`) and IBAN (`DbtrAcct/Id/IBAN`), the structured reference
/// (`Strd/CdtrRefInf/Ref` with `Issr` BBA → Belgian OGM, ISO → RF) and free text (`Ustrd`).
/// A statement with opening and closing balances (`OPBD`/`PRCD`, `CLBD`) must add up.
/// Every amount is in the account's currency (`Acct/Ccy`, else the statement's first amount's): a
/// balance or an entry in another currency refuses the file (rule `camt-currency`) rather than booking
/// it as the account's; a transaction detail's amount in another currency (an instructed amount) is
/// not read as the payment's.
final class CamtParser: NSObject, XMLParserDelegate {
    private var path: [String] = []
    private var text = ""
    private var statements: [BankStatement] = []
    private var statement: BankStatement?
    private var statementID = ""
    private var balanceType = ""
    private var balanceAmount: Int64?
    private var balanceSign = ""
    private var entry: Entry?
    private var detail: Detail?
    private var amountCurrency: String?
    /// True once the statement's currency is known (its `Acct/Ccy`, or its first amount's `Ccy`).
    private var currencyKnown = false
    private var failure: BankFileError?
    private var entryCount = 0
    private var parser: XMLParser?

    private struct Entry {
        var amount: Int64 = 0
        var currency = ""
        var credit = true
        var booking: Day?
        var value: Day?
        var reference = ""
        var details: [Detail] = []
        var index = 0
    }

    private struct Detail {
        var amount: Int64?
        var name: String?
        var iban: String?
        var reference: String?
        var issuer: String?
        var code: String?
        var unstructured: [String] = []
        var endToEnd: String?
    }

    /// Parses a whole camt document.
    static func parse(_ data: Data) throws -> [BankStatement] {
        let delegate = CamtParser()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        delegate.parser = parser
        let ok = parser.parse()
        if let f = delegate.failure { throw f }
        guard ok else {
            throw BankFileError(line: parser.lineNumber, rule: "xml",
                                message: "not well-formed XML: \(parser.parserError.map { "\($0.localizedDescription)" } ?? "parse error")")
        }
        guard !delegate.statements.isEmpty else {
            throw BankFileError(line: 1, rule: "camt-structure", message: "no BkToCstmrStmt/Stmt or BkToCstmrDbtCdtNtfctn/Ntfctn in the document")
        }
        return delegate.statements
    }

    private func fail(_ rule: String, _ message: String) {
        if failure == nil { failure = BankFileError(line: parser?.lineNumber ?? 0, rule: rule, message: message) }
        parser?.abortParsing()
    }

    private var joined: String { path.joined(separator: "/") }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        path.append(name)
        text = ""
        switch name {
        case "Stmt" where path.count >= 2 && path[path.count - 2] == "BkToCstmrStmt",
             "Ntfctn" where path.count >= 2 && path[path.count - 2] == "BkToCstmrDbtCdtNtfctn":
            statement = BankStatement(format: "camt", key: "", account: "", currency: .eur, line: parser.lineNumber)
            statementID = ""
            currencyKnown = false
        case "Bal" where statement != nil && entry == nil:
            balanceType = ""; balanceAmount = nil; balanceSign = ""
        case "Ntry" where statement != nil:
            entryCount += 1
            entry = Entry(index: entryCount)
        case "TxDtls" where entry != nil:
            detail = Detail()
        case "Amt", "InstdAmt", "TxAmt":
            amountCurrency = attributes["Ccy"]
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let p = joined
        defer { path.removeLast(); text = "" }
        guard statement != nil else { return }
        if detail != nil {
            endDetail(name, p, value)
        } else if entry != nil {
            endEntry(name, p, value)
        } else {
            endStatement(name, p, value)
        }
        if name == "TxDtls", let d = detail { entry?.details.append(d); detail = nil }
        if name == "Ntry", let e = entry { finishEntry(e); entry = nil }
        if name == "Stmt" || name == "Ntfctn", statement != nil { finishStatement() }
    }

    /// The amount in minor units of the account's currency; nil (and the file refused) when it is not
    /// an amount or not in that currency. `foreign` is what to do with an amount in another currency:
    /// refuse the file (balances, entries) or skip it (a detail's, which the entry's amount replaces).
    private func amount(_ value: String, foreign skip: Bool = false) -> Int64? {
        guard let code = currency(amountCurrency) else { return nil }
        if statement.map({ code != $0.currency }) == true {
            if currencyKnown {
                if skip { return nil }
                fail("camt-currency", "an amount of \(value) \(code.code) on an account in \(statement?.currency.code ?? ""): "
                     + "Relance books a statement in its account's currency only; the file is refused")
                return nil
            }
            statement?.currency = code
        }
        currencyKnown = true
        guard case .success(let m) = AmountParser.parse(value, currency: code, decimal: .point)
        else { fail("camt-amount", "\"\(value)\" is not an amount"); return nil }
        return m.minorUnits
    }

    /// The currency a `Ccy` attribute names (the statement's when there is none); nil (and the file
    /// refused) when it names none.
    private func currency(_ code: String?) -> Currency? {
        guard let code else { return statement?.currency ?? .eur }
        guard let c = Currency(code: code) else { fail("camt-currency", "\"\(code)\" is not a currency code"); return nil }
        return c
    }

    private func day(_ value: String) -> Day? {
        guard let d = Day(iso: value.prefix(10)) else { fail("camt-date", "\"\(value)\" is not a date"); return nil }
        return d
    }

    private func endStatement(_ name: String, _ p: String, _ value: String) {
        if p.hasSuffix("Stmt/Id") || p.hasSuffix("Ntfctn/Id") { statementID = value }
        if p.hasSuffix("Acct/Id/IBAN") { statement?.account = value }
        if p.hasSuffix("Acct/Ccy"), let c = currency(value) {
            if currencyKnown, statement?.currency != c {
                fail("camt-currency", "the account's currency \(c.code) follows an amount in \(statement?.currency.code ?? "")"); return
            }
            statement?.currency = c
            currencyKnown = true
        }
        if p.hasSuffix("Bal/Tp/CdOrPrtry/Cd") { balanceType = value }
        if p.hasSuffix("Bal/Amt") { balanceAmount = amount(value) }
        if p.hasSuffix("Bal/CdtDbtInd") { balanceSign = value }
        if p.hasSuffix("Bal/Dt/Dt") || p.hasSuffix("Bal/Dt/DtTm"), balanceType == "CLBD", let d = day(value) { statement?.date = d }
        if name == "Bal", let a = balanceAmount {
            let signed = balanceSign == "DBIT" ? -a : a
            switch balanceType {
            case "OPBD", "PRCD": statement?.oldBalance = signed
            case "CLBD": statement?.newBalance = signed
            default: break
            }
        }
    }

    private func endEntry(_ name: String, _ p: String, _ value: String) {
        if p.hasSuffix("Ntry/Amt") { entry?.amount = amount(value) ?? 0; entry?.currency = amountCurrency ?? "" }
        if p.hasSuffix("Ntry/CdtDbtInd") { entry?.credit = value == "CRDT" }
        if p.hasSuffix("Ntry/BookgDt/Dt") || p.hasSuffix("Ntry/BookgDt/DtTm") { entry?.booking = day(value) }
        if p.hasSuffix("Ntry/ValDt/Dt") || p.hasSuffix("Ntry/ValDt/DtTm") { entry?.value = day(value) }
        if p.hasSuffix("Ntry/NtryRef") || (p.hasSuffix("Ntry/AcctSvcrRef") && entry?.reference.isEmpty == true) { entry?.reference = value }
    }

    private func endDetail(_ name: String, _ p: String, _ value: String) {
        if p.hasSuffix("TxDtls/Amt") || p.hasSuffix("AmtDtls/TxAmt/Amt"), let a = amount(value, foreign: true) { detail?.amount = a }
        if p.hasSuffix("RltdPties/Dbtr/Nm") || p.hasSuffix("RltdPties/Dbtr/Pty/Nm") { detail?.name = value }
        if p.hasSuffix("RltdPties/DbtrAcct/Id/IBAN") { detail?.iban = value }
        if p.hasSuffix("CdtrRefInf/Ref") { detail?.reference = value }
        if p.hasSuffix("CdtrRefInf/Tp/Issr") { detail?.issuer = value }
        if p.hasSuffix("CdtrRefInf/Tp/CdOrPrtry/Cd") { detail?.code = value }
        if p.hasSuffix("RmtInf/Ustrd") { detail?.unstructured.append(value) }
        if p.hasSuffix("Refs/EndToEndId") { detail?.endToEnd = value }
    }

    private func finishEntry(_ e: Entry) {
        guard let booking = e.booking ?? e.value else { fail("camt-structure", "entry \(e.index) has no booking date"); return }
        let ref = e.reference.isEmpty ? "\(e.index)" : e.reference
        let sign: Int64 = e.credit ? 1 : -1
        let details = e.details.isEmpty ? [Detail()] : e.details
        // Several transaction details in one entry are a batch booking: each detail is a payment.
        for (i, d) in details.enumerated() {
            var m = BankMovement(key: details.count > 1 ? "\(ref)/\(i + 1)" : ref, line: e.index,
                                 amount: sign * (details.count > 1 ? (d.amount ?? 0) : (d.amount ?? e.amount)),
                                 bookingDate: booking, valueDate: e.value)
            if let r = d.reference {
                let compact = r.replacingOccurrences(of: " ", with: "")
                if d.issuer == "ISO" || compact.uppercased().hasPrefix("RF") { m.rf = compact } else { m.ogm = compact }
            }
            m.freeText = d.unstructured.isEmpty ? nil : d.unstructured.joined(separator: " ")
            m.counterpartyIBAN = d.iban?.replacingOccurrences(of: " ", with: "")
            m.counterpartyName = d.name
            m.isDetail = details.count > 1
            statement?.movements.append(m)
        }
        if details.count > 1 {
            let total = details.reduce(Int64(0)) { $0 + ($1.amount ?? 0) }
            if total != e.amount { fail("camt-structure", "entry \(e.index): its details add up to \(total), not the entry's \(e.amount) (minor units)") }
            // The entry total itself, for the balance check, not a payment.
            statement?.movements.append(BankMovement(key: ref, line: e.index, amount: sign * e.amount, bookingDate: booking,
                                                     valueDate: e.value, isGlobalTotal: true))
        }
    }

    private func finishStatement() {
        guard var s = statement else { return }
        statement = nil
        guard !s.account.isEmpty else { fail("camt-structure", "a statement without Acct/Id/IBAN"); return }
        s.key = "CAMT/\(s.account)/\(statementID.isEmpty ? "\(s.line)" : statementID)"
        if let old = s.oldBalance, let new = s.newBalance {
            let moved = s.movements.filter { !$0.isDetail }.reduce(Int64(0)) { $0 + $1.amount }
            guard old + moved == new else {
                let m = { (v: Int64) in Money(minorUnits: v, currency: s.currency).decimalString }
                failure = BankFileError(line: s.line, rule: "balance", message: "statement \(s.key): opening balance \(m(old)) + entries \(m(moved)) = \(m(old + moved)), but the closing balance is \(m(new)); the statement is refused")
                parser?.abortParsing()
                return
            }
        }
        statements.append(s)
    }
}
