/// The two one-shot helpers of `JSONWriter` under their former name, for code not yet moved to the
/// writer (the reminder composer). New code uses `JSONWriter`.
package enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped (`JSONWriter.quoted`).
    package static func quoted(_ s: String) -> String { JSONWriter.quoted(s) }

    /// A JSON object with sorted keys from optional strings, nil → `null` (`JSONWriter.object(sortedKeys:)`).
    package static func object(_ d: [String: String?]) -> String { JSONWriter.object(sortedKeys: d) }
}
