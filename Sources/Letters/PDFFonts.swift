import CHarfBuzz
import CPangoCairo
import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// zlib streams (PDF's FlateDecode).
enum Deflate {
    /// `bytes` deflated at `level` (1 fast … 9 small) in the zlib format.
    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &size, src.baseAddress, uLong(src.count), level)
            }
        }
        // compressBound is enough by zlib's contract, and the buffers are ours: Z_OK is the only outcome.
        precondition(status == Z_OK, "zlib compress2 failed with \(status)")
        out.removeSubrange(Int(size)...)
        return out
    }
}

/// One font program shared by every PDF that uses it: the FontFile2 stream (deflated once), its
/// uncompressed length, its six-letter tag and its `/W` array.
final class SharedSubset: @unchecked Sendable {
    let fontFile: [UInt8]
    let length: Int
    let tag: String
    let widthArray: String

    init(fontFile: [UInt8], length: Int, tag: String, widthArray: String) {
        self.fontFile = fontFile
        self.length = length
        self.tag = tag
        self.widthArray = widthArray
    }
}

/// One TrueType face as the letters embed it: two subsets built ONCE per process for a fixed
/// repertoire and the glyphs GSUB makes of it, deflated once and copied into the PDFs that use
/// them: the core (ASCII, Latin-1, €, the common typographic punctuation), in nearly every letter,
/// and the rest (Latin Extended-A, the whole general punctuation block), only in letters that draw
/// one of its glyphs (Ł, ş, ı …). A glyph outside both goes into a small subset made for the one
/// document that uses it (``documentSubset(_:)``).
///
/// Immutable after creation, shared by every rendering thread.
final class EmbeddedFace: @unchecked Sendable {
    /// The PostScript name ("DejaVuSans-Bold"), the `/BaseFont` after the subset tag.
    let postScriptName: String
    /// The core subset (index 0) and the extended one (index 1).
    let subsets: [SharedSubset]
    /// For each glyph of the face: its subset in the high 16 bits and its glyph there (the CID)
    /// in the low ones; `UInt32.max` when it is in neither.
    private let slot: [UInt32]
    /// The advance of each glyph of the face in ems (exact).
    let advances: [Double]
    /// The `/FontDescriptor` entries after the name and the font file (ascent, descent, bbox…).
    let descriptor: String
    /// The face (one reference owned), kept for the per-document subsets.
    private let face: OpaquePointer

