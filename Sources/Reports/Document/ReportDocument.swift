import Ledger

/// A report before it is rendered: a title and a list of blocks that the HTML, CSV and JSON
/// renderers walk in order.
///
/// Builders fill it from SQL aggregates; a table may stream its rows from a cursor (`stream`)
/// so that a 200,000-debtor listing never sits in memory. A document is rendered inside the read
/// transaction that built it, once.
struct ReportDocument {
    /// `aging`, `forecast`, … (the JSON `report` key).
    var kind: ReportKind
    /// The heading, e.g. "Aged receivables".
    var title: String
    var asOf: Day
    /// What the report is about in one sentence, shown under the title.
    var subtitle: String
    var blocks: [Block] = []
    /// The page's name where it is not one of the five reports (`index`, `debtor`, `trends`):
    /// the JSON `report` key and the footer.
    var name: String? = nil
    /// A link back to the morning page, shown above the title (relative, e.g. `../index.html`).
    var upLink: String? = nil

    /// One part of a report.
    enum Block {
        /// A section heading (HTML `h2`, a title row in CSV, ignored by JSON).
        case heading(String)
        /// Headline figures (cards in HTML, a two-column block in CSV, an object in JSON).
        case figures(id: String, [Figure])
        /// A chart; HTML only (the figures it draws are in a table or figure block too).
        case chart(Chart)
        case table(Table)
        /// A sentence the reader must see (data missing, a limitation); in every format.
        case note(String)
        /// Blocks known only once a streamed table has run, or else computed by their own query
        /// (`Later`); `resolvingLater` puts them in place before a renderer sees the document.
        case later(Later)
    }
}

/// Blocks that a table's stream works out as it goes (the worklist's totals per currency, summed
/// from its listing), so that a night's reports need not run a second query for them. Before the
/// stream has run to its end, `fallback` computes the same blocks with a query of its own.
final class Later {
    /// The same blocks from their own query.
    let fallback: () throws -> [ReportDocument.Block]
    /// The blocks the stream set when it ran to its end.
    var blocks: [ReportDocument.Block]?

    init(fallback: @escaping () throws -> [ReportDocument.Block]) { self.fallback = fallback }
}

/// One headline figure.
struct Figure {
    /// JSON key.
    var key: String
    var label: String
    var value: Cell
    /// Tints the HTML card: neutral, good, warn, bad.
    var tone: Tone = .neutral

    enum Tone: String { case neutral, good, warn, bad }
}

/// A value in a table or figure, typed so each format can print it its own way.
enum Cell {
    /// Text from the ledger or our own; escaped in HTML, neutralised in CSV.
    case text(String)
    /// An amount in minor units: a number in CSV and JSON, grouped with the currency in HTML.
    case money(Int64, Currency)
    case int(Int)
    /// A decimal already rounded, in canonical form (`41.3`): DSO.
    case decimal(String)
    /// A percentage already rounded, in canonical form (`65.7`): a number in CSV and JSON, `65.7 %` in HTML.
    case percent(String)
    /// `YYYY-MM-DD`.
    case day(String)
    /// No value (an empty CSV cell, JSON `null`, an en dash in HTML).
    case empty
    /// Text with a relative link in HTML (`href` is ours, escaped all the same); text elsewhere.
    case link(String, href: String)
    /// A debtor's name, linked to its page in HTML when the run writes debtor pages.
    case debtor(String, id: Int64)

    /// A day or `empty`.
    static func day(_ d: String?) -> Cell { d.map(Cell.day) ?? .empty }
    /// Text or `empty`.
    static func text(_ s: String?) -> Cell { s.map(Cell.text) ?? .empty }
}

/// A column of a table.
struct Column {
    /// CSV header and JSON key: lower-case with underscores.
    var key: String
    /// HTML header.
    var label: String
    /// Right-aligned in HTML (numbers, amounts).
    var numeric: Bool = false
    /// HTML layout: `nowrap` keeps the value on one line, `wide` gives it room (reasons, notes).
    var layout: Layout = .normal

    enum Layout: String {
        case normal, nowrap, wide, name
        /// Left out of HTML (CSV and JSON keep it), where a page is too narrow for every column.
        case dataOnly
    }

    init(_ key: String, _ label: String, numeric: Bool = false, layout: Layout = .normal) {
        self.key = key
        self.label = label
        self.numeric = numeric
        self.layout = layout
    }

    /// The `class` of this column's HTML cells.
    var htmlClass: String? { numeric ? "n" : (layout == .normal ? nil : layout.rawValue) }
}

