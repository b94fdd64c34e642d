import Dunning
import Letters
import Foundation
import Testing

/// The text of fixed letters, as `pdftotext -layout` extracts it, against files under
/// `Tests/DunningTests/Golden/letters`. `RELANCE_RECORD=1` rewrites them and fails on purpose, so
/// a recording run can never pass; review the diff, then run again without it.
@Suite("Letter golden files", .enabled(if: PDFTools.available, PDFTools.missing))
struct LetterGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/letters")

    @Test func reminderNL() throws { try check("reminder-nl", LetterFixtures.reminder()) }

    @Test func longReminderNL() throws { try check("reminder-nl-60-items", LetterFixtures.longReminder(count: 60)) }

    func check(_ name: String, _ letter: LetterDocument) throws {
        _ = try Self.check(name, letter, folder: Self.folder)
    }

    /// Renders `letter`, compares its `pdftotext -layout` text with `folder/name.txt` (or records it
    /// with `RELANCE_RECORD=1`, failing on purpose) and returns the text of each page.
    static func check(_ name: String, _ letter: LetterDocument, folder: URL,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let scratch = try Scratch("golden-\(name)")
        let pdf = try scratch.write(LetterRenderer.pdf(letter), to: name + ".pdf")
        // Trailing spaces depend on nothing a reader sees; drop them so the files diff cleanly.
        let text = try PDFTools.text("pdftotext", ["-layout", pdf, "-"])
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
            .joined(separator: "\n")
        let file = folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["RELANCE_RECORD"] == "1" {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            Issue.record("recorded \(file.path); this run fails on purpose, run again without RELANCE_RECORD", sourceLocation: sourceLocation)
        } else if let expected = try? String(contentsOf: file, encoding: .utf8) {
            #expect(text == expected, "\(name): the letter's text changed; if intended, re-record with RELANCE_RECORD=1",
                    sourceLocation: sourceLocation)
        } else {
            Issue.record("no golden file \(file.path); record it with RELANCE_RECORD=1", sourceLocation: sourceLocation)
        }
        return text.split(separator: "\u{0C}").map(String.init).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
