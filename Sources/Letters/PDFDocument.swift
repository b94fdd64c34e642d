#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The letters' own PDF writer: page content streams (deflated at a fast level), the fonts as
/// Type0/CIDFontType2 with Identity-H and a ToUnicode map (so text extraction gives the text), the
/// QR codes as image masks, and the document information. The font programs are the process's
/// shared subsets (``EmbeddedFace``), copied as they are; only the glyphs outside the shared
/// repertoire make a subset of their own for the document.
///
/// Coordinates here are PDF's: points, origin at the bottom left. One document, one thread: its
/// state is read and written without the runtime's exclusivity checks (two a glyph otherwise, ≈ 2 %
/// of a dunning night's instructions), which no overlapping access here needs.
final class PDFDocument {
    private let title: String
    private let author: String
    private let creationDate: String?
    /// The current page's content stream (not yet compressed).
    @exclusivity(unchecked) private var content: [UInt8] = []
    /// Every finished page's content stream, deflated.
    @exclusivity(unchecked) private var pages: [[UInt8]] = []
    /// Each face in the order the document first uses it.
    @exclusivity(unchecked) private var fonts: [FontUse] = []
    @exclusivity(unchecked) private var fontIndex: [ObjectIdentifier: FontUse] = [:]
    /// The face used last (most glyphs follow one of the same face).
    @exclusivity(unchecked) private var lastUse: FontUse?
    /// The QR codes: side in samples and the rows packed eight samples a byte, first sample high.
    @exclusivity(unchecked) private var images: [(size: Int, bits: [UInt8])] = []

    // The graphics and text state of the current page.
    @exclusivity(unchecked) private var color: (Double, Double, Double)?
    @exclusivity(unchecked) private var lineWidth: Double?
    /// Whether a text object (`BT`) is open, and whether the next glyph starts its first run.
    @exclusivity(unchecked) private var inText = false
    @exclusivity(unchecked) private var newTextObject = false
    @exclusivity(unchecked) private var textFace: EmbeddedFace?
    /// The font size of the text matrix (nil: none set in this text object) and its origin.
    @exclusivity(unchecked) private var matrixSize: Double?
    @exclusivity(unchecked) private var originX = 0.0
    @exclusivity(unchecked) private var originY = 0.0
    /// The font resource selected in the text object.
    @exclusivity(unchecked) private var selected: (use: FontUse, kind: Int)?
    /// Glyphs waiting for their `TJ`: CID, position and advance in text space (ems from the origin).
    @exclusivity(unchecked) private var pending: [(cid: UInt16, x: Double, advance: Double)] = []
    /// Where the glyphs written so far end, with the faces' exact advances (cairo's `cur_x`), and
    /// where the pending glyphs end (cairo's `glyph_buf_x_pos`).
    @exclusivity(unchecked) private var writtenX = 0.0
    @exclusivity(unchecked) private var bufferedX = 0.0

    init(title: String, author: String, creationDate: String?) {
        self.title = title
        self.author = author
        self.creationDate = creationDate
        content.reserveCapacity(16_384)
    }

    // MARK: graphics

    /// Sets the fill and the stroke colour (sRGB components 0…1).
    func setColor(_ r: Double, _ g: Double, _ b: Double) {
        if let c = color, c == (r, g, b) { return }
        endText()
        color = (r, g, b)
        numbers([r, g, b])
        append("rg ")
        numbers([r, g, b])
        append("RG\n")
    }

    func setLineWidth(_ width: Double) {
        endText()
        if lineWidth == width { return }
        lineWidth = width
        numbers([width])
        append("w\n")
    }

    /// Numbers followed by an operator (and a line end).
    func operate(_ operands: [Double], _ op: StaticString) {
        endText()
        numbers(operands)
        append(op)
        content.append(0x0A)
    }

    /// An image mask of `size` × `size` samples (`true` painted in the fill colour) filling the
    /// square of side `side` whose lower left corner is at (x, y).
    func imageMask(size: Int, modules: [Bool], x: Double, y: Double, side: Double) {
        let rowBytes = (size + 7) / 8
        var bits = [UInt8](repeating: 0, count: rowBytes * size)
        for row in 0..<size {
            for col in 0..<size where modules[row * size + col] {
                bits[row * rowBytes + col / 8] |= 0x80 >> UInt8(col % 8)
            }
        }
        images.append((size, bits))
        endText()
        append("q ")
        numbers([side, 0, 0, side, x, y])
        append("cm /Im")
        PDFNumber.appendInteger(Int64(images.count), to: &content)
        append(" Do Q\n")
    }

    /// Ends the page.
    func showPage() {
        endText()
        pages.append(Deflate.compress(content, level: 1))
        content.removeAll(keepingCapacity: true)
        color = nil
        lineWidth = nil
    }

