import Foundation
import Workspace

/// Sorts the files waiting in inbox/ into ingests by the `[inbox]` patterns of `relance.toml`.
package enum InboxSorter {
    /// The order ingests run in: debtors before their invoices, invoices before the payments and
    /// reminders that name them.
    package static let order = ["debtors", "invoices", "payments", "reminders", "coda", "camt", "ubl"]

    /// Files grouped by mode (nil: no pattern matches), groups in `order`, unknown files last.
    package static func groups(_ names: [String], inbox: String, config: InboxConfig) -> [(mode: InboxConfig.Mode?, files: [String])] {
        var groups: [(mode: InboxConfig.Mode?, files: [String])] = []
        for n in names.sorted() {
            var mode = config.mode(for: n)
            if mode == nil && n.lowercased().hasSuffix(".xml") {
                let path = (inbox as NSString).appendingPathComponent(n)
                let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readData(ofLength: 4096)) ?? Data()
                mode = InboxConfig.Mode(kind: String(decoding: head, as: UTF8.self).contains("camt.05") ? "camt" : "ubl")
            }
            if let i = groups.firstIndex(where: { $0.mode == mode }) { groups[i].files.append(n) } else { groups.append((mode, [n])) }
        }
        func rank(_ m: InboxConfig.Mode?) -> Int { m.flatMap { order.firstIndex(of: $0.kind) } ?? order.count }
        return groups.enumerated().sorted { (rank($0.element.mode), $0.offset) < (rank($1.element.mode), $1.offset) }.map(\.element)
    }
}
