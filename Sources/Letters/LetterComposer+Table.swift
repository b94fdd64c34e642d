/// The open-items table and the totals under it.
extension LetterComposer {
    /// A laid-out table row: one text box per column and the row's height.
    struct Row {
        let cells: [TextBox]
        let height: Double
    }

    /// Draws the table, repeating its header row at the top of every page it continues on, and
    /// keeps the last row together with the totals.
    func table() throws {
        let columns = letter.columns
        guard !columns.isEmpty else {
            try totalsWithoutTable()
            return
        }
        for (i, row) in (letter.rows + letter.sections.flatMap(\.rows)).enumerated() where row.count != columns.count {
            throw LetterError.rowCells(row: i, expected: columns.count, found: row.count)
        }
        let totalsColumn = letter.totalsColumn ?? columns.count - 1
        guard columns.indices.contains(totalsColumn) else { throw LetterError.totalsColumn(totalsColumn) }

        let header = columns.map { TextBox(canvas, $0.title, font: fonts.tableBold, alignment: pangoAlignment($0.alignment)) }
        func cells(_ row: [String]) -> [TextBox] {
            row.enumerated().map { TextBox(canvas, $0.element, font: fonts.table, alignment: pangoAlignment(columns[$0.offset].alignment)) }
        }
        let body = letter.rows.map(cells)
        let sections = letter.sections.filter { !$0.rows.isEmpty }.map { (title: $0.title, rows: $0.rows.map(cells)) }
        let amounts = letter.totals.map { TextBox(canvas, $0.amount, font: $0.emphasised ? fonts.tableBold : fonts.table, alignment: .right) }
        var natural = header.map(\.width)
        for row in body + sections.flatMap(\.rows) { for (c, cell) in row.enumerated() { natural[c] = max(natural[c], cell.width) } }
        for amount in amounts { natural[totalsColumn] = max(natural[totalsColumn], amount.width) }
        let widths = columnWidths(natural: natural)
        var xs: [Double] = []
        var x = S.left
        for w in widths { xs.append(x); x += w }

        let pad = S.cellPadX
        for (c, cell) in header.enumerated() { cell.fit(widths[c] - 2 * pad) }
        let headerRow = Row(cells: header, height: header.map(\.height).max().map { $0 + 2 * S.cellPadY } ?? 0)
        func row(_ cells: [TextBox]) -> Row {
            for (c, cell) in cells.enumerated() { cell.fit(widths[c] - 2 * pad) }
            return Row(cells: cells, height: (cells.map(\.height).max() ?? 0) + 2 * S.cellPadY)
        }
        let rows = body.map(row)
        let totals = layoutTotals(amounts: amounts, amountX: xs[totalsColumn], amountWidth: widths[totalsColumn])
        let inner = widths.map { $0 - 2 * pad }

        y += 4
        ensure(headerRow.height + (rows.first?.height ?? 0) + (rows.count <= 1 ? totals.height : 0))
        drawHeader(headerRow, xs: xs, inner: inner)
        for (i, row) in rows.enumerated() {
            let need = row.height + (i == rows.count - 1 ? totals.height : 0)
            if y + need > bottom {
                newPage()
                drawHeader(headerRow, xs: xs, inner: inner)
            }
            drawRow(row, xs: xs, inner: inner, striped: i % 2 == 1)
        }
        add(.rule(x0: S.left, x1: S.right, y: y, width: 0.6, color: S.rule))
        if totals.height > 0 && y + totals.height > bottom { newPage() }
        totals.draw(self)
        y += 4
        for section in sections {
            let title = TextBox(canvas, section.title, font: fonts.tableBold, width: S.contentWidth)
            let sectionRows = section.rows.map(row)
            y += 8
            ensure(title.height + 4 + headerRow.height + (sectionRows.first?.height ?? 0))
            add(.text(title, x: S.left, y: y, color: S.accent))
            y += title.height + 4
            drawHeader(headerRow, xs: xs, inner: inner)
            for (i, r) in sectionRows.enumerated() {
                if y + r.height > bottom {
                    newPage()
                    drawHeader(headerRow, xs: xs, inner: inner)
                }
                drawRow(r, xs: xs, inner: inner, striped: i % 2 == 1)
            }
            add(.rule(x0: S.left, x1: S.right, y: y, width: 0.6, color: S.rule))
            y += 4
        }
    }

    private func pangoAlignment(_ a: LetterDocument.Alignment) -> TextAlign {
        a == .right ? .right : .left
    }

