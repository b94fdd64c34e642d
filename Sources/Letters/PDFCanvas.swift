import CPangoCairo

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One letter's drawing surface: our own PDF writer (`PDFDocument`) behind the drawing calls the
/// composer makes, and the thread's ``TextCache`` (pango context, fonts and laid-out text reused
/// between letters). Pango lays the text out and shapes it; the canvas reads the glyph runs and
/// writes them as text in the fonts the process embedded once (``EmbeddedFace``).
///
/// Coordinates are cairo's (points, origin at the top left, y down); the writer turns them into
/// PDF's (origin at the bottom left, y up).
///
/// Not thread-safe and never shared: each letter gets its own canvas on the thread rendering it.
final class PDFCanvas {
    let cache: TextCache
    private let document: PDFDocument
    private static let height = LetterStyle.pageHeight

    init(title: String, author: String, creationDate: String?) throws {
        cache = try TextCache.current()
        document = PDFDocument(title: title, author: author, creationDate: creationDate)
    }

    /// The thread's font descriptions.
    var fonts: LetterFonts { cache.fonts }

    /// Ends the document and returns its bytes.
    func finish() throws -> [UInt8] { try document.finish() }

    // MARK: drawing

    func setColor(_ c: LetterStyle.RGB) { document.setColor(c.r, c.g, c.b) }

    func fillRect(x: Double, y: Double, width: Double, height: Double) {
        document.operate([x, PDFCanvas.height - y - height, width, height], "re f")
    }