    // MARK: text
    //
    // Glyphs are placed as cairo's PDF surface placed them (cairo-pdf-operators.c), so that text
    // extraction sees the same positions as before: the text matrix is set at a run's first glyph
    // when the text object is new or the size changes, and moved to a glyph whose baseline differs
    // or that lies more than 10 ems from where the previous glyphs end; within a `TJ` array each
    // glyph's offset from the exact advances is written in whole thousandths of an em, and left
    // out below 3. Viewers advance by the integer widths of `/W`, as they did by cairo's.

    /// Starts a run of glyphs of `face` at `size` points, the first at (x, y).
    func beginRun(face: EmbeddedFace, size: Double, x: Double, y: Double) {
        if !inText {
            append("BT\n")
            inText = true
            newTextObject = true
            matrixSize = nil
        }
        textFace = face
        if newTextObject || matrixSize != size {
            flush()
            setMatrix(size: size, x: x, y: y)
        }
    }

    /// One glyph (the face's glyph number) with its origin at (x, y). `text` is the UTF-8 of the
    /// cluster the glyph begins (nil for a cluster's later glyphs); `alone` says whether the glyph
    /// is its cluster's only one.
    ///
    /// As cairo did: a glyph stands in the ToUnicode map for the text of the first cluster it
    /// drew; a single-glyph cluster whose glyph stands for other text already (pango's "…" for
    /// ellipsized text, a no-break space drawn as a space) is wrapped in an `/ActualText` span.
    func glyph(_ gid: UInt32, x: Double, y: Double, text: UnsafeBufferPointer<UInt8>?, alone: Bool) {
        guard let face = textFace, let size = matrixSize else { return }
        let use = fontUse(face)
        let cid: UInt16
        let kind: Int
        if let shared = face.sharedGlyph(gid) {
            cid = shared.cid
            kind = shared.subset
        } else {
            cid = UInt16(truncatingIfNeeded: gid)
            kind = FontUse.outside
        }
        var actualText: UnsafeBufferPointer<UInt8>?
        if let text {
            if let known = use.text[kind][cid], !known.isEmpty {
                if alone && !known.elementsEqual(text) { actualText = text }
            } else {
                use.text[kind][cid] = Array(text)
            }
        } else if use.text[kind][cid] == nil {
            // A later glyph of a cluster: in the font, standing for no text of its own.
            use.text[kind][cid] = []
        }
        if newTextObject || selected.map({ $0.use !== use || $0.kind != kind }) ?? true {
            flush()
            append("/F")
            PDFNumber.appendInteger(Int64(use.index), to: &content)
            if kind == 1 { append("e") }
            if kind == FontUse.outside { append("x") }
            content.append(0x20)
            numbers([size])
            append("Tf\n")
            selected = (use, kind)
            newTextObject = false
        }
        var tx = (x - originX) / size
        let ty = (y - originY) / size
        if abs(tx - bufferedX) > 10 || abs(ty) > 0.001 {
            flush()
            setMatrix(size: size, x: x, y: y)
            tx = 0
        }
        let advance = face.advance(gid)
        if let actualText {
            flush()
            append("/Span << /ActualText <FEFF")
            for unit in String(decoding: actualText, as: UTF8.self).utf16 { hex(unit) }
            append("> >> BDC\n")
        }
        pending.append((cid, tx, advance))
        bufferedX += advance
        if actualText != nil {
            flush()
            append("EMC\n")
        }
    }

    private func setMatrix(size: Double, x: Double, y: Double) {
        append("1 0 0 1 ")
        PDFNumber.append(x, to: &content, decimals: 6)
        content.append(0x20)
        PDFNumber.append(y, to: &content, decimals: 6)
        append(" Tm\n")
        matrixSize = size
        // The size goes with the font (`Tf`), so a new matrix selects the font again.
        selected = nil
        originX = x
        originY = y
        writtenX = 0
        bufferedX = 0
    }

    /// Writes the pending glyphs as one `TJ`.
    private func flush() {
        guard !pending.isEmpty else { return }
        append("[<")
        for g in pending {
            if g.x != writtenX {
                var rounded = (-1000 * (g.x - writtenX)).rounded()
                if abs(rounded) < 3 { rounded = 0 }
                if rounded != 0 {
                    content.append(UInt8(ascii: ">"))
                    PDFNumber.appendInteger(Int64(rounded), to: &content)
                    content.append(UInt8(ascii: "<"))
                    writtenX -= rounded / 1000
                }
            }
            hex(g.cid)
            writtenX += g.advance
        }
        append(">]TJ\n")
        pending.removeAll(keepingCapacity: true)
        bufferedX = writtenX
    }

    /// Ends the text object, if one is open.
    func endText() {
        guard inText else { return }
        flush()
        append("ET\n")
        inText = false
        selected = nil
    }

