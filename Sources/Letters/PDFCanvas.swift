import CPangoCairo

/// Collects the bytes cairo writes for one PDF.
final class ByteSink {
    var bytes: [UInt8] = []
}

/// One letter's drawing state: a PDF surface writing into memory, its cairo context, and the
/// thread's ``TextCache`` (pango context, fonts and laid-out text reused between letters).
///
/// Not thread-safe and never shared: each letter gets its own canvas on the thread rendering it.
final class PDFCanvas {
    let surface: OpaquePointer
    let cr: OpaquePointer
    let cache: TextCache
    private let sink: ByteSink

    init(title: String, author: String, creationDate: String?) throws {
        let cache = try TextCache.current()
        let sink = ByteSink()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let created = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, closure, LetterStyle.pageWidth, LetterStyle.pageHeight)
        guard let surface = created else { throw LetterError.cairo("cannot create a PDF surface") }
        try PDFCanvas.check(cairo_surface_status(surface), destroying: surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Relance")
        if let creationDate {
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, creationDate)
        }
        guard let cr = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            throw LetterError.cairo("cannot create a drawing context")
        }
        cache.attach(cr)
        self.surface = surface
        self.cr = cr
        self.cache = cache
        self.sink = sink
    }

    /// The thread's font descriptions.
    var fonts: LetterFonts { cache.fonts }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Ends the document and returns its bytes.
    func finish() throws -> [UInt8] {
        try PDFCanvas.check(cairo_status(cr), destroying: nil)
        cairo_surface_finish(surface)
        try PDFCanvas.check(cairo_surface_status(surface), destroying: nil)
        return sink.bytes
    }

    private static func check(_ status: cairo_status_t, destroying surface: OpaquePointer?) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        if let surface { cairo_surface_destroy(surface) }
        throw LetterError.cairo(String(cString: cairo_status_to_string(status)))
    }

    // MARK: drawing

    func setGray(_ gray: Double) { cairo_set_source_rgb(cr, gray, gray, gray) }

    func setColor(_ c: LetterStyle.RGB) { cairo_set_source_rgb(cr, c.r, c.g, c.b) }

    func fillRect(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }

    func strokeRect(x: Double, y: Double, width: Double, height: Double, lineWidth: Double) {
        cairo_set_line_width(cr, lineWidth)
        cairo_rectangle(cr, x, y, width, height)
        cairo_stroke(cr)
    }

    func hline(x0: Double, x1: Double, y: Double, width: Double) {
        cairo_set_line_width(cr, width)
        cairo_move_to(cr, x0, y)
        cairo_line_to(cr, x1, y)
        cairo_stroke(cr)
    }

    func show(_ text: TextBox, x: Double, y: Double) {
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, text.layout)
    }

    /// One line of a text box with its baseline at `baseline`.
    func show(_ text: TextBox, line index: Int, x: Double, baseline: Double) {
        guard let line = pango_layout_get_line_readonly(text.layout, Int32(index)) else { return }
        cairo_move_to(cr, x, baseline)
        pango_cairo_show_layout_line(cr, line)
    }

    /// The QR modules as a 1-bit image, one pixel per module, scaled up without smoothing: cairo
    /// writes it as a PDF stencil mask (a few hundred bytes instead of a path of rectangles).
    func drawQR(size: Int, modules: [Bool], x: Double, y: Double, module: Double) {
        guard size > 0, modules.count == size * size, let image = cairo_image_surface_create(CAIRO_FORMAT_A1, Int32(size), Int32(size)) else { return }
        defer { cairo_surface_destroy(image) }
        cairo_surface_flush(image)
        guard let data = cairo_image_surface_get_data(image) else { return }
        let stride = Int(cairo_image_surface_get_stride(image))
        // A1 packs pixels into 32-bit words, the first pixel in the platform's least significant
        // bit on little-endian machines and in the most significant bit on big-endian ones.
        let littleEndian = UInt32(1).littleEndian == 1
        for row in 0..<size {
            let words = UnsafeMutableRawPointer(data + row * stride).bindMemory(to: UInt32.self, capacity: stride / 4)
            for col in 0..<size where modules[row * size + col] {
                let bit = UInt32(col % 32)
                words[col / 32] |= littleEndian ? (1 << bit) : (0x8000_0000 >> bit)
            }
        }
        cairo_surface_mark_dirty(image)
        guard let pattern = cairo_pattern_create_for_surface(image) else { return }
        defer { cairo_pattern_destroy(pattern) }
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, module, module)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_mask(cr, pattern)
        cairo_restore(cr)
    }

    func showPage() { cairo_show_page(cr) }
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