    func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double) {
        document.setLineWidth(lineWidth)
        document.operate([x, PDFCanvas.height - y - height, width, height], "re S")
    }

    func hline(x0: Double, x1: Double, y: Double, width: Double) {
        document.setLineWidth(width)
        document.operate([x0, PDFCanvas.height - y], "m")
        document.operate([x1, PDFCanvas.height - y], "l S")
    }

    /// The whole box with its top left corner at (x, y), as `pango_renderer_draw_layout` places it.
    func show(_ text: TextBox, x: Double, y: Double) {
        let x = PDFCanvas.fixed(x)
        let y = PDFCanvas.fixed(y)
        guard let iter = pango_layout_get_iter(text.layout) else { return }
        defer { pango_layout_iter_free(iter) }
        let scale = Double(PANGO_SCALE)
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let baseline = Double(pango_layout_iter_get_baseline(iter)) / scale
            if let line = pango_layout_iter_get_line_readonly(iter) {
                show(line, of: text.layout, x: x + Double(logical.x) / scale, baseline: y + baseline)
            }
        } while pango_layout_iter_next_line(iter) != 0
    }

    /// One line of a text box with its left end at `x` and its baseline at `baseline`.
    func show(_ text: TextBox, line index: Int, x: Double, baseline: Double) {
        guard let line = pango_layout_get_line_readonly(text.layout, Int32(index)) else { return }
        show(line, of: text.layout, x: PDFCanvas.fixed(x), baseline: PDFCanvas.fixed(baseline))
    }

    /// A coordinate as cairo keeps its current point: in 1/256 of a point. Text starts there, as
    /// it did when cairo drew it.
    private static func fixed(_ v: Double) -> Double { (v * 256).rounded() / 256 }

    /// The runs of a line one after the other, as `pango_renderer_draw_layout_line` draws them.
    private func show(_ line: UnsafeMutablePointer<PangoLayoutLine>, of layout: OpaquePointer, x: Double, baseline: Double) {
        guard let text = pango_layout_get_text(layout) else { return }
        var run = line.pointee.runs
        var pen = 0.0
        while let node = run {
            if let glyphItem = node.pointee.data?.assumingMemoryBound(to: PangoGlyphItem.self) {
                pen += showRun(glyphItem, text: text, x: x + pen, baseline: baseline)
            }
            run = node.pointee.next
        }
    }

    /// One glyph run at (x, baseline); returns its advance in points.
    private func showRun(_ glyphItem: UnsafeMutablePointer<PangoGlyphItem>, text: UnsafePointer<CChar>, x: Double, baseline: Double) -> Double {
        guard let item = glyphItem.pointee.item, let glyphs = glyphItem.pointee.glyphs, let font = item.pointee.analysis.font,
              let (face, size) = cache.face(font)
        else { return 0 }
        let count = Int(glyphs.pointee.num_glyphs)
        guard count > 0, let infos = glyphs.pointee.glyphs, let clusters = glyphs.pointee.log_clusters else { return 0 }
        let scale = Double(PANGO_SCALE)
        let itemText = UnsafeRawPointer(text + Int(item.pointee.offset)).assumingMemoryBound(to: UInt8.self)
        let itemLength = Int(item.pointee.length)
        var pen = 0.0
        document.beginRun(face: face, size: size, x: x + Double(infos[0].geometry.x_offset) / scale,
                          y: PDFCanvas.height - baseline - Double(infos[0].geometry.y_offset) / scale)
        // Clusters in visual order: left to right their starts rise, right to left they fall.
        let rightToLeft = item.pointee.analysis.level % 2 == 1
        for i in 0..<count {
            let info = infos[i]
            let gx = x + (pen + Double(info.geometry.x_offset)) / scale
            let gy = baseline + Double(info.geometry.y_offset) / scale
            pen += Double(info.geometry.width)
            var glyph = info.glyph
            if glyph == PANGO_GLYPH_EMPTY { continue }
            if glyph & PANGO_GLYPH_UNKNOWN_FLAG != 0 { glyph = 0 }
            let start = Int(clusters[i])
            let previous = i > 0 ? Int(clusters[i - 1]) : -1
            let next = i + 1 < count ? Int(clusters[i + 1]) : -1
            let first = rightToLeft ? next != start : previous != start
            let alone = previous != start && next != start
            var text: UnsafeBufferPointer<UInt8>?
            if first {
                // The cluster ends where the next one (in logical order) starts.
                var end = itemLength
                var j = rightToLeft ? i - 1 : i + 1
                while j >= 0 && j < count {
                    if Int(clusters[j]) != start {
                        end = Int(clusters[j])
                        break
                    }
                    j += rightToLeft ? -1 : 1
                }
                if start >= 0 && start <= end && end <= itemLength { text = UnsafeBufferPointer(start: itemText + start, count: end - start) }
            }
            document.glyph(glyph, x: gx, y: PDFCanvas.height - gy, text: text, alone: alone)
        }
        return pen / scale
    }

    /// The QR modules as a 1-bit image mask, one sample per module, drawn `module` points per sample.
    func drawQR(size: Int, modules: [Bool], x: Double, y: Double, module: Double) {
        guard size > 0, modules.count == size * size else { return }
        let side = Double(size) * module
        document.imageMask(size: size, modules: modules, x: x, y: PDFCanvas.height - y - side, side: side)
    }

    func showPage() { document.showPage() }
}

/// The font descriptions a letter uses (DejaVu Sans from fonts-dejavu-core), one set per thread.
final class LetterFonts {
    let body = FontDescription("DejaVu Sans", size: LetterStyle.bodySize)
    let bodyBold = FontDescription("DejaVu Sans Bold", size: LetterStyle.bodySize)
    let senderName = FontDescription("DejaVu Sans Bold", size: 14)
    let small = FontDescription("DejaVu Sans", size: 8)
    let footer = FontDescription("DejaVu Sans", size: 7)
    let subject = FontDescription("DejaVu Sans Bold", size: 10.5)
    let address = FontDescription("DejaVu Sans", size: 10)
    let table = FontDescription("DejaVu Sans", size: 8.5)
    let tableBold = FontDescription("DejaVu Sans Bold", size: 8.5)
}

/// A font as pango parses it: "DejaVu Sans Bold 9.5" (family, style words, size in points).
struct FontDescription {
    let name: String

    init(_ family: String, size: Double) {
        name = "\(family) \(size)"
    }
}

