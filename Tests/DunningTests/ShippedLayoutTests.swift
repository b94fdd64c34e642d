@testable import Dunning
import Foundation
import RelanceTestSupport
import Testing

/// The shipped HTML layout written out as Swift (`ShippedLayout`, issue 17) renders the bytes
/// swift-mustache renders from the shipped `layout.html.mustache`, and only that layout is rendered
/// so: an edited one goes through swift-mustache. (The golden e-mails of `ComposedReminderGoldenTests`
/// and `ReminderLetterGoldenTests` pin the output of real reminders too.)
@Suite struct ShippedLayoutTests {
    /// Pieces of values: what HTML escapes, non-ASCII letters, a combining mark after `<` (one
    /// character, which swift-mustache does not escape), CRLF, emoji, the empty string.
    static let pieces = ["", "a", "Facturatie NV", "<", ">", "&", "\"", "'", "<\u{0338}", "&\u{0301}", "é", "Ł", "ş", "·", "\r\n", "\n",
                         "👩‍👩‍👧", "€ 1.234,56", "<b>bold</b>", "Tom & Jerry's \"bar\"", " ", "&amp;", "{{subject}}"]

    static func text(_ g: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...4, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    static func list<T>(_ g: inout SeededGenerator, _ most: Int, _ make: (inout SeededGenerator) -> T) -> [T] {
        (0..<Int.random(in: 0...most, using: &g)).map { _ in make(&g) }
    }

    static func context(_ g: inout SeededGenerator) -> EmailLayoutContext {
        func row(_ g: inout SeededGenerator) -> EmailLayoutContext.Row {
            .init(cells: list(&g, 6) { .init(text: text(&$0), align: Bool.random(using: &$0) ? "right" : text(&$0)) })
        }
        return EmailLayoutContext(
            language: text(&g), subject: text(&g), company_name: text(&g),
            before: list(&g, 3) { .init(lines: list(&$0, 3) { text(&$0) }) },
            after: list(&g, 3) { .init(lines: list(&$0, 3) { text(&$0) }) },
            columns: list(&g, 6) { .init(title: text(&$0), align: text(&$0)) },
            rows: list(&g, 4, row),
            totals: list(&g, 4) { .init(label: text(&$0), amount: text(&$0), span: Int.random(in: -1...12, using: &$0), strong: Bool.random(using: &$0)) },
            sections: list(&g, 3) { .init(title: text(&$0), rows: list(&$0, 3, row)) },
            payment_title: text(&g), payment: list(&g, 5) { .init(label: text(&$0), value: text(&$0)) },
            company_details: text(&g),
            company_email: Bool.random(using: &g) ? text(&g) : nil, company_phone: Bool.random(using: &g) ? text(&g) : nil)
    }

    @Test func theShippedLayoutIsRecognisedAndAnEditedOneIsNot() throws {
        let shipped = try #require(DefaultTemplates.files["layout.html.mustache"])
        #expect(ShippedLayout.matches(shipped), "the shipped layout changed: update ShippedLayout (render, length, digest) with it")
        #expect(try ReminderTemplates(folder: nil).shippedLayout)
        #expect(!ShippedLayout.matches(shipped.replacingOccurrences(of: "#555", with: "#556")))
        #expect(!ShippedLayout.matches(shipped + "\n"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shipped-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("layout.html.mustache")
        try shipped.write(to: file, atomically: true, encoding: .utf8)
        #expect(try ReminderTemplates(folder: folder.path).shippedLayout, "a workspace's copy of the shipped layout (relance init) is the shipped one")
        try shipped.replacingOccurrences(of: "<title>", with: "<title>Edited: ").write(to: file, atomically: true, encoding: .utf8)
        let edited = try ReminderTemplates(folder: folder.path)
        #expect(!edited.shippedLayout)
        var g = SeededGenerator(state: 7)
        let c = Self.context(&g)
        #expect(edited.layout(c) == edited.mustacheLayout(c))
        #expect(edited.layout(c).contains("<title>Edited: "))
    }

    @Test func rendersWhatSwiftMustacheRenders() throws {
        let templates = try ReminderTemplates(folder: nil)
        var g = SeededGenerator(state: 17)
        var contexts = (0..<400).map { _ in Self.context(&g) }
        // The edges one by one: everything empty or absent, and one of each list.
        let empty = EmailLayoutContext(language: "", subject: "", company_name: "", before: [], after: [], columns: [], rows: [], totals: [],
                                       sections: [], payment_title: "", payment: [], company_details: "", company_email: nil, company_phone: nil)
        contexts.append(empty)
        var one = empty
        one.before = [.init(lines: [])]
        one.after = [.init(lines: [""])]
        one.columns = [.init(title: "T", align: "left")]
        one.rows = [.init(cells: [])]
        one.totals = [.init(label: "Total", amount: "€ 0,00", span: 0, strong: true)]
        one.sections = [.init(title: "", rows: [])]
        one.payment = [.init(label: "", value: "")]
        one.company_email = ""
        one.company_phone = ""
        contexts.append(one)
        for (i, c) in contexts.enumerated() {
            let expected = templates.mustacheLayout(c)
            let got = ShippedLayout.render(c)
            #expect(got == expected, "context \(i)")
            #expect(Array(got.utf8) == Array(expected.utf8), "context \(i), bytes")
        }
    }
}
