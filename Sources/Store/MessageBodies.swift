import CZlib
import Foundation
import GRDB

/// A message's text and HTML bodies packed into one zlib-compressed blob (`outbox_message.bodies_z`,
/// migration 0021): the HTML repeats the text, so compressing both together stores about a fifth of
/// their size.
///
/// Layout: byte 0 the format (1), bytes 1–4 the packed length (little-endian), then the zlib stream
/// of the packed bodies: the text's UTF-8 length (4 bytes, little-endian), a byte saying whether an
/// HTML body follows, the text, the HTML.
package enum MessageBodies {
    /// The current format byte.
    static let format: UInt8 = 1

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
        var bound = compressBound(uLong(packed.count))
        var out = [UInt8](repeating: 0, count: 5 + Int(bound))
        out[0] = format
        var header: [UInt8] = []
        appendLittleEndian(packedLength, to: &header)
        out.replaceSubrange(1..<5, with: header)
        let status = out.withUnsafeMutableBufferPointer { o in
            packed.withUnsafeBufferPointer { p in
                compress2(o.baseAddress.map { $0 + 5 }, &bound, p.baseAddress, uLong(p.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard status == Z_OK else { throw StoreError.compressionFailed(zlibStatus: status) }
        return Data(out.prefix(5 + Int(bound)))
    }

    /// The text and HTML bodies of a blob written by ``compress(text:html:)``.
    /// - Throws: ``StoreError`` when the blob is damaged or of an unknown format.
    package static func decompress(_ blob: Data) throws -> (text: String, html: String?) {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, bytes[0] == format else { throw StoreError.unknownBodyFormat }
        let packedLength = Int(littleEndian(bytes, at: 1))
        guard packedLength >= 5, packedLength <= 1 << 30 else { throw StoreError.damagedBody(zlibStatus: nil) }
        var packed = [UInt8](repeating: 0, count: packedLength)
        var length = uLong(packedLength)
        let status = packed.withUnsafeMutableBufferPointer { p in
            bytes.withUnsafeBufferPointer { b in
                uncompress(p.baseAddress, &length, b.baseAddress.map { $0 + 5 }, uLong(b.count - 5))
            }
        }
        guard status == Z_OK, Int(length) == packedLength else { throw StoreError.damagedBody(zlibStatus: status) }
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

    private static func appendLittleEndian(_ v: UInt32, to out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    private static func littleEndian(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
