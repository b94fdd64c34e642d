import Foundation
import Ledger
import Store

/// Who messages come from: the workspace's sender, Reply-To, and the Cc/Bcc added to every message.
package struct SenderIdentity: Sendable, Equatable {
    package var from: EmailAddress
    package var fromName: String?
    package var replyTo: EmailAddress?
    package var cc: [EmailAddress]
    package var bcc: [EmailAddress]

    /// An identity; the addresses must be ASCII (the outbox does not use SMTPUTF8).
    package init(from: EmailAddress, fromName: String? = nil, replyTo: EmailAddress? = nil, cc: [EmailAddress] = [],
                bcc: [EmailAddress] = []) {
        self.from = from
        self.fromName = fromName
        self.replyTo = replyTo
        self.cc = cc
        self.bcc = bcc
    }

    /// The domain of the sender address, lower-cased: the right-hand side of every `Message-ID`.
    package var domain: String {
        String(from.value.split(separator: "@").last ?? "localhost").lowercased()
    }

    /// The stable `Message-ID` of the message with idempotency key `key`: the same key always gives
    /// the same identifier, so a resend after a crash is recognisable.
    package func messageID(forKey key: String) -> String {
        OutboxMessageID.header(key: key, domain: domain)
    }
}

/// A message as loaded from the queue, ready to be built.
package struct QueuedMessage: Sendable {
    package var record: OutboxMessageRecord
    /// All recipients, in position order (also those already delivered).
    package var recipients: [OutboxRecipientRecord]
    package var attachments: [OutboxAttachmentRecord]
}

/// Why a message cannot be built; it bounces at once instead of being retried.
package struct BuildError: Error, CustomStringConvertible, Equatable {
    package let message: String
    package var description: String { message }
}

