/// The envelope of one delivery attempt: sender and the recipients still to deliver to.
package struct Envelope: Sendable, Equatable {
    /// `MAIL FROM` address.
    package var sender: String
    /// `RCPT TO` addresses, each once.
    package var recipients: [String]
    /// The message's `Message-ID`, for transports that name files after it.
    package var messageID: String

    /// An envelope.
    package init(sender: String, recipients: [String], messageID: String) {
        self.sender = sender
        self.recipients = recipients
        self.messageID = messageID
    }
}

/// A server reply: the three-digit code and its text (all lines joined by a space).
package struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    package var code: Int
    package var text: String
    /// A reply.
    package init(code: Int, text: String) {
        self.code = code
        self.text = text
    }
    /// 2 (success), 3 (go on), 4 (temporary failure) or 5 (permanent failure).
    package var kind: Int { code / 100 }
    /// `250 2.0.0 Ok: queued`.
    package var description: String { text.isEmpty ? String(code) : "\(code) \(text)" }
}

/// What one delivery attempt came to.
package struct DeliveryResult: Sendable, Equatable {
    /// The attempt as a whole.
    package enum Outcome: Sendable, Equatable {
        /// The server took the message (2xx after the end of DATA), for the recipients it accepted.
        case accepted(reply: String)
        /// A temporary failure: a 4xx reply, a dropped connection or a timeout during the transaction.
        case deferred(reason: String)
        /// A permanent failure: a 5xx reply, with the server's text.
        case bounced(reason: String)
        /// The server could not be used at all (connection refused, TLS or certificate failure,
        /// authentication refused, no greeting): the message is deferred and the flush stops.
        case unavailable(reason: String)
    }

    package var outcome: Outcome
    /// The server's reply to each recipient it answered (`RCPT TO`), by address.
    package var recipientReplies: [String: SMTPReply]
    /// Set when the server stopped answering (a time limit ran out): the message is recorded by its
    /// outcome as usual, and the flush stops, leaving the other messages due for a later flush.
    package var stalled: String?

    /// A result.
    package init(_ outcome: Outcome, recipientReplies: [String: SMTPReply] = [:]) {
        self.outcome = outcome
        self.recipientReplies = recipientReplies
    }
}

/// Hands built messages to a mail system. One instance serves one flush, sequentially; an SMTP
/// transport keeps one connection open across its messages.
package protocol MailTransport: AnyObject {
    /// A short description for logs and summaries (`smtp://127.0.0.1:2525`, `pickup out/mail`); no secrets.
    var name: String { get }
    /// Delivers one message. Never throws: every failure is a `DeliveryResult`.
    ///
    /// `beforeEnd` is called once before the message can be complete at the other end (before the
    /// last bytes of the data): the flusher uses it to wait until the previous outcome is committed.
    /// When it returns false the transport abandons the message.
    func send(_ message: [UInt8], envelope: Envelope, beforeEnd: () -> Bool) -> DeliveryResult
    /// Ends the session (e.g. `QUIT`) and releases the connection.
    func close()
    /// A second transport to the same place, for a flush's second connection (used from another
    /// thread, one message at a time); nil when the transport has none (the default).
    func companion() -> (any MailTransport)?
}

extension MailTransport {
    /// No second connection.
    package func companion() -> (any MailTransport)? { nil }
}
