import CZlib
import Foundation
import GRDB

/// A message's text and HTML bodies packed into one zlib-compressed blob (`outbox_message.bodies_z`,
/// migration 0021): the HTML repeats the text, so compressing both together stores about a fifth of
/// their size.
///
/// Layout: byte 0 the format, bytes 1–4 the packed length (little-endian), then the zlib stream
/// of the packed bodies: the text's UTF-8 length (4 bytes, little-endian), a byte saying whether an
/// HTML body follows, the text, the HTML. Format 1 (migration 0021): a plain zlib stream. Format 2
/// (issue 17, what `compress` writes): a zlib stream with the preset dictionary 1
/// (``dictionaryV1``, the templates' fixed text), about 40 % of format 1's size. Format 3 (issue 17,
/// third round, migration 0027a): a zlib stream whose preset dictionary is ``dictionaryV1`` followed by
/// the message's own body dictionary (`outbox_body_dictionary`, named by `bodies_dictionary_id`): the
/// step template rendered with the creditor's values and no debtor's, stored once per distinct text;
/// about 70 % of format 2's size. All three are read; format 3 needs its body dictionary.
///
/// The subject inside (migration 0040a, issue 17's ninth round): when bit 1 of the byte after the
/// text's length is set (bit 0 says whether an HTML body follows), the subject's UTF-8 length
/// (4 bytes, little-endian) and the subject follow that byte, before the text. The HTML's `<title>`
/// repeats it, so inside the stream it costs a few bytes; `outbox_message.subject` is then stored
/// `''` and readers take the blob's (``decompressAll(_:bodyDictionary:)``, the SQL function
/// `message_subject`). Written for a message with a body dictionary (Dunning's reminders) only.
package enum MessageBodies {
    /// The current format byte when the message has no body dictionary: zlib with the preset dictionary 1.
    static let format: UInt8 = 2
    /// The format byte of a blob compressed with dictionary 1 followed by a body dictionary.
    static let bodyDictionaryFormat: UInt8 = 3
    /// The format of the rows written from migration 0021 until issue 17: zlib without dictionary.
    static let plainFormat: UInt8 = 1

    /// The compressed blob of `text` and `html`.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or a body exceeds 4 GiB.
    package static func compress(text: String, html: String?) throws -> Data {
        try compress(text: text, html: html, bodyDictionary: nil)
    }

    /// The compressed blob of `text` and `html`, primed with ``dictionaryV1`` and then
    /// `bodyDictionary` when there is one (format 3; reading it needs the same `bodyDictionary`).
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or a body exceeds 4 GiB.
    package static func compress(text: String, html: String?, bodyDictionary: [UInt8]?) throws -> Data {
        try compress(subject: nil, text: text, html: html, bodyDictionary: bodyDictionary)
    }

    /// The compressed blob of `subject` (when not nil: kept inside, migration 0040a), `text` and
    /// `html`, primed with ``dictionaryV1`` and then `bodyDictionary` when there is one.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or a body exceeds 4 GiB.
    package static func compress(subject: String?, text: String, html: String?, bodyDictionary: [UInt8]?) throws -> Data {
        try compress(subject: subject, text: text, html: html, format: bodyDictionary == nil ? format : bodyDictionaryFormat) {
            try PresetDictionaryZlib.deflate($0, dictionary: bodyDictionary.map { dictionaryV1 + $0 } ?? dictionaryV1)
        }
    }

    /// The same, from a stream primed with the whole preset dictionary of a format-3 blob
    /// (``dictionaryV1`` then the body dictionary, as ``bodyDictionary(_:_:)`` returns it), or nil
    /// for format 2 (``dictionaryV1`` alone).
    package static func compress(subject: String?, text: String, html: String?, primed: PrimedDeflate?) throws -> Data {
        try compress(subject: subject, text: text, html: html, format: primed == nil ? format : bodyDictionaryFormat) { packed in
            if let p = primed ?? primedV1 { return try PresetDictionaryZlib.deflate(packed, primed: p) }
            return try PresetDictionaryZlib.deflate(packed, dictionary: dictionaryV1)
        }
    }

    /// The blob of format `formatByte` whose zlib stream `deflate` makes from the packed bodies.
    private static func compress(subject: String?, text: String, html: String?, format formatByte: UInt8,
                                 deflate: ([UInt8]) throws -> [UInt8]) throws -> Data {
        let subjectBytes = subject.map { Array($0.utf8) }
        let textBytes = Array(text.utf8)
        let htmlBytes = html.map { Array($0.utf8) } ?? []
        let size = 5 + (subjectBytes.map { 4 + $0.count } ?? 0)
        let total = size + textBytes.count + htmlBytes.count
        var packed: [UInt8] = []
        packed.reserveCapacity(total)
        guard let textLength = UInt32(exactly: textBytes.count), let packedLength = UInt32(exactly: total)
        else { throw StoreError.bodyTooLarge(bytes: total) }
        appendLittleEndian(textLength, to: &packed)
        packed.append((html == nil ? 0 : 1) | (subjectBytes == nil ? 0 : 2))
        if let subjectBytes {
            appendLittleEndian(UInt32(subjectBytes.count), to: &packed)
            packed += subjectBytes
        }
        packed += textBytes
        packed += htmlBytes
        var out: [UInt8] = [formatByte]
        appendLittleEndian(packedLength, to: &out)
        out += try deflate(packed)
        return Data(out)
    }

    /// A stream primed with ``dictionaryV1`` (format 2); nil when zlib could not make it.
    package static let primedV1 = try? PrimedDeflate(dictionary: dictionaryV1)

    /// The text and HTML bodies of a blob written by ``compress(text:html:bodyDictionary:)``;
    /// `bodyDictionary` is the message's body dictionary (format 3 only; ignored by the others).
    /// - Throws: ``StoreError`` when the blob is damaged, of an unknown format, or of format 3
    ///   without its body dictionary (``StoreError/missingBodyDictionary``).
    package static func decompress(_ blob: Data, bodyDictionary: [UInt8]? = nil) throws -> (text: String, html: String?) {
        let all = try decompressAll(blob, bodyDictionary: bodyDictionary)
        return (all.text, all.html)
    }

    /// The subject (nil when the blob holds none: the row's `subject` column is the message's),
    /// text and HTML bodies of a blob written by ``compress(subject:text:html:bodyDictionary:)``.
    /// - Throws: as ``decompress(_:bodyDictionary:)``.
    package static func decompressAll(_ blob: Data, bodyDictionary: [UInt8]? = nil) throws -> (subject: String?, text: String, html: String?) {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, [plainFormat, format, bodyDictionaryFormat].contains(bytes[0]) else { throw StoreError.unknownBodyFormat }
        let packedLength = Int(littleEndian(bytes, at: 1))
        guard packedLength >= 5, packedLength <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        let dictionary: [UInt8]?
        switch bytes[0] {
        case bodyDictionaryFormat:
            guard let bodyDictionary else { throw StoreError.missingBodyDictionary }
            dictionary = dictionaryV1 + bodyDictionary
        case format: dictionary = dictionaryV1
        default: dictionary = nil
        }
        let packed = try PresetDictionaryZlib.inflate(bytes, from: 5, dictionary: dictionary, length: packedLength)
        let textLength = Int(littleEndian(packed, at: 0))
        guard packed[4] <= 3 else { throw StoreError.damagedBody(zlibStatus: nil) }
        var start = 5
        var subject: String?
        if packed[4] & 2 != 0 {
            guard packedLength >= 9 else { throw StoreError.damagedBody(zlibStatus: nil) }
            let subjectLength = Int(littleEndian(packed, at: 5))
            guard subjectLength <= packedLength - 9 else { throw StoreError.damagedBody(zlibStatus: nil) }
            subject = String(decoding: packed[9..<(9 + subjectLength)], as: UTF8.self)
            start = 9 + subjectLength
        }
        guard textLength <= packedLength - start else { throw StoreError.damagedBody(zlibStatus: nil) }
        let text = String(decoding: packed[start..<(start + textLength)], as: UTF8.self)
        let html = packed[4] & 1 == 1 ? String(decoding: packed[(start + textLength)...], as: UTF8.self) : nil
        return (subject, text, html)
    }

    /// The SQL function `message_text(text_body, bodies_z)`, registered on every connection of a
    /// `LedgerStore`: a message's text body whether it is stored plain or compressed, so queries
    /// (and tests) can read it, e.g. `SELECT message_text(text_body, bodies_z) FROM outbox_message`.
    /// A body with a body dictionary (format 3) needs the three-argument form, ``textWithDictionaryFunction``.
    package static let textFunction = DatabaseFunction("message_text", argumentCount: 2, pure: true) { values in
        guard let blob = Data.fromDatabaseValue(values[1]) else { return String.fromDatabaseValue(values[0]) }
        return try decompress(blob).text
    }

    /// The SQL function `message_text(text_body, bodies_z, dictionary)`: the same for every format,
    /// given the message's stored body dictionary, e.g. `SELECT message_text(m.text_body, m.bodies_z, d.text_z)
    /// FROM outbox_message m LEFT JOIN outbox_body_dictionary d ON d.id = m.bodies_dictionary_id`.
    package static let textWithDictionaryFunction = DatabaseFunction("message_text", argumentCount: 3, pure: true) { values in
        guard let blob = Data.fromDatabaseValue(values[1]) else { return String.fromDatabaseValue(values[0]) }
        return try decompress(blob, bodyDictionary: try Data.fromDatabaseValue(values[2]).map(bodyDictionary(stored:))).text
    }

    /// The SQL function `message_subject(subject, bodies_z, dictionary)`: a message's subject, the
    /// column's unless it is `''` and the blob holds the subject (migration 0040a), e.g.
    /// `SELECT message_subject(m.subject, m.bodies_z, d.text_z) FROM outbox_message m LEFT JOIN
    /// outbox_body_dictionary d ON d.id = m.bodies_dictionary_id`.
    package static let subjectFunction = DatabaseFunction("message_subject", argumentCount: 3, pure: true) { values in
        let column = String.fromDatabaseValue(values[0])
        guard column == "", let blob = Data.fromDatabaseValue(values[1]) else { return column }
        let all = try decompressAll(blob, bodyDictionary: try Data.fromDatabaseValue(values[2]).map(bodyDictionary(stored:)))
        return all.subject ?? column
    }

    /// `message_subject(…)` of the `outbox_message` row named `table` (an alias or the table's name),
    /// with its body dictionary looked up.
    package static func subjectSQL(_ table: String = "outbox_message") -> String {
        "message_subject(\(table).subject, \(table).bodies_z, "
            + "(SELECT d.text_z FROM outbox_body_dictionary d WHERE d.id = \(table).bodies_dictionary_id))"
    }

    /// The body dictionary stored compressed in `outbox_body_dictionary.text_z`, as bytes.
    /// - Throws: ``StoreError`` when the blob is damaged.
    package static func bodyDictionary(stored blob: Data) throws -> [UInt8] {
        Array(try decompress(blob).text.utf8)
    }

    /// The id of the stored body dictionary `text`, inserted when no row holds it yet.
    package static func bodyDictionaryID(_ db: Database, _ text: String) throws -> Int64 {
        try bodyDictionary(db, text).id
    }

    /// The id of the stored body dictionary `text`, inserted when no row holds it yet, and a stream
    /// primed with the preset dictionary a blob of format 3 is compressed with (``dictionaryV1`` then
    /// `text`'s bytes).
    ///
    /// A run queues thousands of messages with the same few dictionaries, so the row found or
    /// inserted is remembered (``KnownDictionaries``) with its stored blob and primed stream; the next call
    /// for the same text checks that this database holds exactly that blob under that id (one
    /// primary-key look-up, the blob compared byte for byte: the same blob inflates to the same text)
    /// instead of inflating and comparing every candidate. Any other outcome (another database, a
    /// transaction rolled back) takes the full path again. The texts are told apart by their UTF-8
    /// bytes, as the blob needs them (issue 17, tenth round: a `String` key hashed the whole
    /// non-ASCII text through Unicode normalization for every message).
    /// - Throws: ``StoreError`` when zlib fails, or a database error.
    package static func bodyDictionary(_ db: Database, _ text: String) throws -> (id: Int64, primed: PrimedDeflate) {
        let bytes = Array(text.utf8)
        if let known = KnownDictionaries.shared.row(for: bytes),
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM outbox_body_dictionary WHERE id = ? AND text_z = ?"),
                             arguments: [known.id, known.blob]) == true {
            return (known.id, known.primed)
        }
        let checksum = bytes.withUnsafeBufferPointer { b in
            Int64(crc32(0, b.baseAddress, uInt(b.count))) << 32 | Int64(adler32(1, b.baseAddress, uInt(b.count)))
        }
        let candidates = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, text_z FROM outbox_body_dictionary WHERE checksum = ?"),
                                          arguments: [checksum])
        for row in candidates {
            let blob: Data = row["text_z"]
            if try decompress(blob).text.utf8.elementsEqual(bytes) {
                return try KnownDictionaries.shared.remember(bytes, id: row["id"], blob: blob)
            }
        }
        let blob = try compress(text: text, html: nil)
        try db.cachedStatement(sql: "INSERT INTO outbox_body_dictionary (checksum, text_z) VALUES (?, ?)")
            .execute(arguments: [checksum, blob])
        return try KnownDictionaries.shared.remember(bytes, id: db.lastInsertedRowID, blob: blob)
    }

    /// The body dictionaries this process found or stored last, by their text's UTF-8 bytes: a hint
    /// that ``bodyDictionary(_:_:)`` checks against the database before using it. At most 64 texts.
    final class KnownDictionaries: @unchecked Sendable {
        static let shared = KnownDictionaries()
        private let lock = NSLock()
        private var rows: [Bytes: (id: Int64, blob: Data, primed: PrimedDeflate)] = [:]

        /// Bytes hashed in one piece (`Array`'s own hash feeds the hasher a byte at a time).
        struct Bytes: Hashable {
            var bytes: [UInt8]
            func hash(into hasher: inout Hasher) {
                bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            }
        }

        func row(for text: [UInt8]) -> (id: Int64, blob: Data, primed: PrimedDeflate)? { lock.withLock { rows[Bytes(bytes: text)] } }

        /// Remembers the row, with a stream primed with its preset dictionary, and returns its id and that stream.
        /// - Throws: ``StoreError/compressionFailed(zlibStatus:)`` when zlib fails (out of memory).
        func remember(_ text: [UInt8], id: Int64, blob: Data) throws -> (id: Int64, primed: PrimedDeflate) {
            let primed = try PrimedDeflate(dictionary: dictionaryV1 + text)
            lock.withLock {
                if rows.count >= 64 { rows.removeAll(keepingCapacity: true) }
                rows[Bytes(bytes: text)] = (id, blob, primed)
            }
            return (id, primed)
        }
    }

    static func appendLittleEndian(_ v: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    static func littleEndian(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// zlib streams (RFC 1950) with an optional preset dictionary (`deflateSetDictionary`,
/// `inflateSetDictionary`): the stream names its dictionary by Adler-32, so a wrong one is refused.
package enum PresetDictionaryZlib {
    /// The zlib stream of `input` (level 6), primed with `dictionary`.
    /// - Throws: ``StoreError/compressionFailed(zlibStatus:)`` when zlib fails (out of memory).
    package static func deflate(_ input: [UInt8], dictionary: [UInt8]) throws -> [UInt8] {
        var s = z_stream()
        var status = deflateInit_(&s, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw StoreError.compressionFailed(zlibStatus: status) }
        defer { deflateEnd(&s) }
        status = dictionary.withUnsafeBufferPointer { d in deflateSetDictionary(&s, d.baseAddress, uInt(d.count)) }
        guard status == Z_OK else { throw StoreError.compressionFailed(zlibStatus: status) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&s, uLong(input.count))) + 16)
        status = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                s.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                s.avail_in = uInt(i.count)
                s.next_out = o.baseAddress
                s.avail_out = uInt(o.count)
                return CZlib.deflate(&s, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw StoreError.compressionFailed(zlibStatus: status) }
        return Array(out.prefix(Int(s.total_out)))
    }

    /// The zlib stream of `input` (level 6) from a stream `primed` with its dictionary already: the
    /// same bytes as ``deflate(_:dictionary:)`` with that dictionary.
    /// - Throws: ``StoreError/compressionFailed(zlibStatus:)`` when zlib fails (out of memory).
    package static func deflate(_ input: [UInt8], primed: PrimedDeflate) throws -> [UInt8] {
        let s = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        s.initialize(to: z_stream())
        defer { s.deallocate() }
        var status = primed.copy(into: s)
        guard status == Z_OK else { throw StoreError.compressionFailed(zlibStatus: status) }
        defer { deflateEnd(s) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(s, uLong(input.count))) + 16)
        status = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                s.pointee.next_in = UnsafeMutablePointer(mutating: i.baseAddress)
                s.pointee.avail_in = uInt(i.count)
                s.pointee.next_out = o.baseAddress
                s.pointee.avail_out = uInt(o.count)
                return CZlib.deflate(s, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw StoreError.compressionFailed(zlibStatus: status) }
        return Array(out.prefix(Int(s.pointee.total_out)))
    }

    /// The `length` bytes of the zlib stream in `input` from index `start`; `dictionary` is given
    /// to zlib when the stream asks for one (a stream that asks for none ignores it).
    /// - Throws: ``StoreError/damagedBody(zlibStatus:)`` when the stream is damaged, does not hold
    ///   exactly `length` bytes, or needs a dictionary it was not given.
    package static func inflate(_ input: [UInt8], from start: Int, dictionary: [UInt8]?, length: Int) throws -> [UInt8] {
        guard length > 0, start < input.count else { throw StoreError.damagedBody(zlibStatus: nil) }
        var s = z_stream()
        guard inflateInit_(&s, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw StoreError.damagedBody(zlibStatus: nil)
        }
        defer { inflateEnd(&s) }
        var out = [UInt8](repeating: 0, count: length)
        let status: Int32 = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                s.next_in = UnsafeMutablePointer(mutating: i.baseAddress.map { $0 + start })
                s.avail_in = uInt(i.count - start)
                s.next_out = o.baseAddress
                s.avail_out = uInt(o.count)
                var status = CZlib.inflate(&s, Z_FINISH)
                if status == Z_NEED_DICT {
                    guard let dictionary else { return status }
                    status = dictionary.withUnsafeBufferPointer { d in inflateSetDictionary(&s, d.baseAddress, uInt(d.count)) }
                    guard status == Z_OK else { return status }
                    status = CZlib.inflate(&s, Z_FINISH)
                }
                return status
            }
        }
        guard status == Z_STREAM_END, Int(s.total_out) == length else { throw StoreError.damagedBody(zlibStatus: status) }
        return out
    }
}

