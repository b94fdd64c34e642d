/// Something drawn on a page. Pages are composed first and drawn afterwards, so that the footer
/// can say "page 1 of 2".
enum Mark {
    case text(TextBox, x: Double, y: Double, color: LetterStyle.RGB)
    case line(TextBox, index: Int, x: Double, baseline: Double, color: LetterStyle.RGB)
    case rule(x0: Double, x1: Double, y: Double, width: Double, color: LetterStyle.RGB)
    case fill(x: Double, y: Double, width: Double, height: Double, color: LetterStyle.RGB)
    case frame(x: Double, y: Double, width: Double, height: Double, lineWidth: Double, color: LetterStyle.RGB)
    case qr(size: Int, modules: [Bool], x: Double, y: Double, module: Double)
}

/// Lays one letter out on A4 pages: letterhead, window address, date and reference, subject,
/// paragraphs, the items table (header repeated on every page), totals, closing paragraphs and the
/// payment block with its QR code; then draws every page with its footer.
final class LetterComposer {
    typealias S = LetterStyle

    let letter: LetterDocument
    let canvas: PDFCanvas
    var pages: [[Mark]] = [[]]
    /// The top of the free space on the current page.
    var y = S.bodyTop
    /// The lowest point content may reach (above the footer).
    private(set) var bottom = S.footerBottom
    private var footerDetails: TextBox?
    private var footerTop = S.footerBottom

    init(letter: LetterDocument, canvas: PDFCanvas) {
        self.letter = letter
        self.canvas = canvas
    }

    var fonts: LetterFonts { canvas.fonts }

    func add(_ mark: Mark) { pages[pages.count - 1].append(mark) }

    /// Lays out and draws the whole letter.
    func render() throws {
        let placeholders = letter.pageLabel.split(separator: "%d", omittingEmptySubsequences: false).count - 1
        guard placeholders == 2 else { throw LetterError.pageLabel(found: placeholders) }
        layoutFooter()
        firstPageHeader()
        for text in letter.paragraphsBefore { paragraph(text) }
        try table()
        if !letter.paragraphsAfter.isEmpty { y += S.paragraphGap }
        let payment = try preparePayment()
        for (i, text) in letter.paragraphsAfter.enumerated() {
            // The payment block never stands alone on a page: the last paragraph goes with it.
            if i == letter.paragraphsAfter.count - 1, let payment, y > pageTop {
                let box = TextBox(canvas, text, font: fonts.body, width: S.contentWidth, lineSpacing: S.bodyLineSpacing)
                if y + box.height + S.paragraphGap + payment.height + 8 > bottom { newPage() }
            }
            paragraph(text)
        }
        if let payment { drawPayment(payment) }
        draw()
    }

    // MARK: pages

    /// Starts a new page with the continuation header (sender, subject, reference).
    func newPage() {
        pages.append([])
        let name = TextBox(canvas, letter.sender.name, font: fonts.small)
        name.ellipsize(at: S.contentWidth * 0.45)
        add(.text(name, x: S.left, y: S.top, color: S.accent))
        let right = [letter.reference, letter.subject].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
        let info = TextBox(canvas, right, font: fonts.small, alignment: .right)
        info.ellipsize(at: S.contentWidth * 0.53)
        add(.text(info, x: S.left + S.contentWidth * 0.47, y: S.top, color: S.muted))
        let below = S.top + max(name.height, info.height) + 4
        add(.rule(x0: S.left, x1: S.right, y: below, width: 0.5, color: S.rule))
        y = max(S.continuationTop, below + 12)
    }

    /// Moves to a new page unless `height` more points fit on this one.
    func ensure(_ height: Double) {
        if y + height > bottom { newPage() }
    }

