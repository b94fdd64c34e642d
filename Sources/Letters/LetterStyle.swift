/// Page geometry and typography of a letter, in PDF points (1/72 inch; 1 mm = 2.8346 pt).
///
/// The recipient block sits in the window of a Belgian right-hand window envelope (DL 110 × 220 mm
/// or C5/6 114 × 229 mm, A4 folded in three at 99 and 198 mm); `docs/LETTERS.md` gives the norm.
enum LetterStyle {
    /// An sRGB colour, components 0…1.
    struct RGB {
        let r: Double
        let g: Double
        let b: Double
        static func gray(_ v: Double) -> RGB { RGB(r: v, g: v, b: v) }
    }

    static let mm = 72.0 / 25.4

    /// A4 width (210 mm).
    static let pageWidth = 595.28
    /// A4 height (297 mm).
    static let pageHeight = 841.89

    /// Left text edge (22 mm).
    static let left = 22 * mm
    /// Right text edge (17 mm from the right edge of the sheet).
    static let right = pageWidth - 17 * mm
    /// Width of the text column.
    static let contentWidth = right - left
    /// Top of the letterhead (15 mm).
    static let top = 15 * mm
    /// Bottom of the footer (10 mm above the bottom edge).
    static let footerBottom = pageHeight - 10 * mm

    /// The recipient block: left edge 118 mm, first line top 57 mm, at most 75 mm wide and 30 mm
    /// high (so within x 334–547 pt, y 162–247 pt: inside the window zone x 330–560, y 155–250).
    static let recipientX = 118 * mm
    static let recipientTop = 57 * mm
    static let recipientWidth = 75 * mm
    static let recipientMaxHeight = 30 * mm

    /// Where the body starts on the first page: 6 mm under the window zone (94 mm).
    static let bodyTop = 94 * mm
    /// Where content starts on the following pages, under the continuation header.
    static let continuationTop = 27 * mm

    /// Fold marks at a third and two thirds of the sheet (DL fold) and the punch mark at the middle.
    static let foldMarks = [99 * mm, 198 * mm]
    static let punchMark = 148.5 * mm

    static let bodySize = 9.5
    static let bodyLineSpacing = 1.2
    static let paragraphGap = 6.0

    /// Cell padding in the items table.
    static let cellPadX = 4.0
    static let cellPadY = 2.8

    /// The QR symbol's side without quiet zone (30 mm, over the 2.5 cm minimum) and the quiet
    /// zone in modules (ISO/IEC 18004).
    static let qrSide = 30 * mm
    static let qrQuietModules = 4.0

    static let ink = RGB.gray(0.1)
    static let muted = RGB.gray(0.38)
    static let accent = RGB(r: 0.11, g: 0.23, b: 0.37)
    static let rule = RGB.gray(0.78)
    static let headerFill = RGB(r: 0.91, g: 0.93, b: 0.95)
    static let paymentFill = RGB.gray(0.965)
    static let white = RGB.gray(1)
}

/// Why a letter cannot be rendered or written. Messages never contain the letter's text.
package enum LetterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A table row does not have one cell per column (row index from 0, expected, found).
    case rowCells(row: Int, expected: Int, found: Int)
    /// `totalsColumn` is not a column of the table.
    case totalsColumn(Int)
    /// The page label does not contain exactly two `%d` (found).
    case pageLabel(found: Int)
    /// pango, the font subsetting or the PDF writer failed (why).
    case rendering(String)
    /// The QR code could not be drawn (the reason).
    case qrCode(String)
    /// The PDF could not be written to a file (path, reason).
    case write(path: String, reason: String)

    /// What went wrong and where.
    package var description: String {
        switch self {
        case .rowCells(let r, let e, let f): "letter table row \(r) has \(f) cells but the table has \(e) columns"
        case .totalsColumn(let c): "totalsColumn \(c) is not a column of the letter's table"
        case .pageLabel(let n): "the page label needs exactly two %d (page and pages), found \(n)"
        case .rendering(let s): "PDF rendering failed: \(s)"
        case .qrCode(let s): "the letter's QR code cannot be drawn: \(s)"
        case .write(let p, let r): "cannot write \(p): \(r)"
        }
    }
}