    private func fontUse(_ face: EmbeddedFace) -> FontUse {
        if let last = lastUse, last.face === face { return last }
        if let use = fontIndex[ObjectIdentifier(face)] {
            lastUse = use
            return use
        }
        let use = FontUse(face: face, index: fonts.count + 1)
        fonts.append(use)
        fontIndex[ObjectIdentifier(face)] = use
        lastUse = use
        return use
    }

    // MARK: bytes

    private func append(_ s: StaticString) {
        s.withUTF8Buffer { content.append(contentsOf: $0) }
    }

    private func numbers(_ values: [Double]) {
        for v in values {
            PDFNumber.append(v, to: &content)
            content.append(0x20)
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private func hex(_ v: UInt16) {
        content.append(PDFDocument.hexDigits[Int(v >> 12)])
        content.append(PDFDocument.hexDigits[Int(v >> 8) & 15])
        content.append(PDFDocument.hexDigits[Int(v >> 4) & 15])
        content.append(PDFDocument.hexDigits[Int(v) & 15])
    }

    // MARK: the file

    /// The whole file: catalog, pages, resources, fonts, images, information, cross-reference table.
    func finish() throws -> [UInt8] {
        if !content.isEmpty || pages.isEmpty { showPage() }
        var file = PDFFile()
        let catalog = file.reserve()
        let pageTree = file.reserve()
        let info = file.reserve()
        let resources = file.reserve()
        var kids: [Int] = []
        for stream in pages {
            let page = file.reserve()
            let contents = file.add(stream: stream, dictionary: "/Filter /FlateDecode")
            file.set(page, "<< /Type /Page /Parent \(pageTree) 0 R /MediaBox [0 0 \(PDFNumber.string(LetterStyle.pageWidth)) \(PDFNumber.string(LetterStyle.pageHeight))] /Contents \(contents) 0 R /Resources \(resources) 0 R >>")
            kids.append(page)
        }
        var fontEntries = ""
        for use in fonts {
            let face = use.face
            for (kind, subset) in face.subsets.enumerated() where !use.text[kind].isEmpty {
                let font = try writeFont(&file, face: face, tag: subset.tag, fontFile: subset.fontFile, length: subset.length,
                                         widths: subset.widthArray, text: use.text[kind])
                fontEntries += "/F\(use.index)\(kind == 1 ? "e" : "") \(font) 0 R "
            }
            let outside = use.text[FontUse.outside]
            if !outside.isEmpty {
                let glyphs = outside.keys.sorted().map { UInt32($0) }
                guard let subset = face.documentSubset(glyphs) else { throw LetterError.rendering("cannot subset the font \(face.postScriptName)") }
                let font = try writeFont(&file, face: face, tag: subset.tag, fontFile: subset.file, length: subset.length,
                                         widths: subset.widths, text: outside)
                fontEntries += "/F\(use.index)x \(font) 0 R "
            }
        }
        var imageEntries = ""
        for (i, image) in images.enumerated() {
            let object = file.add(stream: Deflate.compress(image.bits, level: 6), dictionary:
                "/Type /XObject /Subtype /Image /Width \(image.size) /Height \(image.size) /ImageMask true /BitsPerComponent 1 /Decode [1 0] /Interpolate false /Filter /FlateDecode")
            imageEntries += "/Im\(i + 1) \(object) 0 R "
        }
        file.set(resources, "<< /Font << \(fontEntries)>> /XObject << \(imageEntries)>> >>")
        file.set(pageTree, "<< /Type /Pages /Kids [\(kids.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(kids.count) >>")
        file.set(catalog, "<< /Type /Catalog /Pages \(pageTree) 0 R >>")
        file.set(info, "<< /Title \(PDFDocument.textString(title)) /Author \(PDFDocument.textString(author)) /Creator (Relance) /Producer (Relance)"
            + " /CreationDate (\(PDFDocument.pdfDate(creationDate))) >>")
        return file.bytes(root: catalog, info: info)
    }

    /// A Type0 font with its CIDFontType2, descriptor, font program and ToUnicode map; returns the
    /// Type0 object's number.
    private func writeFont(_ file: inout PDFFile, face: EmbeddedFace, tag: String, fontFile: [UInt8], length: Int, widths: String,
                           text: [UInt16: [UInt8]]) throws -> Int {
        let name = tag + "+" + face.postScriptName
        let program = file.add(stream: fontFile, dictionary: "/Length1 \(length) /Filter /FlateDecode")
        let descriptor = file.add("<< /Type /FontDescriptor /FontName /\(name) \(face.descriptor) /FontFile2 \(program) 0 R >>")
        let cidFont = file.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
            + " /FontDescriptor \(descriptor) 0 R /W \(widths) /CIDToGIDMap /Identity >>")
        let toUnicode = file.add(stream: Deflate.compress(PDFDocument.toUnicode(text), level: 1), dictionary: "/Filter /FlateDecode")
        return file.add("<< /Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H /DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R >>")
    }

    /// The ToUnicode CMap: each CID and the UTF-16 text it stands for.
    static func toUnicode(_ text: [UInt16: [UInt8]]) -> [UInt8] {
        var out = Array("""
        /CIDInit /ProcSet findresource begin
        12 dict begin
        begincmap
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
        /CMapName /Adobe-Identity-UCS def
        /CMapType 2 def
        1 begincodespacerange
        <0000> <FFFF>
        endcodespacerange

        """.utf8)
        let entries = text.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + 100, entries.count)]
            out += Array("\(chunk.count) beginbfchar\n".utf8)
            for (cid, utf8) in chunk {
                out += Array("<\(hex4(cid))> <\(String(decoding: utf8, as: UTF8.self).utf16.map(hex4).joined())>\n".utf8)
            }
            out += Array("endbfchar\n".utf8)
            start += 100
        }
        out += Array("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n".utf8)
        return out
    }

    private static func hex4(_ v: UInt16) -> String {
        String(decoding: [hexDigits[Int(v >> 12)], hexDigits[Int(v >> 8) & 15], hexDigits[Int(v >> 4) & 15], hexDigits[Int(v) & 15]], as: UTF8.self)
    }

    /// A PDF text string: printable ASCII as a literal string, anything else as UTF-16BE with a BOM.
    static func textString(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            var out = "("
            for c in s.unicodeScalars {
                if c == "(" || c == ")" || c == "\\" { out += "\\" }
                out.unicodeScalars.append(c)
            }
            return out + ")"
        }
        return "<FEFF" + s.utf16.map(hex4).joined() + ">"
    }

    /// "2026-11-21T00:00:00Z" as PDF's "D:20261121000000Z" (an offset as +hh'mm'); now (UTC) when nil.
    static func pdfDate(_ iso: String?) -> String {
        guard let iso, !iso.isEmpty else {
            var now = time(nil)
            var parts = tm()
            gmtime_r(&now, &parts)
            let fields = [Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec)]
            return "D:" + fields.enumerated().map { i, v in i == 0 ? String(v) : (v < 10 ? "0\(v)" : String(v)) }.joined() + "Z"
        }
        var digits = ""
        var zone = ""
        var rest = Substring(iso)
        while let c = rest.first {
            if c.isNumber {
                digits.append(c)
            } else if c == "Z" {
                zone = "Z"
            } else if (c == "+" || (c == "-" && digits.count >= 14)) {
                let offset = rest.dropFirst().filter(\.isNumber)
                zone = String(c) + String(offset.prefix(2)) + "'" + String(offset.dropFirst(2).prefix(2)) + "'"
                break
            }
            rest = rest.dropFirst()
        }
        return "D:" + digits + zone
    }
}

