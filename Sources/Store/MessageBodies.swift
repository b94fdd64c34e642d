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
/// (``dictionaryV1``, the templates' fixed text), about 40 % of format 1's size. Both are read.
package enum MessageBodies {
    /// The current format byte: zlib with the preset dictionary 1.
    static let format: UInt8 = 2
    /// The format of the rows written from migration 0021 until issue 17: zlib without dictionary.
    static let plainFormat: UInt8 = 1

    /// The compressed blob of `text` and `html`.
    /// - Throws: ``StoreError`` when zlib fails (out of memory) or a body exceeds 4 GiB.
    package static func compress(text: String, html: String?) throws -> Data {
        let textBytes = Array(text.utf8)
        let htmlBytes = html.map { Array($0.utf8) } ?? []
        var packed: [UInt8] = []
        packed.reserveCapacity(5 + textBytes.count + htmlBytes.count)
        guard let textLength = UInt32(exactly: textBytes.count),
              let packedLength = UInt32(exactly: 5 + textBytes.count + htmlBytes.count)
        else { throw StoreError.bodyTooLarge(bytes: 5 + textBytes.count + htmlBytes.count) }
        appendLittleEndian(textLength, to: &packed)
        packed.append(html == nil ? 0 : 1)
        packed += textBytes
        packed += htmlBytes
        var out: [UInt8] = [format]
        appendLittleEndian(packedLength, to: &out)
        out += try PresetDictionaryZlib.deflate(packed, dictionary: dictionaryV1)
        return Data(out)
    }

    /// The text and HTML bodies of a blob written by ``compress(text:html:)``.
    /// - Throws: ``StoreError`` when the blob is damaged or of an unknown format.
    package static func decompress(_ blob: Data) throws -> (text: String, html: String?) {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, bytes[0] == format || bytes[0] == plainFormat else { throw StoreError.unknownBodyFormat }
        let packedLength = Int(littleEndian(bytes, at: 1))
        guard packedLength >= 5, packedLength <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        let packed = try PresetDictionaryZlib.inflate(bytes, from: 5, dictionary: bytes[0] == format ? dictionaryV1 : nil,
                                                      length: packedLength)
        let textLength = Int(littleEndian(packed, at: 0))
        guard 5 + textLength <= packedLength, packed[4] <= 1 else { throw StoreError.damagedBody(zlibStatus: nil) }
        let text = String(decoding: packed[5..<(5 + textLength)], as: UTF8.self)
        let html = packed[4] == 1 ? String(decoding: packed[(5 + textLength)...], as: UTF8.self) : nil
        return (text, html)
    }

    /// The SQL function `message_text(text_body, bodies_z)`, registered on every connection of a
    /// `LedgerStore`: a message's text body whether it is stored plain or compressed, so queries
    /// (and tests) can read it, e.g. `SELECT message_text(text_body, bodies_z) FROM outbox_message`.
    package static let textFunction = DatabaseFunction("message_text", argumentCount: 2, pure: true) { values in
        guard let blob = Data.fromDatabaseValue(values[1]) else { return String.fromDatabaseValue(values[0]) }
        return try decompress(blob).text
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
