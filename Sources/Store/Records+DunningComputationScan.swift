extension DunningComputation {
    /// What an item's derived explanation (``derivedExplanation(_:yearDays:)``) and the formats 2 and
    /// 3 read of it: whether it has an `explanation` (and whether that is an array), and its figures,
    /// each nil when absent or not of the type read (a string; `days` an integer).
    package struct ItemFigures: Equatable {
        package var hasExplanation = false
        package var explanationIsArray = false
        package var open: String?
        package var interest: String?
        package var flat: String?
        /// nil when absent, not an array, or an element is not an object.
        package var periods: [PeriodFigures]?
    }

    /// An interest period of ``ItemFigures``.
    package struct PeriodFigures: Equatable {
        package var from: String?
        package var to: String?
        package var days: Int?
        package var rate: String?
        package var amount: String?
    }
}

/// A strict, byte-level reader of what ``DunningComputation/ItemFigures`` holds (issue 17, eleventh
/// round): the computation was parsed twice per reminder through `JSONSerialization` into `[String: Any]`
/// (once to strip its explanations, once to check that reading gives the JSON back). It reads only
/// plain JSON the way `JSONSerialization` does and gives up (``Fallback``) on anything it is not sure
/// of: a key that repeats or is not ASCII, a `\u` escape, a number with a fraction or an exponent or
/// of more than 18 digits, a `true`/`false` where an integer is read, a control character, nesting
/// past 64, anything that is not JSON. ``DunningComputation/items(_:)`` then reads the text through
/// `JSONSerialization` as before, so either way the same figures come out.
package struct ComputationScan {
    package struct Fallback: Error {}

    let b: [UInt8]
    var i = 0

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let itemsKey = Array("items".utf8), dayCountKey = Array("day_count".utf8)
    static let explanationKey = Array("explanation".utf8), periodsKey = Array("periods".utf8)
    static let openKey = Array("open".utf8), interestKey = Array("interest".utf8), flatKey = Array("flat".utf8)
    static let fromKey = Array("from".utf8), toKey = Array("to".utf8), daysKey = Array("days".utf8)
    static let rateKey = Array("rate".utf8), amountKey = Array("amount".utf8)

    /// The items and the `day_count` of a computation JSON.
    /// - Throws: ``Fallback`` when the text is not plain JSON of that shape (top-level object with an
    ///   `items` array of objects and a string `day_count`).
    package static func computation(_ bytes: [UInt8]) throws(Fallback) -> (items: [DunningComputation.ItemFigures], dayCount: String) {
        var s = ComputationScan(b: bytes)
        var items: [DunningComputation.ItemFigures]?
        var dayCount: String?
        try s.object(depth: 0) { (s, key) throws(Fallback) in
            if s.is(key, Self.itemsKey) {
                items = try s.itemList()
            } else if s.is(key, Self.dayCountKey) {
                guard try s.peek() == Self.quote else { throw Fallback() }
                dayCount = try s.string()
            } else {
                try s.skipValue(depth: 1)
            }
        }
        s.skipSpace()
        guard s.i == bytes.count, let items, let dayCount else { throw Fallback() }
        return (items, dayCount)
    }

    func `is`(_ key: Range<Int>, _ name: [UInt8]) -> Bool {
        b[key].elementsEqual(name)
    }

    mutating func itemList() throws(Fallback) -> [DunningComputation.ItemFigures] {
        var items: [DunningComputation.ItemFigures] = []
        guard try peek() == UInt8(ascii: "[") else { throw Fallback() }
        try array { (s) throws(Fallback) in
            guard try s.peek() == UInt8(ascii: "{") else { throw Fallback() }
            var item = DunningComputation.ItemFigures()
            try s.object(depth: 2) { (s, key) throws(Fallback) in
                if s.is(key, Self.explanationKey) {
                    item.hasExplanation = true
                    item.explanationIsArray = try s.peek() == UInt8(ascii: "[")
                    try s.skipValue(depth: 3)
                } else if s.is(key, Self.openKey) {
                    item.open = try s.optionalString(depth: 3)
                } else if s.is(key, Self.interestKey) {
                    item.interest = try s.optionalString(depth: 3)
                } else if s.is(key, Self.flatKey) {
                    item.flat = try s.optionalString(depth: 3)
                } else if s.is(key, Self.periodsKey) {
                    item.periods = try s.periodList()
                } else {
                    try s.skipValue(depth: 3)
                }
            }
            items.append(item)
        }
        return items
    }

    /// An item's `periods`: nil when not an array, or when an element is not an object.
    mutating func periodList() throws(Fallback) -> [DunningComputation.PeriodFigures]? {
        guard try peek() == UInt8(ascii: "[") else {
            try skipValue(depth: 3)
            return nil
        }
        var periods: [DunningComputation.PeriodFigures]? = []
        try array { (s) throws(Fallback) in
            guard try s.peek() == UInt8(ascii: "{") else {
                try s.skipValue(depth: 4)
                periods = nil
                return
            }
            var p = DunningComputation.PeriodFigures()
            try s.object(depth: 4) { (s, key) throws(Fallback) in
                if s.is(key, Self.fromKey) {
                    p.from = try s.optionalString(depth: 5)
                } else if s.is(key, Self.toKey) {
                    p.to = try s.optionalString(depth: 5)
                } else if s.is(key, Self.rateKey) {
                    p.rate = try s.optionalString(depth: 5)
                } else if s.is(key, Self.amountKey) {
                    p.amount = try s.optionalString(depth: 5)
                } else if s.is(key, Self.daysKey) {
                    switch try s.peek() {
                    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): p.days = try s.integer()
                    // `JSONSerialization` gives a boolean as an NSNumber: the slow path decides.
                    case UInt8(ascii: "t"), UInt8(ascii: "f"): throw Fallback()
                    default: try s.skipValue(depth: 5)
                    }
                } else {
                    try s.skipValue(depth: 5)
                }
            }
            periods?.append(p)
        }
        return periods
    }

    /// The string value at the reader, nil (the value skipped) when it is of another type.
    mutating func optionalString(depth: Int) throws(Fallback) -> String? {
        guard try peek() == Self.quote else {
            try skipValue(depth: depth)
            return nil
        }
        return try string()
    }

    mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    /// The next byte that is not white space, not consumed.
    mutating func peek() throws(Fallback) -> UInt8 {
        skipSpace()
        guard i < b.count else { throw Fallback() }
        return b[i]
    }

    mutating func expect(_ c: UInt8) throws(Fallback) {
        guard try peek() == c else { throw Fallback() }
        i += 1
    }

    /// The raw bytes of a string (between its quotes) and whether they hold an escape.
    mutating func rawString() throws(Fallback) -> (Range<Int>, escaped: Bool) {
        try expect(Self.quote)
        let start = i
        var escaped = false
        while i < b.count {
            let c = b[i]
            if c == Self.quote { i += 1; return (start..<(i - 1), escaped) }
            guard c >= 0x20, c != 0x7F else { throw Fallback() }
            if c == Self.backslash {
                guard i + 1 < b.count else { throw Fallback() }
                switch b[i + 1] {
                case Self.quote, Self.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): break
                default: throw Fallback()  // `\u` and anything else: the slow path decides
                }
                escaped = true
                i += 2
            } else {
                i += 1
            }
        }
        throw Fallback()
    }

    /// A string value, its escapes undone.
    mutating func string() throws(Fallback) -> String {
        let (r, escaped) = try rawString()
        guard escaped else { return String(decoding: b[r], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var k = r.lowerBound
        while k < r.upperBound {
            guard b[k] == Self.backslash else { out.append(b[k]); k += 1; continue }
            switch b[k + 1] {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            default: out.append(b[k + 1])  // `"`, `\`, `/`
            }
            k += 2
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An integer of 1 to 18 digits, without a fraction or an exponent (JSON's grammar: no leading zero).
    mutating func integer() throws(Fallback) -> Int {
        skipSpace()
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let start = i
        var v = 0
        while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
            v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            i += 1
        }
        let n = i - start
        guard n >= 1, n <= 18, n == 1 || b[start] != UInt8(ascii: "0") else { throw Fallback() }
        guard i >= b.count || !(b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) else { throw Fallback() }
        return negative ? -v : v
    }

    /// An object: `member` reads each value after its key (the key's raw bytes; every key ASCII,
    /// without escapes, and no key twice).
    mutating func object(depth: Int, _ member: (inout ComputationScan, Range<Int>) throws(Fallback) -> Void) throws(Fallback) {
        guard depth < 64 else { throw Fallback() }
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { i += 1; return }
        var keys: [Range<Int>] = []
        while true {
            let (key, escaped) = try rawString()
            guard !escaped, !b[key].contains(where: { $0 >= 0x80 }),
                  !keys.contains(where: { b[$0].elementsEqual(b[key]) }) else { throw Fallback() }
            keys.append(key)
            try expect(UInt8(ascii: ":"))
            try member(&self, key)
            let c = try peek()
            i += 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw Fallback() }
        }
    }

    /// An array: `element` reads each element.
    mutating func array(_ element: (inout ComputationScan) throws(Fallback) -> Void) throws(Fallback) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") { i += 1; return }
        while true {
            try element(&self)
            let c = try peek()
            i += 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { throw Fallback() }
        }
    }

    /// Any value, checked and passed over.
    mutating func skipValue(depth: Int) throws(Fallback) {
        guard depth < 64 else { throw Fallback() }
        switch try peek() {
        case Self.quote: _ = try rawString()
        case UInt8(ascii: "{"): try object(depth: depth) { (s, _) throws(Fallback) in try s.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try array { (s) throws(Fallback) in try s.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try integer()
        default: throw Fallback()
        }
    }

    mutating func literal(_ word: StaticString) throws(Fallback) {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { throw Fallback() }
        let w = UnsafeBufferPointer(start: word.utf8Start, count: n)
        guard b[i..<(i + n)].elementsEqual(w) else { throw Fallback() }
        i += n
    }
}