    /// Letterhead, fold marks, recipient in the window, reference, date and subject.
    private func firstPageHeader() {
        var top = S.top
        let name = TextBox(canvas, letter.sender.name, font: fonts.senderName, width: S.recipientX - S.left - 12)
        add(.text(name, x: S.left, y: top, color: S.accent))
        top += name.height + 3
        if !letter.sender.lines.isEmpty {
            let address = TextBox(canvas, letter.sender.lines.joined(separator: "\n"), font: fonts.small,
                                  width: S.recipientX - S.left - 12)
            add(.text(address, x: S.left, y: top, color: S.muted))
        }
        for mark in S.foldMarks { add(.rule(x0: 5 * S.mm, x1: 9 * S.mm, y: mark, width: 0.4, color: S.rule)) }
        add(.rule(x0: 5 * S.mm, x1: 8 * S.mm, y: S.punchMark, width: 0.4, color: S.rule))
        recipient()

        y = S.bodyTop
        let date = TextBox(canvas, letter.placeAndDate, font: fonts.body, alignment: .right)
        date.fit(S.contentWidth * 0.45)
        add(.text(date, x: date.originX(left: S.right - S.contentWidth * 0.45, width: S.contentWidth * 0.45), y: y, color: S.ink))
        var lineHeight = date.height
        if let reference = letter.reference, !reference.isEmpty {
            let ref = TextBox(canvas, reference, font: fonts.body, width: S.contentWidth * 0.53)
            add(.text(ref, x: S.left, y: y, color: S.ink))
            lineHeight = max(lineHeight, ref.height)
        }
        y += lineHeight + 16
        let subject = TextBox(canvas, letter.subject, font: fonts.subject, width: S.contentWidth)
        add(.text(subject, x: S.left, y: y, color: S.ink))
        y += subject.height + 10
    }

    /// The address in the envelope window, one line per element. When the lines are too many or
    /// too wide for the window at 10 pt, the font steps down to 9 and 8 pt; a line still too wide
    /// at 8 pt ends in "…", and lines beyond the window's height are left out.
    private func recipient() {
        let lines = [letter.recipient.name] + letter.recipient.lines.flatMap { $0.split(separator: "\n").map(String.init) }
        for size in [10.0, 9.0, 8.0] {
            let font = size == 10 ? fonts.address : FontDescription("DejaVu Sans", size: size)
            let boxes = lines.map { TextBox(canvas, $0, font: font) }
            let height = boxes.reduce(0) { $0 + $1.height }
            let fits = height <= S.recipientMaxHeight && boxes.allSatisfy { $0.width <= S.recipientWidth }
            guard fits || size == 8 else { continue }
            var top = S.recipientTop
            for box in boxes where top + box.height <= S.recipientTop + S.recipientMaxHeight + 0.5 {
                if box.width > S.recipientWidth { box.ellipsize(at: S.recipientWidth) }
                add(.text(box, x: S.recipientX, y: top, color: S.ink))
                top += box.height
            }
            return
        }
    }

    /// A paragraph of body text. Up to six lines stay together (a greeting with its signature
    /// never splits); a longer one splits between lines, leaving at least two on each page.
    func paragraph(_ text: String) {
        guard !text.isEmpty else {
            y += S.paragraphGap
            return
        }
        let box = TextBox(canvas, text, font: fonts.body, width: S.contentWidth, lineSpacing: S.bodyLineSpacing)
        let height = box.height
        let lines = box.lines
        if y + height > bottom && lines.count <= 6 && y > pageTop { newPage() }
        if y + height <= bottom || lines.count <= 6 {
            add(.text(box, x: S.left, y: y, color: S.ink))
            y += height + S.paragraphGap
            return
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let advance = i + 1 < lines.count ? lines[i + 1].top - line.top : height - line.top
            // Break before this line if it does not fit, or if it would leave one line alone.
            let fitsTwo = i + 1 < lines.count ? y + (lines[i + 1].top - line.top) + lines[i + 1].height <= bottom : true
            let orphan = i == 0 && !fitsTwo
            let widow = i == lines.count - 2 && !fitsTwo && i > 0
            if (y + line.height > bottom || orphan || widow) && y > pageTop { newPage() }
            add(.line(box, index: i, x: S.left, baseline: y + line.baseline - line.top, color: S.ink))
            y += advance
            i += 1
        }
        y += S.paragraphGap
    }

