import CQRencode

/// QR code symbols through libqrencode: byte (8-bit) mode, error correction level M.
package enum QRCode {
    /// Why a payload cannot be encoded.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nothing to encode.
        case empty
        /// libqrencode refused the data (too long for any version at level M, or out of memory).
        case encodingFailed
        /// The symbol needs a higher version than allowed (found, allowed); EPC codes allow 13.
        case versionTooHigh(Int, max: Int)

        /// What went wrong.
        package var description: String {
            switch self {
            case .empty: "a QR code needs at least one byte of data"
            case .encodingFailed: "the data does not fit in a QR code at error correction level M"
            case .versionTooHigh(let v, let m): "the data needs QR version \(v), at most \(m) is allowed"
            }
        }
    }

    /// The highest QR version an EPC payload may use (331 bytes at level M).
    package static let epcMaxVersion = 13

    /// Encodes the UTF-8 bytes of `payload` at level M in byte mode, in the smallest version that
    /// holds them, and returns the module matrix row by row (`true` = dark), without quiet zone.
    /// - Parameter maxVersion: the highest version allowed (``epcMaxVersion`` for EPC payloads).
    package static func matrix(_ payload: String, maxVersion: Int = 40) throws -> (size: Int, modules: [Bool]) {
        let symbol = try encode(payload, maxVersion: maxVersion)
        return (symbol.size, symbol.modules)
    }

    /// The matrix with the version libqrencode chose.
    static func encode(_ payload: String, maxVersion: Int) throws -> (size: Int, version: Int, modules: [Bool]) {
        let bytes = Array(payload.utf8)
        guard !bytes.isEmpty else { throw Problem.empty }
        let code = bytes.withUnsafeBufferPointer { buffer in
            QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, 0, QR_ECLEVEL_M)
        }
        guard let code else { throw Problem.encodingFailed }
        defer { QRcode_free(code) }
        let version = Int(code.pointee.version)
        guard version <= maxVersion else { throw Problem.versionTooHigh(version, max: maxVersion) }
        let size = Int(code.pointee.width)
        guard size > 0, let data = code.pointee.data else { throw Problem.encodingFailed }
        // Bit 0 of each byte is the module's colour; the other bits describe its role.
        let modules = (0..<size * size).map { data[$0] & 1 == 1 }
        return (size, version, modules)
    }
}