/// Builds the RFC 5322 / MIME bytes of a queued message.
///
/// The output is deterministic for a given queue row and identity (the `Date` is the enqueue time,
/// the boundaries derive from the `Message-ID`), so a resend is byte-identical. Shape:
/// `multipart/mixed` (when there are attachments) of a `multipart/alternative` text + HTML body
/// (or the text alone) and base64 attachments; text parts are UTF-8 quoted-printable.
package enum MessageBuilder {
    /// The message's bytes, CRLF line endings, ending with CRLF.
    package static func build(_ m: QueuedMessage, identity: SenderIdentity) throws(BuildError) -> [UInt8] {
        var out: [UInt8] = []
        let head = try header(m, identity: identity)
        out.reserveCapacity(m.record.textBody.utf8.count * 2 + (m.record.htmlBody?.utf8.count ?? 0) * 2 + 4096)
        out += Array(head.text.utf8)
        let mixed = head.boundary + "_m", alternative = head.boundary + "_a"
        if m.attachments.isEmpty {
            appendBody(m.record, boundary: alternative, to: &out)
            if out.suffix(2) != [13, 10] { out += [13, 10] }
            return out
        }
        out += Array("This is a multipart message in MIME format.\r\n\r\n--\(mixed)\r\n".utf8)
        appendBody(m.record, boundary: alternative, to: &out)
        for (i, a) in m.attachments.enumerated() {
            out += Array("\r\n--\(mixed)\r\n".utf8)
            let bytes: [UInt8]
            if let data = a.content {
                bytes = [UInt8](data)
            } else if let path = a.path, let data = FileManager.default.contents(atPath: path) {
                bytes = [UInt8](data)
            } else {
                throw BuildError(message: "attachment \(i + 1) cannot be read from its file")
            }
            out += Array(attachmentHeader(a, index: i).utf8)
            Base64.append(bytes, to: &out, lineLength: 76)
        }
        out += Array("\r\n--\(mixed)--\r\n".utf8)
        return out
    }

    /// The header block (ending with the blank line) and the boundary stem.
    static func header(_ m: QueuedMessage, identity: SenderIdentity) throws(BuildError) -> (text: String, boundary: String) {
        let r = m.record
        guard let created = InstantText.date(r.createdAt) else { throw BuildError(message: "the queue time is unreadable") }
        for (i, rc) in m.recipients.enumerated() where !usable(rc.address) {
            throw BuildError(message: "recipient \(i + 1) is not an ASCII e-mail address")
        }
        let to = m.recipients.filter { $0.kind == .to }
        guard !to.isEmpty else { throw BuildError(message: "the message has no To recipient") }
        guard usable(identity.from.value) else { throw BuildError(message: "the sender is not an ASCII e-mail address") }
        let messageID = r.messageIdHeader ?? identity.messageID(forKey: r.idempotencyKey)
        var lines = [
            "Date: " + InstantText.rfc5322(created),
            HeaderText.field("From", HeaderText.mailbox(name: identity.fromName, address: identity.from.value)),
        ]
        if let rt = identity.replyTo, usable(rt.value) { lines.append(HeaderText.field("Reply-To", ["<" + rt.value + ">"])) }
        lines.append(HeaderText.field("To", HeaderText.mailboxList(to.map { ($0.displayName, $0.address) })))
        let cc = m.recipients.filter { $0.kind == .cc }
        if !cc.isEmpty { lines.append(HeaderText.field("Cc", HeaderText.mailboxList(cc.map { ($0.displayName, $0.address) }))) }
        lines.append(HeaderText.field("Subject", HeaderText.unstructured(r.subject)))
        lines.append("Message-ID: " + messageID)
        lines.append("MIME-Version: 1.0")
        let boundary = "=_rl_" + SHA256.hex(Array(messageID.utf8)).prefix(24)
        if !m.attachments.isEmpty {
            lines.append("Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)_m\"")
        }
        return (lines.joined(separator: "\r\n") + "\r\n" + (m.attachments.isEmpty ? "" : "\r\n"), boundary)
    }

    /// The text part, or a `multipart/alternative` of text and HTML; starts with its own headers and
    /// ends without a line break (the next delimiter brings its own CRLF).
    static func appendBody(_ r: OutboxMessageRecord, boundary: String, to out: inout [UInt8]) {
        let textHeader = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        guard let html = r.htmlBody else {
            out += Array(textHeader.utf8)
            QuotedPrintable.append(r.textBody, to: &out)
            return
        }
        out += Array("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n".utf8)
        out += Array(textHeader.utf8)
        QuotedPrintable.append(r.textBody, to: &out)
        out += Array("\r\n--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        QuotedPrintable.append(html, to: &out)
        out += Array("\r\n--\(boundary)--".utf8)
    }

    /// The headers of one attachment part, ending with the blank line.
    static func attachmentHeader(_ a: OutboxAttachmentRecord, index: Int) -> String {
        let type = safeContentType(a.contentType)
        var name = HeaderText.neutralised(a.filename).unicodeScalars.filter { !"/\\\"".unicodeScalars.contains($0) }
            .reduce(into: "") { $0.unicodeScalars.append($1) }
        if name.isEmpty || name.hasPrefix(".") { name = "attachment-\(index + 1)" + name }
        if name.utf8.count > 200 { name = String(name.prefix(100)) }
        let param: String
        if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            param = "filename=\"\(name)\""
        } else {
            let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
            let hex = Array("0123456789ABCDEF".utf8)
            var enc: [UInt8] = []
            for b in name.utf8 {
                if unreserved.contains(b) { enc.append(b) } else { enc += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]] }
            }
            param = "filename*=UTF-8''" + String(decoding: enc, as: UTF8.self)
        }
        return "Content-Type: \(type)\r\nContent-Disposition: attachment;\r\n \(param)\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    }

    /// `type/subtype` in lower case when it is one, else `application/octet-stream`.
    static func safeContentType(_ s: String) -> String {
        let t = s.lowercased()
        let token = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-".unicodeScalars)
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) }) else {
            return "application/octet-stream"
        }
        return t
    }

    /// An address we can put in a header and an envelope: valid and ASCII.
    static func usable(_ address: String) -> Bool {
        EmailAddress(address) != nil && address.unicodeScalars.allSatisfy(\.isASCII)
    }
}
