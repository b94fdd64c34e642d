import Dunning
import Foundation
import Letters
import RelanceTestSupport
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
        try assertGolden(text, name + ".txt", folder: folder.path, sourceLocation: sourceLocation)
        return text.split(separator: "\u{0C}").map(String.init).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
