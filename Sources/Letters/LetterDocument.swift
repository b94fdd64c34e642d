/// Everything a letter shows, already worded and formatted in the debtor's language.
///
/// The renderer never translates, formats amounts or dates, or interprets markup: every string is
/// printed as given (plain text; a `\n` inside a paragraph or an address line starts a new line).
/// ``LetterRenderer`` turns it into an A4 PDF with the recipient placed for a Belgian window
/// envelope; see `docs/LETTERS.md` for the page geometry.
public struct LetterDocument: Sendable {
    /// A name with its address lines (letterhead sender or recipient).
    public struct Party: Sendable {
        /// The first line: company or person name.
        public var name: String
        /// The address lines after the name (street, postcode and town, country).
        public var lines: [String]

        /// A party from its name and address lines.
        public init(name: String, lines: [String]) {
            self.name = name
            self.lines = lines
        }
    }

    /// How a table column's cells are aligned.
    public enum Alignment: Sendable {
        /// Text columns: number, description, dates.
        case left
        /// Amounts and counts.
        case right
    }

    /// One column of the open-items table.
    public struct Column: Sendable {
        /// The header cell, repeated at the top of the table on every page.
        public var title: String
        /// The alignment of the header and of every cell in the column.
        public var alignment: Alignment

        /// A column from its header and alignment.
        public init(title: String, alignment: Alignment) {
            self.title = title
            self.alignment = alignment
        }
    }

    /// One line under the table: a label and an amount, the amount under ``totalsColumn``.
    public struct TotalLine: Sendable {
        /// E.g. "Nalatigheidsinterest (12,50 % op € 1.234,56, 31 dagen)".
        public var label: String
        /// The formatted amount, e.g. "€ 13,11".
        public var amount: String
        /// Bold, with a rule above: the total due.
        public var emphasised: Bool

        /// A totals line.
        public init(label: String, amount: String, emphasised: Bool = false) {
            self.label = label
            self.amount = amount
            self.emphasised = emphasised
        }
    }

    /// Items listed under the totals for information only (not yet due, left out), in the table's columns.
    public struct Section: Sendable {
        /// E.g. "Nog niet vervallen, ter informatie".
        public var title: String
        /// One array of cells per row, as many cells as ``LetterDocument/columns``.
        public var rows: [[String]]

        /// A section from its title and rows.
        public init(title: String, rows: [[String]]) {
            self.title = title
            self.rows = rows
        }
    }

    /// The boxed payment instructions with the EPC "scan to pay" QR code.
    public struct PaymentBlock: Sendable {
        /// E.g. "Betaalgegevens".
        public var title: String
        /// Label and value pairs: beneficiary, IBAN, BIC, communication, amount.
        public var lines: [(label: String, value: String)]
        /// The EPC payload (``EPCPayload/make(name:iban:bic:amount:reference:text:information:ogmPlacement:)``);
        /// drawn as a QR code, error correction level M, with its caption under it.
        public var qrPayload: String?
        /// E.g. "Scan met uw bankapp om te betalen".
        public var qrCaption: String?

        /// A payment block.
        public init(title: String, lines: [(label: String, value: String)], qrPayload: String? = nil, qrCaption: String? = nil) {
            self.title = title
            self.lines = lines
            self.qrPayload = qrPayload
            self.qrCaption = qrCaption
        }
    }

    /// The letterhead: company name and address, top left of the first page.
    public var sender: Party
    /// Enterprise number, IBAN, phone, e-mail…: printed in the footer of every page.
    public var senderDetails: [String]
    /// The addressee, placed in the window of a Belgian right-hand window envelope.
    public var recipient: Party
    /// E.g. "Brussel, 21 november 2026".
    public var placeAndDate: String
    /// E.g. "Onze referentie: D000123"; also repeated in the header of continuation pages.
    public var reference: String?
    /// Printed in bold above the body.
    public var subject: String
    /// The paragraphs before the table (plain text, never markup).
    public var paragraphsBefore: [String]
    /// The columns of the open-items table; no table is drawn when empty.
    public var columns: [Column]
    /// The open items, one array of cells per row, as many cells as ``columns``. A long table
    /// continues on the next pages with its header row repeated.
    public var rows: [[String]]
    /// The lines under the table (interest, fees, total due).
    public var totals: [TotalLine]
    /// Sections under the totals, for information (drawn only when they have rows).
    public var sections: [Section] = []
    /// The paragraphs after the table: payment request, greeting, signature.
    public var paragraphsAfter: [String]
    /// The payment instructions with the QR code, after the closing paragraphs.
    public var payment: PaymentBlock?
    /// The page number in the footer, with two `%d`: page and number of pages ("Pagina %d van %d").
    public var pageLabel: String
    /// The column under which the totals' amounts are aligned; nil means the last column.
    public var totalsColumn: Int?
    /// The PDF's creation date in the document information (ISO 8601, `2026-11-21T00:00:00`);
    /// nil leaves it out, so the same letter always gives the same bytes (no clock is read).
    public var creationDate: String?

    /// A letter; every string is printed as given.
    public init(
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