/// A zlib stream (level 6) primed with a preset dictionary once and copied (`deflateCopy`) for each
/// blob compressed with that dictionary: `deflateSetDictionary` hashes every byte of the dictionary
/// (about 20 KB for a reminder's bodies), once per blob before (issue 17, tenth round). The copy
/// holds the same state as a stream primed afresh, so the blob is the same bytes.
///
/// `@unchecked Sendable`: the primed stream is only read, by `deflateCopy`, under the lock.
package final class PrimedDeflate: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    private let lock = NSLock()

    /// A stream primed with `dictionary`.
    /// - Throws: ``StoreError/compressionFailed(zlibStatus:)`` when zlib fails (out of memory).
    package init(dictionary: [UInt8]) throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        var status = deflateInit_(stream, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw StoreError.compressionFailed(zlibStatus: status)
        }
        status = dictionary.withUnsafeBufferPointer { d in deflateSetDictionary(stream, d.baseAddress, uInt(d.count)) }
        guard status == Z_OK else {
            deflateEnd(stream)
            stream.deallocate()
            throw StoreError.compressionFailed(zlibStatus: status)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Copies the primed stream into `destination` (to be ended with `deflateEnd`); zlib's status.
    func copy(into destination: UnsafeMutablePointer<z_stream>) -> Int32 {
        lock.withLock { deflateCopy(destination, stream) }
    }
}
