import Foundation

/// The standard normal distribution function from a table, linear in between: a forecast evaluates
/// it a hundred times per open invoice (once per day of its outlook), `erfc` would cost seconds on
/// a million invoices. Error below 1e-7; computed once, the same on every run.
enum NormalTable {
    /// Table steps per unit of z.
    static let stepsPerUnit = 256.0
    /// The table covers −limit…limit; beyond it Φ is 0 or 1 (to 1e-15).
    static let limit = 8.0
    /// Φ at −limit + k / stepsPerUnit.
    static let values: [Double] = {
        let n = Int(2 * limit * stepsPerUnit) + 2
        return (0..<n).map { k in 0.5 * erfc(-(-limit + Double(k) / stepsPerUnit) * 0.707_106_781_186_547_5) }
    }()

    /// Φ(z).
    @inline(__always)
    static func cdf(_ z: Double) -> Double {
        if !(z > -limit) { return 0 }
        if z >= limit { return 1 }
        let x = (z + limit) * stepsPerUnit
        let k = Int(x)
        let f = x - Double(k)
        return values.withUnsafeBufferPointer { v in v[k] + f * (v[k + 1] - v[k]) }
    }
}
