import Dunning
import Foundation
import Testing

/// The templates the binary carries are the files under `Sources/Dunning/Content/templates`,
/// byte for byte, and no more (the build embeds them; `relance init` writes what it embeds).
@Suite struct ShippedContentTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Dunning/Content/templates").path

    @Test func theEmbeddedTemplatesAreTheContentFiles() throws {
        let names = (FileManager.default.enumerator(atPath: Self.templates)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".mustache") }.sorted()
        #expect(names == DefaultTemplates.files.keys.sorted())
        #expect(names.count == 1 + 4 * 6, "the HTML layout, and six step templates in nl, fr, de and en")
        for name in names {
            let file = try String(contentsOfFile: Self.templates + "/" + name, encoding: .utf8)
            #expect(DefaultTemplates.files[name] == file, "\(name)")
        }
        // Every shipped ladder step finds its template in every language.
        let templates = try ReminderTemplates(folder: nil)
        for (kind, text) in [("b2b", DefaultLadders.b2b), ("b2c", DefaultLadders.b2c)] {
            #expect(templates.check(try Ladder.parse(text, file: kind)).isEmpty)
        }
    }
}
