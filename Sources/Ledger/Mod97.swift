/// ISO 7064 MOD 97-10 over a string of digits and letters (A=10 … Z=35), computed piecewise
/// so that references of any length fit in an integer. Returns nil on any other character.
package func mod97(_ text: some StringProtocol) -> Int? {
    var r = 0
    for b in text.utf8 {
        switch b {
        case 48...57:
            r = (r * 10 + Int(b - 48)) % 97
        case 65...90:
            r = (r * 100 + Int(b - 55)) % 97
        case 97...122:
            r = (r * 100 + Int(b - 87)) % 97
        default:
            return nil
        }
    }
    return r
}

@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
@inline(__always) func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }

/// `text` with ASCII letters upper-cased and everything else left as it is (so that a non-ASCII
/// letter can never turn into ASCII ones, `ß` → `SS`, and pass a check); spaces dropped if asked.
func asciiUppercased(_ text: some StringProtocol, droppingSpaces: Bool) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    for b in text.utf8 where !(droppingSpaces && b == 0x20) { bytes.append((97...122).contains(b) ? b - 32 : b) }
    return String(decoding: bytes, as: UTF8.self)
}
