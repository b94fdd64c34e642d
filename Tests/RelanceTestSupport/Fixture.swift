import Foundation
import Ledger
import Store
import Testing

/// Sample outbox messages (the e-mail outbox and the end-to-end tests).
package enum Fixture {
    /// A valid address, or a crash (fixtures are constants).
    package static func address(_ s: String) -> EmailAddress {
        guard let a = EmailAddress(s) else { preconditionFailure("bad fixture address \(s)") }
        return a
    }

    /// An ISO 8601 instant with milliseconds.
    package static func instant(_ iso: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: iso) ?? Date(timeIntervalSince1970: 0)
    }

    /// A PDF-like attachment: a PDF header, then every byte value, CRLF-dot sequences and filler.
    package static func pdf(_ size: Int, seed: UInt8 = 0) -> Data {
        var bytes = Array("%PDF-1.7\r\n".utf8) + (0...255).map { UInt8($0) } + Array("\r\n.\r\n..\r\n.".utf8)
        var x = UInt32(seed) &+ 12_345
        while bytes.count < size {
            x = x &* 1_103_515_245 &+ 12_345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        return Data(bytes.prefix(size))
    }

    /// A Dutch body with every MIME hazard: a leading dot, a long line, trailing spaces, `=`, non-ASCII.
    package static let text = """
        Beste klant,

        Volgens onze boekhouding staat factuur F-2026-001 van € 1.234,56 nog open.
        .Deze regel begint met een punt, en deze lijn is bewust heel erg lang zodat quoted-printable haar moet afbreken zonder iets te verliezen.
        Eindigt op spaties   
        = is geen probleem; ook geen 100% of <html>.
        Met vriendelijke groeten,
        Ş. Łukasz
        """

    /// The HTML body of the reminder.
    package static let html = "<p>Beste klant,</p><p>Factuur <b>F-2026-001</b> — € 1.234,56 — staat nog open.</p>"

    /// A reminder with a text and HTML body and one PDF.
    package static func reminder(_ key: String, to: String = "jan.peeters@klant.example", name: String? = "Jan Peeters",
                         pdfSize: Int = 30_000) -> NewOutboxMessage {
        var m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: [OutboxMailbox(address(to), name: name)],
                                 subject: "Herinnering: factuur F-2026-001 staat open", textBody: text, htmlBody: html)
        m.attachments = [OutboxAttachment(filename: "herinnering-F-2026-001.pdf", content: .bytes(pdf(pdfSize)))]
        m.references = [.debtor(DebtorID(rawValue: "D042")), .invoice(InvoiceNumber(rawValue: "F-2026-001"))]
        return m
    }

    /// Text with CRLF line breaks as LF, for comparing bodies.
    package static func lf(_ s: String?) -> String? { s?.replacingOccurrences(of: "\r\n", with: "\n") }
}

extension Tag {
    /// Tests that start processes or wait on the network for more than a moment.
    @Tag package static var slow: Self
    /// Tests that talk to a real SMTP server.
    @Tag package static var smtp: Self
}
