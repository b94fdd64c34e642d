import GRDB

extension Schema {
    /// The tables whose rows are written in bulk (a first load, every night's forecast, dunning and
    /// flush) and whose `CHECK (x IN (…))` lists more than two values.
    package static let checkEqualitiesTables = ["debtor", "invoice", "record_change", "outbox_message", "outbox_recipient",
                                        "outbox_reference", "debtor_score"]

    /// Migration 0045: the `CHECK (x IN ('a', 'b', 'c'))` constraints of ``checkEqualitiesTables``
    /// written as `CHECK (x = 'a' OR x = 'b' OR x = 'c')`. SQLite compiles an `IN` list of more than
    /// two values into a temporary B-tree, built afresh for every row a statement inserts (or
    /// updates, when the column changes): ≈ 8,700 instructions a row, 11 % of a first load of
    /// invoices. Both forms accept and refuse the same values, NULL included (NULL in either is NULL,
    /// which a CHECK lets through), so every stored row satisfies the new text and the file's content
    /// does not change: SQLite's documented procedure for such a change (lang_altertable.html,
    /// "Making Other Kinds Of Table Schema Changes") edits the table's SQL in `sqlite_master` and
    /// moves the schema version on, in this migration's transaction, at once on any size of table
    /// (0035 and 0039a rebuilt their tables, which takes minutes at 6M rows).
    static func checkEqualitiesV1(_ db: Database) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        do {
            for table in checkEqualitiesTables {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                              arguments: [table]) ?? ""
                let rewritten = checkEqualities(sql)
                guard rewritten != sql else {
                    throw DatabaseError(message: "migration 0045: table \(table) has no CHECK (… IN (…)) of more than two values")
                }
                try db.execute(sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", arguments: [rewritten, table])
            }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        } catch {
            try? db.execute(sql: "PRAGMA writable_schema = OFF")
            throw error
        }
        try db.execute(sql: "PRAGMA writable_schema = OFF")
    }

    /// `sql` with each `CHECK (column IN ('a', 'b', …))` of more than two quoted values written as
    /// equalities joined with `OR`; anything else unchanged.
    package static func checkEqualities(_ sql: String) -> String {
        var out = ""
        var rest = Substring(sql)
        while let start = rest.range(of: "CHECK (") {
            out += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            guard let close = rest.range(of: "))"),
                  let (column, values) = inList(rest[..<close.lowerBound]), values.count > 2 else { continue }
            out += values.map { "\(column) = '\($0)'" }.joined(separator: " OR ") + ")"
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// `column IN ('a', 'b')` → (`column`, [`a`, `b`]); nil for any other text.
    private static func inList(_ text: Substring) -> (String, [String])? {
        guard let at = text.range(of: " IN (") else { return nil }
        let column = String(text[..<at.lowerBound])
        guard !column.isEmpty, column.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var values: [String] = []
        for item in text[at.upperBound...].split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.drop(while: { $0 == " " })
            guard word.count >= 2, word.first == "'", word.last == "'" else { return nil }
            let inner = word.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
            values.append(String(inner))
        }
        return (column, values)
    }
}
