import CPangoCairo

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one thread keeps between the letters it renders: a pango context set up for print (72 dpi,
/// no hinted metrics, no glyph-position rounding), the letter's font descriptions, and the text it
/// has laid out recently.
///
/// Most of a letter's text repeats from letter to letter (the letterhead, the footer, the table's
/// header, the payment block's labels, the closing paragraphs), and laying text out (pango's
/// itemising and harfbuzz's shaping) was a fifth of a letter's cost. A layout is looked up by
/// everything that decides its lines: the text, the font, the wrap width, the alignment, the line
/// spacing and the ellipsis. Entries are never changed once laid out, so a layout drawn from the
/// cache gives the very bytes a fresh one gives (a test compares them).
///
/// Per thread, never shared: pango objects are not thread-safe, and pango's default font map,
/// which the context uses, is itself per thread. Bounded: two generations of at most
/// ``generationSize`` layouts each; when the newer one is full the older one is dropped, so text
/// used in every letter stays while one-off text (names, amounts) ages out.
final class TextCache {
    /// Everything that decides how a piece of text is laid out.
    ///
    /// The text compares by its UTF-8 bytes, not by Swift's canonical equivalence: "é" written as
    /// one scalar and as "e" plus a combining accent are different glyphs to pango and in the PDF.
    struct Key: Hashable {
        var text: String
        /// The pango font description string, e.g. "DejaVu Sans Bold 9.5".
        var font: String
        /// The wrap width in pango units, or -1 for none.
        var width: Int32
        var alignment: TextAlign
        var lineSpacing: Float
        var ellipsize: Bool

        static func == (a: Key, b: Key) -> Bool {
            a.width == b.width && a.alignment == b.alignment && a.lineSpacing == b.lineSpacing
                && a.ellipsize == b.ellipsize && a.font == b.font && a.text.utf8.elementsEqual(b.text.utf8)
        }

        func hash(into hasher: inout Hasher) {
            var text = self.text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(font)
            hasher.combine(width)
            hasher.combine(alignment)
            hasher.combine(lineSpacing)
            hasher.combine(ellipsize)
        }
    }

    /// The most layouts a generation holds.
    static let generationSize = 256

    let pango: OpaquePointer
    let fonts = LetterFonts()
    private var recent: [Key: OpaquePointer] = [:]
    private var older: [Key: OpaquePointer] = [:]
    /// The fonts pango chose (one reference each) with their embedded face and size.
    private var faces: [UnsafeMutableRawPointer: (EmbeddedFace, Double)] = [:]

    private init?() {
        guard let fontMap = pango_cairo_font_map_get_default(), let pango = pango_font_map_create_context(fontMap) else {
            return nil
        }
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
        pango_cairo_context_set_resolution(pango, 72)
        pango_context_set_round_glyph_positions(pango, 0)
        TextCache.setUpForPDF(pango)
        self.pango = pango
    }

    /// Sets the context up as a cairo PDF surface would (its font options and the identity
    /// transformation), once per thread: a PDF surface writing nowhere, made for this alone. The
    /// letters are written by ``PDFDocument``; cairo is kept for this set-up and pango's font map.
    ///
    /// `pango_cairo_update_context` is never called again: it always sets the context's matrix,
    /// which marks the context changed and would make every cached layout be laid out again.
    private static func setUpForPDF(_ pango: OpaquePointer) {
        let surface = cairo_pdf_surface_create_for_stream({ _, _, _ in CAIRO_STATUS_SUCCESS }, nil, LetterStyle.pageWidth, LetterStyle.pageHeight)
        guard let surface else { return }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return }
        pango_cairo_update_context(cr, pango)
        cairo_destroy(cr)
    }

    deinit {
        clear()
        for font in faces.keys { g_object_unref(font) }
        g_object_unref(UnsafeMutableRawPointer(pango))
    }

    /// The embedded face and the size in points of a font pango chose, looked up once per font.
    func face(_ font: UnsafeMutablePointer<PangoFont>) -> (EmbeddedFace, Double)? {
        let key = UnsafeMutableRawPointer(font)
        if let known = faces[key] { return known }
        guard let face = EmbeddedFace.forFont(font) else { return nil }
        let description = pango_font_describe(font)
        let size = Double(pango_font_description_get_size(description)) / Double(PANGO_SCALE)
        pango_font_description_free(description)
        // The font stays referenced, so its address is never reused for another font.
        g_object_ref(key)
        faces[key] = (face, size)
        return (face, size)
    }

    /// The layout for `key`, laid out on first use; the caller owns one reference.
    func layout(_ key: Key) -> OpaquePointer {
        if let layout = recent[key] { return retained(layout) }
        if let layout = older.removeValue(forKey: key) {
            keep(key, layout)
            return retained(layout)
        }
        let layout = make(key)
        keep(key, layout)
        return retained(layout)
    }

    /// How many layouts the cache holds now (both generations).
    var layoutCount: Int { recent.count + older.count }

    private func keep(_ key: Key, _ layout: OpaquePointer) {
        if recent.count >= TextCache.generationSize {
            for old in older.values { g_object_unref(UnsafeMutableRawPointer(old)) }
            older = recent
            recent = [:]
        }
        recent[key] = layout
    }

    private func retained(_ layout: OpaquePointer) -> OpaquePointer {
        g_object_ref(UnsafeMutableRawPointer(layout))
        return layout
    }

    private func make(_ key: Key) -> OpaquePointer {
        // pango_layout_new never returns NULL (GLib aborts when memory runs out).
        let layout: OpaquePointer = pango_layout_new(pango)
        let font = pango_font_description_from_string(key.font)
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, key.alignment.pango)
        if key.lineSpacing > 0 { pango_layout_set_line_spacing(layout, key.lineSpacing) }
        if key.width >= 0 { pango_layout_set_width(layout, key.width) }
        if key.ellipsize { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
        TextBox.printable(key.text).withCString { pango_layout_set_text(layout, $0, -1) }
        return layout
    }

    private func clear() {
        for layout in recent.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for layout in older.values { g_object_unref(UnsafeMutableRawPointer(layout)) }
        recent = [:]
        older = [:]
    }

    // MARK: one per thread

    /// The calling thread's cache, made on first use and released when the thread ends.
    static func current() throws -> TextCache {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<TextCache>.fromOpaque(pointer).takeUnretainedValue()
        }
        guard let cache = TextCache() else { throw LetterError.rendering("cannot create a pango context") }
        pthread_setspecific(key, Unmanaged.passRetained(cache).toOpaque())
        return cache
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, releaseCache)
        return key
    }()
}

/// The thread-specific data destructor: releases the ending thread's ``TextCache``.
#if canImport(Darwin)
private func releaseCache(_ pointer: UnsafeMutableRawPointer) {
    Unmanaged<TextCache>.fromOpaque(pointer).release()
}
#else
private func releaseCache(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<TextCache>.fromOpaque(pointer).release()
}
#endif
