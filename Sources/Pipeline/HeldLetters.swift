import Foundation
import Ledger

/// The letters of a held night wait in `out/letters/held/DAY/` instead of `out/letters/DAY/`, so
/// nobody prints and posts them before a person has looked.
package enum HeldLetters {
    /// Moves the day's letters into the held folder; returns how many.
    package static func hold(lettersDir: String, day: Day) throws -> Int {
        try move(from: (lettersDir as NSString).appendingPathComponent(day.description),
                 to: (lettersDir as NSString).appendingPathComponent("held/\(day)"))
    }

    /// Moves them back; returns how many.
    package static func release(lettersDir: String, day: Day) throws -> Int {
        try move(from: (lettersDir as NSString).appendingPathComponent("held/\(day)"),
                 to: (lettersDir as NSString).appendingPathComponent(day.description))
    }

    static func move(from: String, to: String) throws -> Int {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: from)) ?? []).filter { $0.hasSuffix(".pdf") }
        guard !names.isEmpty else { return 0 }
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for n in names {
            let target = (to as NSString).appendingPathComponent(n)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.moveItem(atPath: (from as NSString).appendingPathComponent(n), toPath: target)
        }
        return names.count
    }
}
