/// The one JSON writer of the project: a streaming writer that appends to `text` and places the
/// commas, for every JSON the code writes (summaries, listings, reports, the change history, the
/// export manifest, the nightly's lines). Keys come in the order written, or sorted with
/// `object(sortedKeys:)`; numbers are integers or decimal texts written as given, never floats.
/// No encoder and no intermediate values, so it stays cheap on hot paths (ingest's change history).
///
///     var w = JSONWriter()
///     w.beginObject()
///     w.field("file", "a.csv")
///     w.field("read", 12)
///     w.endObject()           // w.text == #"{"file":"a.csv","read":12}"#
package struct JSONWriter: Sendable {
    /// Where line breaks go inside an array or object (whitespace only: the JSON is the same).
    package enum Layout: Sendable {
        /// `[a,b]`: no line break.
        case compact
        /// `[a,\nb]`: a line break after each comma.
        case linePerItem
        /// `[\na,\nb]`: a line break before every item.
        case lineBeforeItem
        /// `[\na,\nb\n]`: a line break before every item and before the closing bracket; `[]` when empty.
        case block
    }

    private struct Frame: Sendable {
        var isObject: Bool
        var layout: Layout
        var count = 0
    }

    /// The JSON written so far (and not yet taken by `take()`).
    package private(set) var text: String
    private var frames: [Frame] = []
    private var afterKey = false

    /// An empty writer; `capacity` reserves room for the expected length.
    package init(capacity: Int = 0) {
        text = ""
        if capacity > 0 { text.reserveCapacity(capacity) }
    }

    /// Returns the text written so far and empties the buffer, for writing a long output in chunks;
    /// the writer keeps its place in the nesting.
    package mutating func take() -> String {
        let out = text
        text = ""
        return out
    }

    /// Appends a line break between tokens (e.g. after the top-level value).
    package mutating func newline() { text += "\n" }

    // MARK: Containers

    /// Opens an object as the next value.
    package mutating func beginObject(_ layout: Layout = .compact) {
        beginValue()
        text += "{"
        frames.append(Frame(isObject: true, layout: layout))
    }

    /// Closes the innermost object.
    package mutating func endObject() { end("}", object: true) }

    /// Opens an array as the next value.
    package mutating func beginArray(_ layout: Layout = .compact) {
        beginValue()
        text += "["
        frames.append(Frame(isObject: false, layout: layout))
    }

    /// Closes the innermost array.
    package mutating func endArray() { end("]", object: false) }

    /// Writes the key of the next member of the innermost object.
    package mutating func key(_ k: String) {
        assert(frames.last?.isObject == true && !afterKey, "JSONWriter: a key outside an object or after a key")
        separate()
        JSONWriter.appendQuoted(k, to: &text)
        text += ":"
        afterKey = true
    }

    // MARK: Values

    /// A string, escaped.
    package mutating func string(_ s: String) {
        beginValue()
        JSONWriter.appendQuoted(s, to: &text)
    }

    /// An integer.
    package mutating func integer(_ n: Int) {
        beginValue()
        text += String(n)
    }

    /// An integer.
    package mutating func integer(_ n: Int64) {
        beginValue()
        text += String(n)
    }

    /// A number already formatted as a JSON number (`"12.50"`, `"-3"`), written as given.
    package mutating func decimal(_ text: String) {
        beginValue()
        self.text += text
    }

    /// `true` or `false`.
    package mutating func bool(_ b: Bool) {
        beginValue()
        text += b ? "true" : "false"
    }

    /// `null`.
    package mutating func null() {
        beginValue()
        text += "null"
    }

    /// A string, or `null` for nil.
    package mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    /// A whole object from optional strings, keys sorted (nil → `null`).
    package mutating func object(sortedKeys d: [String: String?]) {
        beginObject()
        for k in d.keys.sorted() {
            key(k)
            string(d[k] ?? nil)
        }
        endObject()
    }

    /// A whole object from (key, optional string) pairs, keys in the order given (nil → `null`).
    package mutating func object(_ pairs: [(String, String?)], layout: Layout = .compact) {
        beginObject(layout)
        for (k, v) in pairs {
            key(k)
            string(v)
        }
        endObject()
    }

    /// A whole array of strings.
    package mutating func array(_ items: [String]) {
        beginArray()
        for s in items { string(s) }
        endArray()
    }

    // MARK: Members (a key and its value)

    /// A string member, or `null` for nil.
    package mutating func field(_ k: String, _ v: String?) {
        key(k)
        string(v)
    }

    /// An integer member.
    package mutating func field(_ k: String, _ v: Int) {
        key(k)
        integer(v)
    }

    /// An integer member.
    package mutating func field(_ k: String, _ v: Int64) {
        key(k)
        integer(v)
    }

    /// A boolean member.
    package mutating func field(_ k: String, _ v: Bool) {
        key(k)
        bool(v)
    }

    /// A member whose value is a number already formatted, written as given.
    package mutating func field(_ k: String, decimal v: String) {
        key(k)
        decimal(v)
    }

    // MARK: One-shot texts

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    package static func quoted(_ s: String) -> String {
        var out = ""
        appendQuoted(s, to: &out)
        return out
    }

    /// A JSON object with sorted keys from optional strings (nil → `null`). Ingest writes one per
    /// changed record (the change history), so this one appends directly, without the nesting stack.
    package static func object(sortedKeys d: [String: String?]) -> String {
        var out = "{"
        var first = true
        for k in d.keys.sorted() {
            if !first { out += "," }
            first = false
            appendQuoted(k, to: &out)
            out += ":"
            if let v = d[k] ?? nil { appendQuoted(v, to: &out) } else { out += "null" }
        }
        out += "}"
        return out
    }

    /// A JSON object from (key, optional string) pairs, keys in the order given (nil → `null`).
    package static func object(_ pairs: [(String, String?)]) -> String {
        var w = JSONWriter()
        w.object(pairs)
        return w.text
    }

    /// A JSON object of counts, keys in the order given: a run's summary (`{"sent":3,"deferred":0}`).
    package static func counts(_ pairs: KeyValuePairs<String, Int>) -> String {
        var w = JSONWriter()
        w.beginObject()
        for (k, v) in pairs { w.field(k, v) }
        w.endObject()
        return w.text
    }

    /// A JSON array of strings.
    package static func array(_ items: [String]) -> String {
        var w = JSONWriter()
        w.array(items)
        return w.text
    }

    /// Appends `s` as a JSON string literal: `"` and `\` escaped, `\n`, `\r`, `\t` by name, other
    /// control characters as `\u00XX`; everything else (non-ASCII included) as is. Plain text is
    /// appended whole, without a scalar-by-scalar walk.
    package static func appendQuoted(_ s: String, to out: inout String) {
        out += "\""
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out += s
            return out += "\""
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += u.value < 0x10 ? "\\u000" : "\\u00"
                    out += String(u.value, radix: 16)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    // MARK: Commas and line breaks

    /// Before a value: the separator when it is an array item, nothing after a key.
    private mutating func beginValue() {
        if afterKey {
            afterKey = false
            return
        }
        assert(frames.last?.isObject != true, "JSONWriter: a value in an object without a key")
        separate()
    }

    /// The comma and line break before the next item of the innermost container.
    private mutating func separate() {
        guard let i = frames.indices.last else { return }
        let f = frames[i]
        if f.count > 0 { text += "," }
        switch f.layout {
        case .compact: break
        case .linePerItem: if f.count > 0 { text += "\n" }
        case .lineBeforeItem, .block: text += "\n"
        }
        frames[i].count += 1
    }

    private mutating func end(_ bracket: String, object: Bool) {
        assert(frames.last?.isObject == object && !afterKey, "JSONWriter: unbalanced \(bracket)")
        guard let f = frames.popLast() else { return }
        if case .block = f.layout, f.count > 0 { text += "\n" }
        text += bracket
    }
}
