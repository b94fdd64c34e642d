/// Everything a letter shows, already worded and formatted in the debtor's language.
///
/// The renderer never translates, formats amounts or dates, or interprets markup: every string is
/// printed as given (plain text; a `\n` inside a paragraph or an address line starts a new line).
/// ``LetterRenderer`` turns it into an A4 PDF with the recipient placed for a Belgian window
/// envelope; see `docs/LETTERS.md` for the page geometry.
package struct LetterDocument: Sendable {
    /// A name with its address lines (letterhead sender or recipient).
    package struct Party: Sendable {
        /// The first line: company or person name.
        package var name: String
        /// The address lines after the name (street, postcode and town, country).
        package var lines: [String]

        /// A party from its name and address lines.
        package init(name: String, lines: [String]) {
            self.name = name
            self.lines = lines
        }
    }

    /// How a table column's cells are aligned.
    package enum Alignment: Sendable {
        /// Text columns: number, description, dates.
        case left
        /// Amounts and counts.
        case right
    }

    /// One column of the open-items table.
    package struct Column: Sendable {
        /// The header cell, repeated at the top of the table on every page.
        package var title: String
        /// The alignment of the header and of every cell in the column.
        package var alignment: Alignment

        /// A column from its header and alignment.
        package init(title: String, alignment: Alignment) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// One line under the table: a label and an amount, the amount under ``totalsColumn``.
    package struct TotalLine: Sendable {
        /// E.g. "Nalatigheidsinterest (12,50 % op € 1.234,56, 31 dagen)".
        package var label: String
        /// The formatted amount, e.g. "€ 13,11".
        package var amount: String
        /// Bold, with a rule above: the total due.
        package var emphasised: Bool

        /// A totals line.
        package init(label: String, amount: String, emphasised: Bool = false) {
            self.label = label
            self.amount = amount
            self.emphasised = emphasised
        }
    }

    /// Items listed under the totals for information only (not yet due, left out), in the table's columns.
    package struct Section: Sendable {
        /// E.g. "Nog niet vervallen, ter informatie".
        package var title: String
        /// One array of cells per row, as many cells as ``LetterDocument/columns``.
        package var rows: [[String]]

        /// A section from its title and rows.
        package init(title: String, rows: [[String]]) {
            self.title = title
            self.rows = rows
        }
    }

    /// The boxed payment instructions with the EPC "scan to pay" QR code.
    package struct PaymentBlock: Sendable {
        /// E.g. "Betaalgegevens".
        package var title: String
        /// Label and value pairs: beneficiary, IBAN, BIC, communication, amount.
        package var lines: [(label: String, value: String)]
        /// The EPC payload (``EPCPayload/make(name:iban:bic:amount:reference:text:information:ogmPlacement:)``);
        /// drawn as a QR code, error correction level M, with its caption under it.
        package var qrPayload: String?
        /// E.g. "Scan met uw bankapp om te betalen".
        package var qrCaption: String?

        /// A payment block.
        package init(title: String, lines: [(label: String, value: String)], qrPayload: String? = nil, qrCaption: String? = nil) {
            self.title = title
            self.lines = lines
            self.qrPayload = qrPayload
            self.qrCaption = qrCaption
        }
    }

    /// The letterhead: company name and address, top left of the first page.
    package var sender: Party
    /// Enterprise number, IBAN, phone, e-mail…: printed in the footer of every page.
    package var senderDetails: [String]
    /// The addressee, placed in the window of a Belgian right-hand window envelope.
    package var recipient: Party
    /// E.g. "Brussel, 21 november 2026".
    package var placeAndDate: String
    /// E.g. "Onze referentie: D000123"; also repeated in the header of continuation pages.
    package var reference: String?
    /// Printed in bold above the body.
    package var subject: String
    /// The paragraphs before the table (plain text, never markup).
    package var paragraphsBefore: [String]
    /// The columns of the open-items table; no table is drawn when empty.
    package var columns: [Column]
    /// The open items, one array of cells per row, as many cells as ``columns``. A long table
    /// continues on the next pages with its header row repeated.
    package var rows: [[String]]
    /// The lines under the table (interest, fees, total due).
    package var totals: [TotalLine]
    /// Sections under the totals, for information (drawn only when they have rows).
    package var sections: [Section] = []
    /// The paragraphs after the table: payment request, greeting, signature.
    package var paragraphsAfter: [String]
    /// The payment instructions with the QR code, after the closing paragraphs.
    package var payment: PaymentBlock?
    /// The page number in the footer, with two `%d`: page and number of pages ("Pagina %d van %d").
    package var pageLabel: String
    /// The column under which the totals' amounts are aligned; nil means the last column.
    package var totalsColumn: Int?
    /// The PDF's creation date in the document information (ISO 8601, `2026-11-21T00:00:00`);
    /// nil leaves it out, so the same letter always gives the same bytes (no clock is read).
    package var creationDate: String?

    /// A letter; every string is printed as given.
    package init(
        sender: Party,
        senderDetails: [String] = [],
        recipient: Party,
        placeAndDate: String,
        reference: String? = nil,
        subject: String,
        paragraphsBefore: [String] = [],
        columns: [Column] = [],
        rows: [[String]] = [],
        totals: [TotalLine] = [],
        paragraphsAfter: [String] = [],
        payment: PaymentBlock? = nil,
        pageLabel: String = "%d / %d",
        totalsColumn: Int? = nil,
        creationDate: String? = nil
    ) {
        self.sender = sender
        self.senderDetails = senderDetails
        self.recipient = recipient
        self.placeAndDate = placeAndDate
        self.reference = reference
        self.subject = subject
        self.paragraphsBefore = paragraphsBefore
        self.columns = columns
        self.rows = rows
        self.totals = totals
        self.paragraphsAfter = paragraphsAfter
        self.payment = payment
        self.pageLabel = pageLabel
        self.totalsColumn = totalsColumn
        self.creationDate = creationDate
    }
}
