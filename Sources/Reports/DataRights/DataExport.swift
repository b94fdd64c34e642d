#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Ledger
import Store

/// Every table of the ledger as CSV in one `.tar.gz`, so a customer can take all its data away.
///
/// One read transaction, so the tables agree with each other. Inside the archive:
/// `relance-export/<table>.csv` (RFC 4180, UTF-8, header row of column names, NULL as an empty
/// field, BLOBs in base64) and `relance-export/manifest.json` (tables, row counts, migrations).
package enum DataExport {
    /// What an export wrote.
    package struct Outcome: Sendable, Equatable {
        package var path: String
        /// Table name and row count, by name.
        package var tables: [Table]

        package struct Table: Sendable, Equatable {
            package var name: String
            package var rows: Int
        }
    }

    /// Why an export failed.
    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    /// Writes the archive to `path` (mode 0600; refuses to overwrite). With `neutralise`, text
    /// starting with `=`, `+`, `-` or `@` gets a leading `'` as in the CSV reports; without it the
    /// values are verbatim (for loading into another system).
    package static func export(store: LedgerStore, to path: String, at instant: Date, actor: String,
                              neutralise: Bool = true) throws -> Outcome {
        guard !FileManager.default.fileExists(atPath: path) else { throw Failure(message: "\(path) already exists; not overwriting it") }
        let work = path + ".work"
        try? FileManager.default.removeItem(atPath: work)
        let root = (work as NSString).appendingPathComponent("relance-export")
        try OwnerOnly.directory(root)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var tables: [Outcome.Table] = []
        try store.pool.read { db in
            let names = try DataRightsCommands.tableNames(db)
            for name in names {
                let file = (root as NSString).appendingPathComponent(name + ".csv")
                var count = 0
                try OwnerOnly.write(file) { sink in
                    count = try writeTable(db, name, neutralise: neutralise, sink: sink)
                }
                tables.append(Outcome.Table(name: name, rows: count))
            }
            let migrations = try DataRightsCommands.appliedMigrations(db)
            var manifest = JSONWriter()
            manifest.beginObject()
            manifest.field("format", "relance-export/1")
            manifest.field("exported_at", Instant.string(instant))
            manifest.field("neutralised", neutralise)
            manifest.key("migrations")
            manifest.array(migrations)
            manifest.key("tables")
            manifest.beginArray()
            for t in tables {
                manifest.beginObject()
                manifest.field("name", t.name)
                manifest.field("file", t.name + ".csv")
                manifest.field("rows", t.rows)
                manifest.endObject()
            }
            manifest.endArray()
            manifest.endObject()
            manifest.newline()
            try OwnerOnly.write((root as NSString).appendingPathComponent("manifest.json")) { $0.write(manifest.text) }
        }
        try archive(folder: work, entry: "relance-export", to: path)
        try store.pool.write { db in
            try DataRightsCommands.appendLog(db, at: instant, actor: actor, action: .export, subject: (path as NSString).lastPathComponent,
                                     detail: ["tables": String(tables.count), "rows": String(tables.reduce(0) { $0 + $1.rows })])
        }
        return Outcome(path: path, tables: tables)
    }

    /// Streams one table as CSV; returns its row count.
    static func writeTable(_ db: Database, _ name: String, neutralise: Bool, sink: OutputSink) throws -> Int {
        let columns = try db.columns(in: name).map(\.name)
        let csv = CSVRenderer(dialect: .standard)
        sink.write(columns.map(csv.field).joined(separator: ",") + "\n")
        let cursor = try DataRightsCommands.tableRows(db, name)
        // Outbox bodies stored compressed (`bodies_z`) are written out readable in `text_body` and `html_body`.
        let bodies = name == "outbox_message" ? columns.firstIndex(of: "bodies_z") : nil
        // Bodies compressed with a body dictionary (format 3) need it: the few dictionaries, by id.
        let dictionaryColumn = bodies == nil ? nil : columns.firstIndex(of: "bodies_dictionary_id")
        let dictionaries = dictionaryColumn == nil ? [:] : try OutboxQueries.bodyDictionaries(db)
        let (textColumn, htmlColumn) = (columns.firstIndex(of: "text_body"), columns.firstIndex(of: "html_body"))
        // A reminder's computation stored compressed (`computation_z`) is written out readable in `computation`.
        let computationZ = name == "dunning_event" ? columns.firstIndex(of: "computation_z") : nil
        let computationColumn = columns.firstIndex(of: "computation")
        // Since migration 0037a it may need its items (`DunningComputation` formats 3 and 4).
        let eventIDColumn = computationZ == nil ? nil : columns.firstIndex(of: "id")
        let computationItems = computationZ == nil ? nil : try db.cachedStatement(sql: "SELECT \(DunningComputation.itemsSQL(event: "?"))")
        // Texts stored once (migrations 0030a, 0030b) are written out in the column that held them
        // before, and a `Message-ID` derived from its key and domain (0030c) in `message_id_header`.
        let storedOnce: [(column: Int, id: Int, texts: [Int64: String])] = try [
            ("dunning_event", "held_reason", "held_reason_id", "dunning_held_reason", "reason"),
            ("outbox_event", "detail", "detail_id", "outbox_event_detail", "detail"),
            ("outbox_message", "message_id_header", "message_id_domain_id", "outbox_message_id_domain", "domain"),
        ].compactMap { table, column, idColumn, textTable, textColumn in
            guard table == name, let c = columns.firstIndex(of: column), let i = columns.firstIndex(of: idColumn) else { return nil }
            return (c, i, try StoredText.all(db, table: textTable, column: textColumn))
        }
        let keyColumn = columns.firstIndex(of: "idempotency_key")
        var count = 0
        while let row = try cursor.next() {
            var fields: [String] = []
            fields.reserveCapacity(columns.count)
            for v in row {
                switch v.storage {
                case .null: fields.append("")
                case .int64(let n): fields.append(String(n))
                case .double(let d): fields.append(String(d))
                case .string(let s): fields.append(csv.field(neutralise ? CSVRenderer.neutralised(s) : s))
                case .blob(let data): fields.append(data.base64EncodedString())
                }
            }
            if let bodies, let textColumn, let htmlColumn, let blob = Data.fromDatabaseValue(row[bodies]) {
                let dictionary = dictionaryColumn.flatMap { Int64.fromDatabaseValue(row[$0]) }.flatMap { dictionaries[$0] }
                let (text, html) = try MessageBodies.decompress(blob, bodyDictionary: dictionary)
                fields[textColumn] = csv.field(neutralise ? CSVRenderer.neutralised(text) : text)
                fields[htmlColumn] = html.map { csv.field(neutralise ? CSVRenderer.neutralised($0) : $0) } ?? ""
            }
            for once in storedOnce where row[once.column].isNull {
                guard let id = Int64.fromDatabaseValue(row[once.id]), var text = once.texts[id] else { continue }
                if name == "outbox_message", let keyColumn, let key = String.fromDatabaseValue(row[keyColumn]) {
                    text = OutboxMessageID.header(key: key, domain: text)
                }
                fields[once.column] = csv.field(neutralise ? CSVRenderer.neutralised(text) : text)
            }
            if let computationZ, let computationColumn, let blob = Data.fromDatabaseValue(row[computationZ]) {
                var context: (items: [DunningComputation.Item], header: DunningComputation.Header?)?
                if DunningComputation.needsItems(blob), let computationItems, let eventIDColumn,
                   let text = try String.fetchOne(computationItems, arguments: [row[eventIDColumn]]) {
                    context = try DunningComputation.context(json: text)
                }
                let json = try DunningComputation.decompress(blob, items: context?.items, header: context?.header)
                fields[computationColumn] = csv.field(neutralise ? CSVRenderer.neutralised(json) : json)
            }
            sink.write(fields.joined(separator: ",") + "\n")
            count += 1
        }
        return count
    }

    /// `tar -czf` of `folder/entry` into a new owner-only file at `path`.
    static func archive(folder: String, entry: String, to path: String) throws {
        let fd = try OwnerOnly.create(path)
        let out = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        p.arguments = ["--owner=0", "--group=0", "--numeric-owner", "-czf", "-", "-C", folder, entry]
        p.standardOutput = out
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch {
            unlink(path)
            throw Failure(message: "cannot run /usr/bin/tar: \(error)")
        }
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? out.close()
        guard p.terminationStatus == 0 else {
            unlink(path)
            throw Failure(message: "tar failed (\(p.terminationStatus)): " + String(decoding: message, as: UTF8.self))
        }
    }
}