/// A table: fixed rows, or rows streamed from the database while rendering.
struct Table {
    /// JSON key and CSV block name.
    var id: String
    var title: String
    var columns: [Column]
    var rows: [[Cell]] = []
    /// Streams more rows after `rows`, calling `emit` for each; runs inside the read transaction.
    var stream: ((_ emit: ([Cell]) throws -> Void) throws -> Void)? = nil
    /// Formats that show this table (e.g. the full debtor list is CSV and JSON only).
    var formats: Set<ReportFormat> = Set(ReportFormat.allCases)
    /// HTML shows at most this many rows, then says how many more there are.
    var htmlLimit: Int? = nil
    /// Rows known to follow beyond `rows` and `stream` that HTML only counts (set by `replayingTaps`).
    var omitted = 0
    /// The tap on `stream`, when `tapStreams` set one.
    var tap: TableTap? = nil
    /// Shown under the table in HTML when it has no rows.
    var emptyText = "Nothing to show."
    /// A short caption under the title (HTML) or after the title row (CSV).
    var caption: String? = nil
}

/// A chart drawn as inline SVG.
enum Chart {
    /// Vertical bars with a value label on each, one colour per bar (`tones`).
    case bars(title: String, labels: [String], values: [Int64], currency: Currency, tones: [String])
    /// A band between `low` and `high` with the `mid` line, per week; optional actual values.
    case band(title: String, labels: [String], low: [Int64], mid: [Int64], high: [Int64], currency: Currency)
    /// Stacked bars per label: one series per colour, bottom first (aging buckets over time).
    case stacked(title: String, labels: [String], series: [[Int64]], names: [String], tones: [String], currency: Currency)
    /// A line of decimals in tenths (DSO 41.3 is 413) per label; `nil` is a gap.
    case line(title: String, labels: [String], tenths: [Int64?], unit: String)
    /// Two bars per label: expected and actual.
    case pairs(title: String, labels: [String], first: [Int64], second: [Int64], names: (String, String), currency: Currency)
}

/// The rows of a streamed table that HTML shows, kept while another format streams the whole table,
/// so that a night's reports run each long query once (the worklist's query walks every overdue
/// invoice). Used by `Reports.writeAll` within one report's read transaction.
final class TableTap {
    let keep: Int
    private(set) var head: [[Cell]] = []
    private(set) var count = 0
    private(set) var complete = false

    init(keep: Int) { self.keep = keep }

    /// `stream`, passing every row on and keeping the first `keep`.
    func tapping(_ stream: @escaping (_ emit: ([Cell]) throws -> Void) throws -> Void)
        -> (_ emit: ([Cell]) throws -> Void) throws -> Void {
        { [self] emit in
            head = []
            count = 0
            complete = false
            try stream { row in
                if count < keep { head.append(row) }
                count += 1
                try emit(row)
            }
            complete = true
        }
    }
}

extension ReportDocument {
    /// True while a `later` block waits for its table's stream or its own query.
    var hasLater: Bool {
        blocks.contains { if case .later = $0 { true } else { false } }
    }

    /// The document with each `later` block replaced by its blocks: those its table's stream set,
    /// else those of its own query.
    func resolvingLater() throws -> ReportDocument {
        guard hasLater else { return self }
        var doc = self
        doc.blocks = try blocks.flatMap { block -> [Block] in
            guard case .later(let later) = block else { return [block] }
            return try later.blocks ?? later.fallback()
        }
        return doc
    }

    /// Taps every streamed table that HTML shortens (`htmlLimit`) and another format lists in full.
    mutating func tapStreams() -> [TableTap] {
        var taps: [TableTap] = []
        blocks = blocks.map { block in
            guard case .table(var t) = block, let stream = t.stream, let limit = t.htmlLimit,
                  t.formats.contains(.html), t.formats.count > 1 else { return block }
            let tap = TableTap(keep: limit)
            t.stream = tap.tapping(stream)
            t.tap = tap
            taps.append(tap)
            return .table(t)
        }
        return taps
    }

    /// The document with each completely tapped table's kept rows in place of its stream: what HTML
    /// renders after CSV has streamed the table.
    func replayingTaps() -> ReportDocument {
        var doc = self
        doc.blocks = blocks.map { block in
            guard case .table(var t) = block, let tap = t.tap, tap.complete else { return block }
            t.rows += tap.head
            t.omitted = tap.count - tap.head.count
            t.stream = nil
            return .table(t)
        }
        return doc
    }
}
