import Foundation
import Ledger

/// The workspace's `rates.toml`: the one place every command reads the legal rates from, and the
/// file `relance rates set` edits in place (its comments and layout kept).
package enum RateFile {
    /// The file name inside a workspace.
    package static let name = "rates.toml"

    /// Reads the table at `path`; the shipped table when the file does not exist (a workspace from
    /// before `rates.toml`).
    package static func load(path: String) throws -> RateTable {
        guard FileManager.default.fileExists(atPath: path) else { return .belgian }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RateTable.Problem(message: "\(name):0:0: error: [rates] cannot read \(path) as UTF-8 text")
        }
        return try RateTable.parse(text, file: name)
    }

    /// What `set` did.
    package enum Outcome: Sendable, Equatable {
        /// The half-year had no rate; it has one now.
        case added
        /// The half-year already had this rate: nothing was written.
        case unchanged(RateEntry)
        /// A different rate was replaced (`--replace`).
        case replaced(old: RateEntry)
    }

    /// Why `set` refused; `usage` problems are the caller's arguments.
    package struct Refusal: Error, CustomStringConvertible, Equatable {
        /// Why, in words, with the way to do it right.
        package let message: String
        /// A refusal with its message.
        package init(message: String) { self.message = message }
        package var description: String { message }
    }

    /// The file could not be written.
    package struct WriteError: Error, CustomStringConvertible, Equatable {
        /// Which file, and the system's error number.
        package let message: String
        package var description: String { message }
    }

    /// Validates and enters a half-year's rate, then writes the file back. The half-year must be at
    /// most the one after `today` (a later rate cannot be published yet); a different existing rate
    /// is replaced only with `replace`.
    package static func set(path: String, halfYear text: String, percent percentText: String, source: String?, today: Day,
                           replace: Bool) throws -> Outcome {
        guard let h = HalfYear(text), h.year >= 2002 else {
            throw Refusal(message: "\"\(text)\" is not a half-year: write it as 2026-H2 (H1: January–June, H2: July–December)")
        }
        let next = HalfYear(containing: today).next
        guard h <= next else {
            throw Refusal(message: "\(h) starts after \(next), the next half-year: its rate cannot be published yet (typo in the year?)")
        }
        let percent: Decimal
        switch RateTable.percent(percentText) {
        case .success(let d): percent = d
        case .failure(let p): throw Refusal(message: p.message)
        }
        let cleanSource = source?.trimmingCharacters(in: .whitespaces)
        if let s = cleanSource, s.isEmpty || s.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) {
            throw Refusal(message: "--source must be one line of text, e.g. \"BS 2026-07-15, Mededeling FOD Financien\"")
        }
        let existingText: String
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path), let t = String(data: data, encoding: .utf8) else {
                throw RateTable.Problem(message: "\(name):0:0: error: [rates] cannot read \(path) as UTF-8 text")
            }
            existingText = t
        } else {
            existingText = DefaultRates.toml
        }
        let table = try RateTable.parse(existingText, file: name)
        let outcome: Outcome
        if let old = table.entries[h] {
            if old.percent == percent { return .unchanged(old) }
            guard replace else {
                throw Refusal(message: "\(h) already has \(RateTable.format(old.percent)) %"
                    + (old.source.map { " (source: \($0))" } ?? "")
                    + "; to change it to \(RateTable.format(percent)) % add --replace")
            }
            outcome = .replaced(old: old)
        } else {
            outcome = .added
        }
        let entry = RateEntry(percent: percent, source: cleanSource, setOn: today)
        let newText = edit(existingText, set: h, to: entry)
        // Never write a file that does not read back to the intended table.
        var expected = table
        expected.set(h, entry)
        guard (try? RateTable.parse(newText, file: name)) == expected else {
            throw RateTable.Problem(message: "\(name):0:0: error: [rates] could not edit \(path) safely; add the line by hand:\n  \(line(h, entry))")
        }
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(newText.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WriteError(message: "cannot write \(tmp)")
        }
        // rename(2): readers see the old file or the new one, never a half-written one.
        guard rename(tmp, path) == 0 else {
            try? FileManager.default.removeItem(atPath: tmp)
            throw WriteError(message: "cannot replace \(path) (errno \(errno))")
        }
        return outcome
    }

    /// The TOML line of one entry.
    package static func line(_ h: HalfYear, _ e: RateEntry) -> String {
        var fields = ["rate = \"\(RateTable.format(e.percent))\""]
        if let s = e.source { fields.append("source = \"\(s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"") }
        if let d = e.setOn { fields.append("set_on = \"\(d)\"") }
        return "\"\(h)\" = { \(fields.joined(separator: ", ")) }"
    }

    /// `text` with the half-year's line replaced, or inserted in half-year order inside
    /// `[b2b_late_payment]`; every other line (comments included) unchanged.
    static func edit(_ text: String, set h: HalfYear, to entry: RateEntry) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newLine = line(h, entry)
        guard let header = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "[b2b_late_payment]" }) else {
            return text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + "[b2b_late_payment]\n" + newLine + "\n"
        }
        let end = lines[(header + 1)...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") } ?? lines.count
        var entries: [(index: Int, halfYear: HalfYear)] = []
        for i in (header + 1)..<end {
            let t = lines[i].trimmingCharacters(in: .whitespaces)
            guard let eq = t.firstIndex(of: "="), !t.hasPrefix("#") else { continue }
            let key = t[..<eq].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if let k = HalfYear(key) { entries.append((i, k)) }
        }
        if let same = entries.first(where: { $0.halfYear == h }) {
            lines[same.index] = newLine
        } else if let after = entries.first(where: { $0.halfYear > h }) {
            lines.insert(newLine, at: after.index)
        } else {
            lines.insert(newLine, at: (entries.last?.index ?? header) + 1)
        }
        return lines.joined(separator: "\n")
    }
}
