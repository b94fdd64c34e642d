import Foundation
import GRDB
import Ledger
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// The MIME builder, checked by reading its output back with Python's own e-mail parser.
@Suite(.enabled(if: SMTPServer.isAvailable, SMTPServer.skipReason))
struct MIMETests {
    /// Builds one queued message the way a flush would.
    func built(_ m: NewOutboxMessage, identity: SenderIdentity = Fixture.identity) throws -> (bytes: [UInt8], parsed: ParsedMail) {
        let db = try TestStore()
        let clock = ManualClock()
        let id = try db.enqueue([m], clock: clock)[0]
        let bytes = try db.export(id, identity: identity)
        return (bytes, try ParsedMail.parse(bytes))
    }

    func headerLines(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n")
    }

    @Test func nonASCIISubjectsAndNamesAreEncodedWordsThatDecodeBack() throws {
        var m = Fixture.reminder("mime-1", to: "zofia@klant.example", name: "Zofia Łukasiewicz-Şahin, \"Zosia\"")
        m.subject = "Rappel : facture échue — Łódź, İstanbul, Kraków — " + String(repeating: "ééé ŁŁŁ şşş ", count: 8) + "🧾"
        let (bytes, mail) = try built(m)
        #expect(mail.header("subject") == HeaderText.neutralised(m.subject))
        #expect(mail.header("to") == "\"Zofia Łukasiewicz-Şahin, \\\"Zosia\\\"\" <zofia@klant.example>"
            || mail.header("to")?.contains("Zofia Łukasiewicz-Şahin, \"Zosia\"") == true)
        #expect(mail.header("from") == "Facturatie Łódź & Zonen BV <boekhouding@facturatie.example>")
        #expect(mail.defects.isEmpty)
        // 7-bit headers, folded to at most 78 characters.
        for line in headerLines(bytes) {
            #expect(line.utf8.count <= 78, "header line too long: \(line)")
            #expect(line.unicodeScalars.allSatisfy { $0.value < 0x7F })
        }
    }

    @Test func aLineBreakInASubjectOrNameCannotStartAHeader() throws {
        var m = Fixture.reminder("mime-inject", name: "Jan\r\nBcc: victim@elders.example\nX-Evil: 1")
        m.subject = "Factuur F-1\r\nBcc: victim@elders.example\r\n\r\nbody injection"
        m.attachments[0].filename = "x\r\nContent-Type: text/html\r\n.pdf"
        let (bytes, mail) = try built(m)
        #expect(mail.headers["bcc"] == nil && mail.headers["x-evil"] == nil)
        #expect(mail.header("subject") == "Factuur F-1 Bcc: victim@elders.example body injection")
        #expect(mail.header("to") == "\"Jan Bcc: victim@elders.example X-Evil: 1\" <jan.peeters@klant.example>")
        #expect(mail.attachments.map(\.content_type) == ["application/pdf"])
        #expect(mail.attachments.first?.filename == "x Content-Type: texthtml .pdf", "no line break, no path separator")
        let names = headerLines(bytes).filter { !$0.hasPrefix(" ") }.map { $0.split(separator: ":")[0] }
        #expect(names == ["Date", "From", "Reply-To", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"])
        // An address cannot carry a line break at all.
        #expect(EmailAddress("jan@klant.example\r\nBcc: victim@elders.example") == nil)
        #expect(HeaderText.neutralised("a\u{2028}b\u{85}c\u{0}d\te") == "a b c d e")
    }

    @Test func mixedHoldsAlternativeTextAndHTMLAndByteIdenticalAttachments() throws {
        var m = Fixture.reminder("mime-2")
        let second = Fixture.pdf(4_097, seed: 7)
        m.attachments.append(OutboxAttachment(filename: "Aanmaning Łódź (kopie).pdf", content: .bytes(second)))
        let (bytes, mail) = try built(m)
        #expect(mail.content_type == "multipart/mixed")
        #expect(mail.defects.isEmpty)
        #expect(Fixture.lf(mail.text) == Fixture.text)
        #expect(Fixture.lf(mail.html) == Fixture.html)
        #expect(mail.attachments.map(\.filename) == ["herinnering-F-2026-001.pdf", "Aanmaning Łódź (kopie).pdf"])
        #expect(mail.attachments.map(\.content_type) == ["application/pdf", "application/pdf"])
        #expect(mail.attachments.first?.bytes == [UInt8](Fixture.pdf(30_000)))
        #expect(mail.attachments.last?.bytes == [UInt8](second))
        #expect(bytes.split(separator: 10).allSatisfy { $0.count <= 78 }, "every body line fits in 78 characters")
        #expect(bytes.allSatisfy { $0 < 0x80 }, "the whole message is 7-bit")
        #expect(Array(bytes.suffix(2)) == [13, 10])
    }

    @Test func aTextOnlyMessageIsOneQuotedPrintablePart() throws {
        let m = NewOutboxMessage(idempotencyKey: "mime-3", origin: "billing", to: [OutboxMailbox(Fixture.address("a@klant.example"))],
                                 subject: "Uw factuur", textBody: "Één regel met = en é\n")
        let (_, mail) = try built(m)
        #expect(mail.content_type == "text/plain")
        #expect(Fixture.lf(mail.text) == "Één regel met = en é\n")
        #expect(mail.header("to") == "a@klant.example")
    }

    @Test func theSameRowAlwaysBuildsTheSameBytesWithAStableMessageID() throws {
        let db = try TestStore()
        let clock = ManualClock("2026-11-21T23:59:58.000Z")
        let id = try db.enqueue([Fixture.reminder("dunning:2026-11-21:D042:2")], clock: clock)[0]
        let a = try db.export(id), b = try db.export(id)
        #expect(a == b)
        let mail = try ParsedMail.parse(a)
        #expect(mail.header("message-id") == Fixture.identity.messageID(forKey: "dunning:2026-11-21:D042:2"))
        #expect(mail.header("message-id") == "<relance." + SHA256.hex(Array("dunning:2026-11-21:D042:2".utf8)).prefix(32)
            + "@facturatie.example>")
        #expect(mail.header("date") == "Sat, 21 Nov 2026 23:59:58 +0000")
        #expect(mail.header("reply-to") == "debiteuren@facturatie.example")
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array(String(repeating: "a", count: 1000).utf8))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