    /// The core repertoire: ASCII, Latin-1, €, quotes, dashes, …, •, ‹ ›, ‰, thin and narrow
    /// no-break spaces, ™, − and the replacement character.
    static let core: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0xA0...0xFF, 0x2009...0x2014, 0x2018...0x201E, 0x2022...0x2022, 0x2026...0x2026, 0x202F...0x2030,
        0x2039...0x203A, 0x20AC...0x20AC, 0x2122...0x2122, 0x2212...0x2212, 0xFFFD...0xFFFD,
    ]
    /// The extended repertoire: Latin Extended-A and the rest of the general punctuation block.
    static let extended: [ClosedRange<UInt32>] = [0x100...0x17F, 0x2000...0x206F]

    init?(face source: OpaquePointer) {
        face = hb_face_reference(source)
        hb_face_make_immutable(face)
        guard let font = hb_font_create(face) else { return nil }
        defer { hb_font_destroy(font) }
        let upem = Double(hb_face_get_upem(face))
        let glyphCount = Int(hb_face_get_glyph_count(face))
        guard upem > 0, glyphCount > 0 else { return nil }
        postScriptName = EmbeddedFace.name(face) ?? "Font"
        let advances = (0..<glyphCount).map { gid in Double(hb_font_get_glyph_h_advance(font, hb_codepoint_t(gid))) / upem }
        self.advances = advances

        // Each repertoire's glyphs and every glyph GSUB can make of them (ligatures, alternates);
        // the extended subset leaves out what the core has.
        let lookups = hb_set_create()
        let coreGlyphs = hb_set_create()
        defer {
            hb_set_destroy(lookups)
            hb_set_destroy(coreGlyphs)
        }
        // The substitutions HarfBuzz applies to horizontal text by default (the letters turn no
        // other feature on); a glyph only another feature makes still prints, through the slow path.
        var features = ["ccmp", "locl", "rlig", "liga", "clig", "calt", "rclt"].map { EmbeddedFace.tag($0) } + [0]
        hb_ot_layout_collect_lookups(face, EmbeddedFace.tag("GSUB"), nil, nil, &features, lookups)
        var slot = [UInt32](repeating: .max, count: glyphCount)
        var subsets: [SharedSubset] = []
        for (index, repertoire) in [EmbeddedFace.core, EmbeddedFace.core + EmbeddedFace.extended].enumerated() {
            let glyphs = hb_set_create()
            let unicodes = hb_set_create()
            defer {
                hb_set_destroy(glyphs)
                hb_set_destroy(unicodes)
            }
            for range in repertoire {
                for cp in range {
                    var gid: hb_codepoint_t = 0
                    if hb_font_get_nominal_glyph(font, cp, &gid) != 0 {
                        hb_set_add(glyphs, gid)
                        // The extended subset's cmap leaves the core's characters out (hb-subset
                        // would add their glyphs back).
                        if index == 0 || hb_set_has(coreGlyphs, gid) == 0 { hb_set_add(unicodes, cp) }
                    }
                }
            }
            hb_ot_layout_lookups_substitute_closure(face, lookups, glyphs)
            if index == 0 {
                hb_set_union(coreGlyphs, glyphs)
            } else {
                hb_set_subtract(glyphs, coreGlyphs)
            }
            hb_set_add(glyphs, 0)
            guard let made = EmbeddedFace.sharedSubset(face, glyphs: glyphs, unicodes: unicodes, advances: advances, index: index, slot: &slot)
            else { return nil }
            subsets.append(made)
        }
        self.subsets = subsets
        self.slot = slot

        let scale = 1000 / upem
        var ascender: hb_position_t = 0
        var descender: hb_position_t = 0
        _ = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &ascender)
        _ = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &descender)
        // Truncated, as cairo wrote them; the cap height is the box's top, as cairo gave it.
        let box = EmbeddedFace.headBox(face).map { Int(Double($0) * scale) }
        descriptor = "/Flags 32 /FontBBox [\(box.map(String.init).joined(separator: " "))] /ItalicAngle 0 /Ascent \(Int(Double(ascender) * scale))"
            + " /Descent \(Int(Double(descender) * scale)) /CapHeight \(box[3]) /StemV 80 /StemH 80"
    }

    /// Subsets `glyphs` (and the cmap of `unicodes`), deflates it, and records where each glyph
    /// went in `slot` (glyph 0, .notdef, is in every subset but belongs to the first).
    private static func sharedSubset(_ face: OpaquePointer, glyphs: OpaquePointer?, unicodes: OpaquePointer?, advances: [Double], index: Int,
                                     slot: inout [UInt32]) -> SharedSubset? {
        guard let input = subsetInput(retainGlyphIDs: false) else { return nil }
        defer { hb_subset_input_destroy(input) }
        hb_set_union(hb_subset_input_unicode_set(input), unicodes)
        hb_set_union(hb_subset_input_glyph_set(input), glyphs)
        guard let plan = hb_subset_plan_create_or_fail(face, input) else { return nil }
        defer { hb_subset_plan_destroy(plan) }
        guard let subset = hb_subset_plan_execute_or_fail(plan) else { return nil }
        defer { hb_face_destroy(subset) }
        let bytes = self.bytes(subset)
        guard !bytes.isEmpty else { return nil }
        let oldToNew = hb_subset_plan_old_to_new_glyph_mapping(plan)
        var byNew: [(UInt32, Int)] = []
        for gid in 0..<advances.count {
            let mapped = hb_map_get(oldToNew, hb_codepoint_t(gid))
            guard mapped < UInt32(UInt16.max) else { continue }
            byNew.append((mapped, gid))
            if slot[gid] == .max { slot[gid] = UInt32(index) << 16 | mapped }
        }
        byNew.sort { $0.0 < $1.0 }
        var w = "[0 ["
        var expected: UInt32 = 0
        for (new, old) in byNew {
            // A gap in the new glyph numbers (none expected) starts a new run of widths.
            if new != expected { w += "] \(new) [" }
            w += "\(width(advances[old])) "
            expected = new + 1
        }
        return SharedSubset(fontFile: Deflate.compress(bytes, level: 9), length: bytes.count, tag: subsetTag(bytes), widthArray: w + "]]")
    }

    deinit { hb_face_destroy(face) }

    /// The shared subset (0 core, 1 extended) holding glyph `gid` of the face and the glyph's CID
    /// there, or nil when the glyph is outside both repertoires.
    func sharedGlyph(_ gid: UInt32) -> (subset: Int, cid: UInt16)? {
        guard Int(gid) < slot.count else { return nil }
        let s = slot[Int(gid)]
        return s == .max ? nil : (Int(s >> 16), UInt16(truncatingIfNeeded: s))
    }

    /// The advance of glyph `gid` in ems.
    func advance(_ gid: UInt32) -> Double { Int(gid) < advances.count ? advances[Int(gid)] : 0 }

    /// A `/W` width: thousandths of an em, truncated to a whole number as cairo wrote them.
    static func width(_ advance: Double) -> Int { Int(advance * 1000) }

    /// A subset of just `glyphs` (the face's glyph numbers, kept as they are: CID = glyph number),
    /// for the glyphs of one document outside the repertoire: the FontFile2 stream (deflated), its
    /// uncompressed length, its tag and its `/W` array. Nil when HarfBuzz cannot subset the face.
    func documentSubset(_ glyphs: [UInt32]) -> (file: [UInt8], length: Int, tag: String, widths: String)? {
        guard let input = EmbeddedFace.subsetInput(retainGlyphIDs: true) else { return nil }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        for gid in glyphs { hb_set_add(set, gid) }
        guard let subset = hb_subset_or_fail(face, input) else { return nil }
        defer { hb_face_destroy(subset) }
        let bytes = EmbeddedFace.bytes(subset)
        guard !bytes.isEmpty else { return nil }
        let w = glyphs.map { "\($0) [\(EmbeddedFace.width(advance($0)))]" }.joined(separator: " ")
        return (Deflate.compress(bytes, level: 6), bytes.count, EmbeddedFace.subsetTag(bytes), "[" + w + "]")
    }

    // MARK: HarfBuzz helpers

    /// Subset options: no hinting (PDF viewers do not hint at print resolution) and none of the
    /// layout tables (the text is shaped already).
    private static func subsetInput(retainGlyphIDs: Bool) -> OpaquePointer? {
        guard let input = hb_subset_input_create_or_fail() else { return nil }
        var flags = HB_SUBSET_FLAGS_NO_HINTING.rawValue
        if retainGlyphIDs { flags |= HB_SUBSET_FLAGS_RETAIN_GIDS.rawValue }
        hb_subset_input_set_flags(input, flags)
        let drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for table in ["GSUB", "GPOS", "GDEF", "kern", "morx", "hdmx", "VDMX", "LTSH", "DSIG", "gasp", "BASE", "JSTF", "MATH"] {
            hb_set_add(drop, tag(table))
        }
        return input
    }

    private static func tag(_ s: String) -> hb_tag_t {
        s.utf8.reduce(0) { ($0 << 8) | hb_tag_t($1) }
    }

    private static func bytes(_ face: OpaquePointer) -> [UInt8] {
        guard let blob = hb_face_reference_blob(face) else { return [] }
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
    }

    /// The face's PostScript name from its `name` table.
    private static func name(_ face: OpaquePointer) -> String? {
        var size: UInt32 = 128
        var buffer = [CChar](repeating: 0, count: 128)
        let n = hb_ot_name_get_utf8(face, hb_ot_name_id_t(HB_OT_NAME_ID_POSTSCRIPT_NAME), hb_language_from_string("en", -1), &size, &buffer)
        guard n > 0 else { return nil }
        let name = String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let clean = String(name.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7F && !"()<>[]{}/%#".unicodeScalars.contains($0) })
        return clean.isEmpty ? nil : clean
    }

    /// xMin, yMin, xMax, yMax from the `head` table, in font units.
    private static func headBox(_ face: OpaquePointer) -> [Int16] {
        guard let blob = hb_face_reference_table(face, tag("head")) else { return [0, 0, 0, 0] }
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let data = hb_blob_get_data(blob, &length), length >= 44 else { return [0, 0, 0, 0] }
        let raw = UnsafeRawPointer(data)
        return (0..<4).map { i in
            Int16(bitPattern: UInt16(raw.load(fromByteOffset: 36 + 2 * i, as: UInt8.self)) << 8 | UInt16(raw.load(fromByteOffset: 37 + 2 * i, as: UInt8.self)))
        }
    }

    /// Six capital letters from an FNV-1a hash of the subset's bytes (PDF's subset tag).
    private static func subsetTag(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var tag = ""
        for _ in 0..<6 {
            tag.unicodeScalars.append(Unicode.Scalar(UInt8(65 + h % 26)))
            h /= 26
        }
        return tag
    }

    // MARK: one per face per process

    private static let lock = NSLockLite()
    nonisolated(unsafe) private static var faces: [String: EmbeddedFace] = [:]

    /// The process's embedded face for a pango font: made (subset and deflated) on first use.
    static func forFont(_ font: UnsafeMutablePointer<PangoFont>) -> EmbeddedFace? {
        guard let hbFont = pango_font_get_hb_font(font), let face = hb_font_get_face(hbFont) else { return nil }
        let desc = pango_font_describe(font)
        pango_font_description_unset_fields(desc, PANGO_FONT_MASK_SIZE)
        var key = "?"
        if let s = pango_font_description_to_string(desc) {
            key = String(cString: s)
            g_free(s)
        }
        pango_font_description_free(desc)
        key += "|\(hb_face_get_glyph_count(face))|\(hb_face_get_index(face))"
        return lock.withLock {
            if let known = faces[key] { return known }
            guard let made = EmbeddedFace(face: face) else { return nil }
            faces[key] = made
            return made
        }
    }
}

/// A pthread mutex (Foundation's `NSLock` without Foundation).
final class NSLockLite: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }

    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

/// Numbers as PDF writes them: at most three decimals, no exponent.
enum PDFNumber {
    static func string(_ v: Double) -> String {
        var out: [UInt8] = []
        append(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `v` with at most `decimals` (1…9) decimals, trailing zeros left out.
    static func append(_ v: Double, to out: inout [UInt8], decimals: Int = 3) {
        var unit: Int64 = 1
        for _ in 0..<decimals { unit *= 10 }
        var m = Int64((v * Double(unit)).rounded())
        if m < 0 {
            out.append(UInt8(ascii: "-"))
            m = -m
        }
        appendInteger(m / unit, to: &out)
        var frac = m % unit
        guard frac != 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = decimals
        while frac % 10 == 0 {
            frac /= 10
            digits -= 1
        }
        var divisor: Int64 = 1
        for _ in 1..<max(digits, 1) { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(48 + (frac / divisor) % 10))
            divisor /= 10
        }
    }

    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            appendInteger(-v, to: &out)
            return
        }
        if v >= 10 { appendInteger(v / 10, to: &out) }
        out.append(UInt8(48 + v % 10))
    }
}
