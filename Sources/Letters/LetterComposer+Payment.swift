/// The boxed payment instructions with the EPC QR code, at the foot of the last page.
///
/// Label and value lines on the left; on the right the QR code on a white square that holds its
/// quiet zone, with the caption right-aligned beside its lower edge.
extension LetterComposer {
    /// The payment block measured, not yet placed.
    struct PreparedPayment {
        let title: TextBox
        let labels: [TextBox]
        let values: [TextBox]
        let rowHeights: [Double]
        let labelWidth: Double
        let textWidth: Double
        let caption: TextBox?
        let qr: (size: Int, modules: [Bool])?
        let module: Double
        let square: Double
        let height: Double
    }

    /// Measures the payment block (nil when the letter has none).
    func preparePayment() throws -> PreparedPayment? {
        guard let payment = letter.payment else { return nil }
        let pad = 10.0
        let inset = 6.0
        var qr: (size: Int, modules: [Bool])?
        if let payload = payment.qrPayload, !payload.isEmpty {
            do {
                let maxVersion = payload.hasPrefix("BCD\n") ? QRCode.epcMaxVersion : 40
                qr = try QRCode.matrix(payload, maxVersion: maxVersion)
            } catch {
                throw LetterError.qrCode("\(error)")
            }
        }
        let module = qr.map { S.qrSide / Double($0.size) } ?? 0
        let square = qr == nil ? 0 : S.qrSide + 2 * S.qrQuietModules * module

        let textWidth = S.contentWidth - 2 * pad - (qr == nil ? 0 : square + inset)
        let title = TextBox(canvas, payment.title, font: fonts.bodyBold, width: textWidth)
        let labels = payment.lines.map { TextBox(canvas, $0.label, font: fonts.body) }
        let labelWidth = min((labels.map(\.width).max() ?? 0) + 14, textWidth * 0.4)
        for label in labels { label.setWidth(labelWidth - 6) }
        let values = payment.lines.map { TextBox(canvas, $0.value, font: fonts.body, width: textWidth - labelWidth) }
        let rowHeights = zip(labels, values).map { max($0.height, $1.height) + 2.5 }
        var textHeight = title.height + 5 + rowHeights.reduce(0, +)
        var caption: TextBox?
        if qr != nil, let text = payment.qrCaption, !text.isEmpty {
            // Natural width, so it can be right-aligned by position; wraps only when very long.
            let box = TextBox(canvas, text, font: fonts.small)
            if box.width > textWidth * 0.6 { box.setWidth(textWidth * 0.6) }
            caption = box
            textHeight += 4 + box.height
        }
        let height = max(textHeight + 2 * pad, square + 2 * inset)
        return PreparedPayment(title: title, labels: labels, values: values, rowHeights: rowHeights, labelWidth: labelWidth,
                               textWidth: textWidth, caption: caption, qr: qr, module: module, square: square, height: height)
    }

    /// Draws a measured payment block above the footer of the current page, or at the top of a new page.
    func drawPayment(_ p: PreparedPayment) {
        let pad = 10.0
        let inset = 6.0
        let (title, labels, values, rowHeights, labelWidth, textWidth, caption, qr, module, square, height) =
            (p.title, p.labels, p.values, p.rowHeights, p.labelWidth, p.textWidth, p.caption, p.qr, p.module, p.square, p.height)
        let top: Double
        if y + height + 8 <= bottom {
            // At the foot of the first page, like a slip; on a later page right under the closing lines.
            top = pages.count == 1 ? bottom - height : y + 12
        } else {
            newPage()
            top = y
        }
        add(.fill(x: S.left, y: top, width: S.contentWidth, height: height, color: S.paymentFill))
        add(.frame(x: S.left, y: top, width: S.contentWidth, height: height, lineWidth: 0.5, color: S.rule))
        var ty = top + pad
        add(.text(title, x: S.left + pad, y: ty, color: S.accent))
        ty += title.height + 5
        for (i, h) in rowHeights.enumerated() {
            add(.text(labels[i], x: S.left + pad, y: ty, color: S.muted))
            add(.text(values[i], x: S.left + pad + labelWidth, y: ty, color: S.ink))
            ty += h
        }
        if let qr {
            let qx = S.right - inset - square
            let qy = top + inset
            add(.fill(x: qx, y: qy, width: square, height: square, color: S.white))
            let quiet = S.qrQuietModules * module
            add(.qr(size: qr.size, modules: qr.modules, x: qx + quiet, y: qy + quiet, module: module))
            if let caption {
                let cx = qx - pad - min(caption.width, textWidth * 0.6)
                add(.text(caption, x: cx, y: top + height - pad - caption.height, color: S.muted))
            }
        }
        y = top + height + 8
    }
}