    /// Column widths filling the text width: natural widths plus an equal share of the spare
    /// room; when too wide, the widest columns give up room (their cells then wrap).
    func columnWidths(natural: [Double]) -> [Double] {
        let pad = 2 * S.cellPadX
        var widths = natural.map { $0 + pad }
        let total = widths.reduce(0, +)
        if total <= S.contentWidth {
            let extra = (S.contentWidth - total) / Double(widths.count)
            return widths.map { $0 + extra }
        }
        // Shrink the columns above a common cap until the row fits.
        let sorted = widths.sorted(by: >)
        var cap = sorted[0]
        var remaining = total
        for (k, w) in sorted.enumerated() {
            let next = k + 1 < sorted.count ? sorted[k + 1] : 0
            let atNext = remaining - Double(k + 1) * (w - next)
            if atNext <= S.contentWidth {
                cap = next + (S.contentWidth - atNext) / Double(k + 1)
                break
            }
            remaining = atNext
            cap = next
        }
        widths = widths.map { min($0, max(cap, pad + 12)) }
        return widths
    }

    private func drawHeader(_ row: Row, xs: [Double], inner: [Double]) {
        add(.fill(x: S.left, y: y, width: S.contentWidth, height: row.height, color: S.headerFill))
        for (c, cell) in row.cells.enumerated() {
            add(.text(cell, x: cell.originX(left: xs[c] + S.cellPadX, width: inner[c]), y: y + S.cellPadY, color: S.accent))
        }
        y += row.height
        add(.rule(x0: S.left, x1: S.right, y: y, width: 0.6, color: S.accent))
    }

    private func drawRow(_ row: Row, xs: [Double], inner: [Double], striped: Bool) {
        if striped { add(.fill(x: S.left, y: y, width: S.contentWidth, height: row.height, color: .gray(0.975))) }
        for (c, cell) in row.cells.enumerated() {
            add(.text(cell, x: cell.originX(left: xs[c] + S.cellPadX, width: inner[c]), y: y + S.cellPadY, color: S.ink))
        }
        y += row.height
    }

    /// The totals lines, measured: labels right-aligned up to the amount column.
    struct Totals {
        let lines: [(label: TextBox, amount: TextBox, height: Double, emphasised: Bool)]
        let amountX: Double
        let amountWidth: Double
        let labelX: Double
        let labelWidth: Double
        let ruleX: ClosedRange<Double>
        let height: Double

        func draw(_ composer: LetterComposer) {
            var y = composer.y + 3
            for line in lines {
                if line.emphasised {
                    composer.add(.rule(x0: ruleX.lowerBound, x1: ruleX.upperBound, y: y + 1, width: 0.8, color: S.accent))
                    y += 3
                }
                composer.add(.text(line.label, x: line.label.originX(left: labelX, width: labelWidth), y: y + 1, color: S.ink))
                let amountLeft = amountX + S.cellPadX
                composer.add(.text(line.amount, x: line.amount.originX(left: amountLeft, width: amountWidth - 2 * S.cellPadX),
                                   y: y + 1, color: S.ink))
                y += line.height
            }
            composer.y = y
        }
    }

    private func layoutTotals(amounts: [TextBox], amountX: Double, amountWidth: Double) -> Totals {
        let labelX = S.left + S.cellPadX
        let labelWidth = max(60, amountX - labelX - S.cellPadX)
        var lines: [(label: TextBox, amount: TextBox, height: Double, emphasised: Bool)] = []
        var height = letter.totals.isEmpty ? 0.0 : 3.0
        var widest = 0.0
        for (i, total) in letter.totals.enumerated() {
            let label = TextBox(canvas, total.label, font: total.emphasised ? fonts.tableBold : fonts.table,
                                alignment: .right)
            widest = max(widest, label.width)
            label.fit(labelWidth)
            let amount = amounts[i]
            amount.fit(amountWidth - 2 * S.cellPadX)
            let h = max(label.height, amount.height) + 3
            lines.append((label, amount, h, total.emphasised))
            height += h + (total.emphasised ? 3 : 0)
        }
        let ruleStart = max(S.left, labelX + labelWidth - min(widest, labelWidth) - S.cellPadX)
        return Totals(lines: lines, amountX: amountX, amountWidth: amountWidth, labelX: labelX, labelWidth: labelWidth,
                      ruleX: ruleStart...(amountX + amountWidth), height: height)
    }

    /// Totals with no table: amounts at the right edge.
    private func totalsWithoutTable() throws {
        guard !letter.totals.isEmpty else { return }
        let width = S.contentWidth * 0.25
        let amounts = letter.totals.map { TextBox(canvas, $0.amount, font: $0.emphasised ? fonts.tableBold : fonts.table, alignment: .right) }
        let totals = layoutTotals(amounts: amounts, amountX: S.right - width, amountWidth: width)
        ensure(totals.height)
        totals.draw(self)
        y += 4
    }
}
