@testable import Dunning
import Foundation
import RelanceTestSupport
import Testing

/// `ReminderComposer.splitSubject` and `paragraphs` cut a text without CR at its LF bytes (issue 17)
/// and give what they gave through `components(separatedBy:)`: the same subject, body and paragraphs
/// for texts full of blank lines, spaces, tabs, non-breaking and other Unicode spaces at the ends of
/// lines, combining marks and emoji. A text with a CR still goes through Foundation.
@Suite struct ReminderTextSplitTests {
    static let pieces = ["Subject:", "Subject: ", "Subject:\t", "Onderwerp:", "\n", "\n", "\n\n", " ", "\t", "\u{00A0}", "\u{2003}", "\u{3000}",
                         "a", "Beste klant,", "{{statement}}", "é", "e\u{0301}", "\u{0301}", "👩‍👩‍👧", "€ 12,50", ".", "x ", " y", "\u{200B}", "\u{FEFF}"]

    static func text(_ g: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...14, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
    }

    @Test func theSameAsThroughComponents() {
        var g = SeededGenerator(state: 29)
        var texts = (0..<3_000).map { _ in Self.text(&g) }
        texts += ["", "\n", " \n\t\n", "Subject: x", "\n\nSubject:  Herinnering \nBeste,\n\n{{statement}}\n\nGroeten\n", "Subject:\n",
                  "Geen onderwerp\nSubject: x", "Subject: a\n \u{00A0}\n b \n\n\nc\u{00A0}\n"]
        for t in texts {
            let fast = ReminderComposer.splitSubject(t), slow = ReminderComposer.splitSubjectByComponents(t)
            #expect(Array(fast.0.utf8) == Array(slow.0.utf8) && Array(fast.1.utf8) == Array(slow.1.utf8), "\(t.debugDescription)")
            #expect(ReminderComposer.paragraphs(t).map { Array($0.utf8) } == ReminderComposer.paragraphsByComponents(t).map { Array($0.utf8) },
                    "\(t.debugDescription)")
        }
    }

    /// The text table's trim and the blank-line test (issue 17, tenth round) give Foundation's answer:
    /// padded cells, Unicode spaces and combining marks at either end, lines of blanks only.
    @Test func trimAndBlankAsFoundation() {
        var g = SeededGenerator(state: 31)
        var lines = (0..<3_000).map { _ in Self.text(&g).replacingOccurrences(of: "\n", with: "") }
        lines += ["", " ", "\t", "  \t ", "a", " a ", "INV-1  € 12,50  ", "  12/11/2026", "x \u{0301}", "\u{00A0}x ", "x\u{00A0}  ", " \u{0301}x",
                  "Factuur  Datum      Bedrag", "\u{3000}", "a\u{2003}", "é  ", "  é"]
        for line in lines {
            let foundation = line.trimmingCharacters(in: .whitespaces)
            #expect(Array(ReminderComposer.trimmedBlanks(line).utf8) == Array(foundation.utf8), "\(line.debugDescription)")
            #expect(ReminderComposer.isBlank(Substring(line)) == foundation.isEmpty, "\(line.debugDescription)")
        }
    }

    @Test func aTextWithACarriageReturnGoesThroughFoundation() {
        let t = "Subject: a\r\nBeste\r\n\r\nklant \r\n"
        #expect(ReminderComposer.splitSubject(t) == ReminderComposer.splitSubjectByComponents(t))
        #expect(ReminderComposer.paragraphs(t) == ReminderComposer.paragraphsByComponents(t))
    }
}