/// A piece of plain text (never markup) in one font, measured in points: a handle on a
/// `PangoLayout` from the thread's ``TextCache``.
///
/// Changing the text, the width or the ellipsis never changes a layout: the box takes the cached
/// layout for its new settings (laid out once per thread for text that repeats between letters).
final class TextBox {
    private let cache: TextCache
    private var key: TextCache.Key
    /// The layout for the box's current settings (one reference owned by the box).
    private(set) var layout: OpaquePointer
    let alignment: TextAlign
    /// The width the text wraps at, when one is set.
    private(set) var boxWidth: Double?

    init(_ canvas: PDFCanvas, _ text: String, font: FontDescription, width: Double? = nil,
         alignment: TextAlign = .left, lineSpacing: Double = 0) {
        cache = canvas.cache
        self.alignment = alignment
        key = TextCache.Key(text: text, font: font.name, width: -1, alignment: alignment,
                            lineSpacing: lineSpacing > 0 ? Float(lineSpacing) : 0, ellipsize: false)
        if let width {
            boxWidth = width
            key.width = TextBox.pangoUnits(width)
        }
        layout = cache.layout(key)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

    private func relayout() {
        let next = cache.layout(key)
        g_object_unref(UnsafeMutableRawPointer(layout))
        layout = next
    }

    private static func pangoUnits(_ points: Double) -> Int32 {
        Int32((points * Double(PANGO_SCALE)).rounded(.down))
    }

    /// Replaces the text (the box keeps its font and width).
    func setText(_ text: String) {
        key.text = text
        relayout()
    }

    /// Wraps (and aligns) within `width` points. Changing the width lays the text out again, so
    /// callers that only align prefer ``fit(_:)`` and ``originX(left:width:)``.
    func setWidth(_ width: Double) {
        boxWidth = width
        key.width = TextBox.pangoUnits(width)
        relayout()
    }

    /// Wraps within `width` only when the text is wider (measured once, laid out again only then).
    func fit(_ width: Double) {
        if self.width > width { setWidth(width) }
    }

    /// Where to draw the box so that it is aligned within `width` points from `left`: pango
    /// aligns wrapped text itself, a single line is placed by its measured width.
    func originX(left: Double, width: Double) -> Double {
        guard boxWidth == nil else { return left }
        switch alignment {
        case .left: return left
        case .right: return left + width - self.width
        case .center: return left + (width - self.width) / 2
        }
    }

    /// Cuts a single line with "…" at `width` points instead of wrapping.
    func ellipsize(at width: Double) {
        boxWidth = width
        key.width = TextBox.pangoUnits(width)
        key.ellipsize = true
        relayout()
    }

    /// The logical size in points.
    var size: (width: Double, height: Double) {
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return (Double(w) / Double(PANGO_SCALE), Double(h) / Double(PANGO_SCALE))
    }

    var height: Double { size.height }
    var width: Double { size.width }

    /// Each line's top, height and baseline, relative to the top of the box, in points.
    var lines: [(top: Double, height: Double, baseline: Double)] {
        var out: [(Double, Double, Double)] = []
        guard let iter = pango_layout_get_iter(layout) else { return out }
        defer { pango_layout_iter_free(iter) }
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let scale = Double(PANGO_SCALE)
            out.append((Double(logical.y) / scale, Double(logical.height) / scale, Double(pango_layout_iter_get_baseline(iter)) / scale))
        } while pango_layout_iter_next_line(iter) != 0
        return out
    }

    /// The text with NUL and other control characters (which pango rejects) turned into spaces;
    /// line breaks and tabs are kept.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars { out.append(isControl(s) ? " " : s) }
        return String(out)
    }

    private static func isControl(_ s: Unicode.Scalar) -> Bool {
        (s.value < 0x20 && s != "\n" && s != "\t") || (s.value >= 0x7F && s.value < 0xA0)
    }
}

/// Horizontal alignment of the lines of a ``TextBox`` within its width.
enum TextAlign {
    case left, right, center

    var pango: PangoAlignment {
        switch self {
        case .left: PANGO_ALIGN_LEFT
        case .right: PANGO_ALIGN_RIGHT
        case .center: PANGO_ALIGN_CENTER
        }
    }
}
