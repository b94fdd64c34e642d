/// One problem found in an input, located by file, line and column, with the rule it broke.
///
/// Rendered like a compiler message: `invoices.csv:17:4: error: [amount] could not read "12,3O" as an amount`.
/// Lines and columns are 1-based; column is the field's position in the record (0 when the
/// problem concerns the whole record or file).
package struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is; errors make the run exit non-zero.
    package enum Severity: String, Sendable {
        /// The input cannot be used.
        case error
        /// The input was used, but looks wrong.
        case warning
        /// Extra information about a neighbouring diagnostic.
        case note
    }

    /// The input file's name as the user gave it.
    package var file: String
    /// 1-based line (record) number; 0 for the whole file.
    package var line: Int
    /// 1-based column (field position); 0 for the whole record or file.
    package var column: Int
    /// Error, warning or note.
    package var severity: Severity
    /// Short stable rule name, e.g. `amount`, `ogm-check`, `unknown-debtor`.
    package var rule: String
    /// What is wrong and, where possible, how to fix it.
    package var message: String

    /// A diagnostic; an error unless told otherwise.
    package init(file: String, line: Int, column: Int, severity: Severity = .error, rule: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.rule = rule
        self.message = message
    }

    /// `file:line:column: severity: [rule] message`.
    package var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): [\(rule)] \(message)"
    }
}
