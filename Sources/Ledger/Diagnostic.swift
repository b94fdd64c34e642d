/// One problem found in an input, located by file, line and column, with the rule it broke.
///
/// Rendered like a compiler message: `invoices.csv:17:4: error: [amount] could not read "12,3O" as an amount`.
/// Lines and columns are 1-based; column is the field's position in the record (0 when the
/// problem concerns the whole record or file).
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is; errors make the run exit non-zero.
    public enum Severity: String, Sendable {
        /// The input cannot be used.
        case error
        /// The input was used, but looks wrong.
        case warning
        /// Extra information about a neighbouring diagnostic.
        case note
    }

    /// The input file's name as the user gave it.
    public var file: String
    /// 1-based line (record) number; 0 for the whole file.
    public var line: Int
    /// 1-based column (field position); 0 for the whole record or file.
    public var column: Int
    /// Error, warning or note.
    public var severity: Severity
    /// Short stable rule name, e.g. `amount`, `ogm-check`, `unknown-debtor`.
    public var rule: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// A diagnostic; an error unless told otherwise.
    public init(file: String, line: Int, column: Int, severity: Severity = .error, rule: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    /// `file:line:column: severity: [rule] message`.
    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): [\(rule)] \(message)"
    }
}
