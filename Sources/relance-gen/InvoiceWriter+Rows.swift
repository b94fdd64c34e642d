import Ledger

/// Row formatting for the invoice and payment files.
extension InvoiceWriter {
    /// The two check digits of the structured reference built on `counter`: `counter mod 97`, 0 → 97.
    ///
    /// Equal to ``StructuredReference/init(number:)`` (the base is the counter zero-padded to ten
    /// digits, and a zero-padded number's mod 97 is the number's); `relance-gen` checks this at start-up.
    static func referenceCheck(_ counter: UInt64) -> UInt64 {
        let r = counter % 97
        return r == 0 ? 97 : r
    }

    /// `invoice_number,debtor_id,issue_date,due_date,currency,amount,open_amount,type,structured_reference,description,disputed`.
    mutating func writeInvoice(_ invoice: Invoice, open: Int64, disputed: Bool, to out: OutputFile) throws(OutputError) {
        try out.beginRow()
        writeInvoiceNumber(invoice, to: out)
        out.comma()
        writeDebtorID(invoice.debtor, to: out)
        out.comma()
        days.write(invoice.issue, to: out)
        out.comma()
        days.write(invoice.due, to: out)
        out.comma()
        out.bytes(Vocabulary.currency)
        out.comma()
        out.cents(invoice.amount)
        out.comma()
        if open == 0 { out.bytes(Vocabulary.zeroAmount) } else { out.cents(open) }
        out.comma()
        out.bytes(invoice.isCreditNote ? Vocabulary.typeCreditNote : Vocabulary.typeInvoice)
        out.comma()
        writeReference(invoice, to: out)
        out.comma()
        let lang = Int(profiles[invoice.debtor].language.rawValue)
        out.bytes(
            invoice.isCreditNote
                ? Vocabulary.creditNoteDescriptions[lang][invoice.description]
                : Vocabulary.invoiceDescriptions[lang][invoice.description])
        out.comma()
        out.bytes(disputed ? Vocabulary.yes : Vocabulary.no)
        out.newline()
    }

    /// `payment_id,date,amount,currency,invoice_number,structured_reference,debtor_id`, quoting either
    /// the structured reference or the invoice number as the debtor's habit says.
    mutating func writePayment(of invoice: Invoice, amount: Int64, on date: Day) throws(OutputError) {
        let out = files.payments
        try out.beginRow()
        paymentCounter += 1
        out.bytes(Vocabulary.paymentPrefix)
        if let flowDay = paymentDay {
            // The daily flow's ids, `PAY-2026-11-23-0000001`: unique across days and apart from the base's.
            days.write(flowDay, to: out)
            out.byte(0x2D)
            out.digits(paymentCounter, width: 7)
        } else {
            out.digits(paymentCounter, width: plan.paymentWidth)
        }
        out.comma()
        days.write(date, to: out)
        out.comma()
        out.cents(amount)
        out.comma()
        out.bytes(Vocabulary.currency)
        out.comma()
        if rng.below(100) < Int(profiles[invoice.debtor].structuredReferencePercent) {
            out.comma()
            writeReference(invoice, to: out)
        } else {
            writeInvoiceNumber(invoice, to: out)
            out.comma()
        }
        out.comma()
        writeDebtorID(invoice.debtor, to: out)
        out.newline()
    }

    /// `INV-2026-0000001`: the issue year and the global counter.
    func writeInvoiceNumber(_ invoice: Invoice, to out: OutputFile) {
        out.bytes(Vocabulary.invoicePrefix)
        days.writeYear(invoice.issue, to: out)
        out.byte(0x2D)
        out.digits(invoice.counter, width: plan.invoiceWidth)
    }

    /// The 12-digit structured reference: the counter in ten digits and its check digits.
    func writeReference(_ invoice: Invoice, to out: OutputFile) {
        out.digits(invoice.counter, width: 10)
        out.digits(InvoiceWriter.referenceCheck(invoice.counter), width: 2)
    }

    /// `D000001`.
    func writeDebtorID(_ index: Int, to out: OutputFile) {
        out.byte(0x44)
        out.digits(UInt64(index + 1), width: debtorWidth)
    }
}