/// What one document uses of one face: its resource number, and for each of its fonts (the core
/// subset, the extended one, the document's own for glyphs outside both) the CIDs drawn and the
/// text (UTF-8) each stands for.
final class FontUse {
    let face: EmbeddedFace
    /// `/F<index>` is the core subset, `/F<index>e` the extended one, `/F<index>x` the document's own.
    let index: Int
    /// Per font (0 core, 1 extended, ``outside``): CID → text; a font with no entry is not used.
    @exclusivity(unchecked) var text: [[UInt16: [UInt8]]] = [[:], [:], [:]]
    /// The index of the document's own font in ``text``.
    static let outside = 2

    init(face: EmbeddedFace, index: Int) {
        self.face = face
        self.index = index
    }
}

/// Numbered objects and the cross-reference table around them.
struct PDFFile {
    private var objects: [[UInt8]] = []

    /// A number for an object written later with ``set(_:_:)``.
    mutating func reserve() -> Int {
        objects.append([])
        return objects.count
    }

    mutating func set(_ number: Int, _ dictionary: String) { objects[number - 1] = Array(dictionary.utf8) }

    mutating func add(_ dictionary: String) -> Int {
        objects.append(Array(dictionary.utf8))
        return objects.count
    }

    mutating func add(stream: [UInt8], dictionary: String) -> Int {
        var body = Array("<< /Length \(stream.count) \(dictionary) >>\nstream\n".utf8)
        body += stream
        body += Array("\nendstream".utf8)
        objects.append(body)
        return objects.count
    }

    func bytes(root: Int, info: Int) -> [UInt8] {
        var out: [UInt8] = Array("%PDF-1.5\n%".utf8) + [0xB5, 0xED, 0xAE, 0xFB, 0x0A]
        out.reserveCapacity(objects.reduce(1024) { $0 + $1.count + 32 })
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n".utf8)
            out += body
            out += Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        out += Array(table.utf8)
        return out
    }
}