    /// The first free point of the current page (below its header).
    var pageTop: Double { pages.count == 1 ? S.bodyTop : S.continuationTop }

    // MARK: footer

    /// The sender details, measured once: their height fixes where content must stop.
    private func layoutFooter() {
        let labelWidth = 90.0
        guard !letter.senderDetails.isEmpty else {
            footerTop = S.footerBottom - 10
            bottom = footerTop - 16
            return
        }
        let details = TextBox(canvas, footerText(width: S.contentWidth - labelWidth - 12), font: fonts.footer,
                              width: S.contentWidth - labelWidth - 12)
        footerDetails = details
        footerTop = S.footerBottom - max(details.height, 10)
        bottom = footerTop - 16
    }

    /// The sender details joined by " · ", with line breaks only between two details.
    private func footerText(width: Double) -> String {
        let separator = "  ·  "
        let measure = TextBox(canvas, separator, font: fonts.footer)
        let separatorWidth = measure.width
        var lines: [String] = []
        var current = ""
        var currentWidth = 0.0
        for item in letter.senderDetails where !item.isEmpty {
            measure.setText(item)
            let itemWidth = measure.width
            if current.isEmpty || currentWidth + separatorWidth + itemWidth <= width {
                current = current.isEmpty ? item : current + separator + item
                currentWidth += (currentWidth == 0 ? 0 : separatorWidth) + itemWidth
            } else {
                lines.append(current)
                current = item
                currentWidth = itemWidth
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    /// Draws every composed page with its footer, then ends each page.
    private func draw() {
        let count = pages.count
        for (index, marks) in pages.enumerated() {
            for mark in marks { draw(mark) }
            draw(.rule(x0: S.left, x1: S.right, y: footerTop - 5, width: 0.5, color: S.rule))
            if let details = footerDetails { draw(.text(details, x: S.left, y: footerTop, color: S.muted)) }
            let label = TextBox(canvas, pageLabel(index + 1, of: count), font: fonts.footer, alignment: .right)
            label.fit(90)
            draw(.text(label, x: label.originX(left: S.right - 90, width: 90), y: footerTop, color: S.muted))
            canvas.showPage()
        }
    }

    private func draw(_ mark: Mark) {
        switch mark {
        case .text(let box, let x, let y, let color):
            canvas.setColor(color)
            canvas.show(box, x: x, y: y)
        case .line(let box, let index, let x, let baseline, let color):
            canvas.setColor(color)
            canvas.show(box, line: index, x: x, baseline: baseline)
        case .rule(let x0, let x1, let y, let width, let color):
            canvas.setColor(color)
            canvas.hline(x0: x0, x1: x1, y: y, width: width)
        case .fill(let x, let y, let width, let height, let color):
            canvas.setColor(color)
            canvas.fillRect(x: x, y: y, width: width, height: height)
        case .frame(let x, let y, let width, let height, let lineWidth, let color):
            canvas.setColor(color)
            canvas.strokeRect(x: x, y: y, width: width, height: height, lineWidth: lineWidth)
        case .qr(let size, let modules, let x, let y, let module):
            canvas.setColor(.gray(0))
            canvas.drawQR(size: size, modules: modules, x: x, y: y, module: module)
        }
    }

    /// "Pagina %d van %d" with the page and the count (the two placeholders are checked first).
    func pageLabel(_ page: Int, of count: Int) -> String {
        let parts = letter.pageLabel.split(separator: "%d", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return letter.pageLabel }
        return parts[0] + String(page) + parts[1] + String(count) + parts[2]
    }
}
