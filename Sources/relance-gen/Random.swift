/// SplitMix64 (Steele, Lea & Flood): turns one 64-bit seed into the state of ``Xoshiro``.
///
/// Used only for seeding; every draw in the output comes from ``Xoshiro``.
struct SplitMix64 {
    /// The running state, advanced by the golden-ratio increment on every call.
    var state: UInt64

    /// The next 64 mixed bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman & Vigna), the generator behind every random choice in the output.
///
/// It deliberately does not conform to `RandomNumberGenerator`: the standard library's
/// `random(in:using:)` algorithms are not promised to stay the same across Swift releases, so
/// all ranges, probabilities and normal draws are computed here with integer operations and
/// basic IEEE arithmetic only. The same seed gives the same bytes on every platform.
struct Xoshiro {
    /// The 256-bit state, in four words.
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// An independent stream for one purpose (debtors, invoices…) derived from the user's seed.
    init(seed: UInt64, stream: UInt64) {
        var salt = SplitMix64(state: stream ^ 0x5DEE_CE66_D1CE_4E5B)
        var sm = SplitMix64(state: seed ^ salt.next())
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is the one fixed point
    }

    /// Rotates left by `k` bits.
    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    @inline(__always) mutating func next() -> UInt64 {
        let result = Xoshiro.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Xoshiro.rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<n` (multiply-high; the bias is below n / 2^64). `n` must be positive.
    @inline(__always) mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A uniform integer in `lo...hi`.
    @inline(__always) mutating func between(_ lo: Int, _ hi: Int) -> Int {
        lo + below(hi - lo + 1)
    }

    /// A uniform double in `[0, 1)` with 53 random bits.
    @inline(__always) mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `p`.
    @inline(__always) mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A uniform double in `[lo, hi)`.
    @inline(__always) mutating func uniform(_ lo: Double, _ hi: Double) -> Double {
        lo + (hi - lo) * unit()
    }

    /// An approximately standard normal draw (Irwin–Hall: twelve uniforms minus six).
    ///
    /// Bounded to ±6, which suits generated business data, and needs no `log`/`cos` from libm,
    /// whose last bits may differ between platforms.
    mutating func normal() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += unit() }
        return sum - 6.0
    }

    /// A uniformly chosen element of a non-empty array.
    @inline(__always) mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }
}

/// Math that gives the same bits everywhere: only IEEE `+ − × ÷` and exact power-of-two scaling.
enum PortableMath {
    /// e^x to about 1e-15 relative error for |x| < 700.
    ///
    /// Range reduction `x = k·ln2 + r` with |r| ≤ ln2/2 (ln2 split in a high and a low part),
    /// a degree-13 Taylor polynomial for e^r, then scaling by 2^k.
    static func exp(_ x: Double) -> Double {
        let k = (x * 1.442_695_040_888_963_4).rounded()
        let r = x - k * 6.931_471_803_691_238_2e-1 - k * 1.908_214_929_270_587_7e-10
        var p = 0.0
        for c in inverseFactorials.reversed() { p = p * r + c }
        return Double(sign: .plus, exponent: Int(k), significand: p)
    }

    /// 1/0!, 1/1!, … 1/13!, each computed by exact multiplication then one division.
    private static let inverseFactorials: [Double] = {
        var out: [Double] = []
        var f = 1.0
        for n in 0...13 {
            if n > 1 { f *= Double(n) }
            out.append(1.0 / f)
        }
        return out
    }()
}
