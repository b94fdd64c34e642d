/// JSON text helpers for the few hand-written JSON outputs (summaries, change history), so their
/// key order is fixed and nothing needs a JSON encoder on a hot path.
public enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// A JSON object with sorted keys from optional strings (nil → `null`).
    public static func object(_ d: [String: String?]) -> String {
        "{" + d.keys.sorted().map { k in quoted(k) + ":" + (d[k].flatMap { $0 }.map(quoted) ?? "null") }
            .joined(separator: ",") + "}"
    }
}
