/// Follows the SMTP conversation libcurl reports through its debug callback (commands out,
/// replies in) and keeps the replies that decide a message's fate: to `MAIL`, to each `RCPT`, to
/// `DATA` and to the end of the data. libcurl does not pipeline SMTP, so each reply answers the
/// last command sent.
final class SMTPDialogue {
    enum Step: Equatable {
        /// Greeting, EHLO, STARTTLS, AUTH: the session, before the message's transaction.
        case session
        case mail
        case rcpt(String)
        case data
        case quit
    }

    private(set) var step = Step.session
    private(set) var mailSent = false
    private var dataGoAhead = false
    private var inbound: [UInt8] = []
    private var lines: [String] = []

    private(set) var sessionFailure: SMTPReply?
    private(set) var mailReply: SMTPReply?
    private(set) var recipientReplies: [String: SMTPReply] = [:]
    private(set) var dataReply: SMTPReply?
    private(set) var endReply: SMTPReply?

    /// Forgets the previous message's replies; a reused connection starts at `MAIL`.
    func reset() {
        step = .session
        mailSent = false
        dataGoAhead = false
        inbound.removeAll()
        lines.removeAll()
        sessionFailure = nil
        mailReply = nil
        recipientReplies.removeAll()
        dataReply = nil
        endReply = nil
    }

    /// A command line libcurl sent. Only the verb and a `RCPT` address are kept (never AUTH data).
    func sent(_ bytes: UnsafeBufferPointer<UInt8>) {
        func starts(_ prefix: String) -> Bool {
            let p = Array(prefix.utf8)
            guard bytes.count >= p.count else { return false }
            for (i, c) in p.enumerated() where bytes[i] | 0x20 != c | 0x20 { return false }
            return true
        }
        if starts("MAIL FROM:") {
            step = .mail
            mailSent = true
        } else if starts("RCPT TO:") {
            let text = String(decoding: bytes, as: UTF8.self)
            let address = text.split(separator: "<", maxSplits: 1).last?.split(separator: ">").first.map(String.init) ?? ""
            step = .rcpt(address)
        } else if starts("DATA") {
            step = .data
        } else if starts("QUIT") {
            step = .quit
        } else if !mailSent {
            step = .session
        }
    }

    /// Reply bytes libcurl received; complete replies are assigned to the command they answer.
    func received(_ bytes: UnsafeBufferPointer<UInt8>) {
        inbound.append(contentsOf: bytes)
        while let nl = inbound.firstIndex(of: 10) {
            var line = Array(inbound[..<nl])
            inbound.removeSubrange(...nl)
            if line.last == 13 { line.removeLast() }
            guard line.count >= 3, let code = Int(String(decoding: line[0..<3], as: UTF8.self)) else { continue }
            let text = line.count > 4 ? String(decoding: line[4...], as: UTF8.self) : ""
            lines.append(text)
            if line.count > 3 && line[3] == UInt8(ascii: "-") { continue }
            let reply = SMTPReply(code: code, text: lines.joined(separator: " "))
            lines.removeAll()
            assign(reply)
        }
    }

    private func assign(_ reply: SMTPReply) {
        switch step {
        case .session:
            if reply.kind >= 4 { sessionFailure = reply }
        case .mail:
            mailReply = reply
        case .rcpt(let address):
            recipientReplies[address] = reply
        case .data:
            if dataGoAhead {
                endReply = reply
            } else {
                dataReply = reply
                dataGoAhead = reply.code == 354
            }
        case .quit:
            break
        }
    }

    /// The outcome of the attempt, from libcurl's result and the replies seen.
    func outcome(curlOK: Bool, curlError: String) -> DeliveryResult.Outcome {
        if let end = endReply {
            switch end.kind {
            case 2: return .accepted(reply: end.description)
            case 4: return .deferred(reason: end.description)
            default: return .bounced(reason: end.description)
            }
        }
        if let d = dataReply, d.kind >= 4 { return d.kind == 4 ? .deferred(reason: d.description) : .bounced(reason: d.description) }
        let rcpt = Array(recipientReplies.values)
        if !rcpt.isEmpty && rcpt.allSatisfy({ $0.kind >= 4 }) {
            if let temporary = rcpt.first(where: { $0.kind == 4 }) { return .deferred(reason: temporary.description) }
            return .bounced(reason: rcpt.map(\.description).sorted().joined(separator: "; "))
        }
        if let m = mailReply, m.kind >= 4 { return m.kind == 4 ? .deferred(reason: m.description) : .bounced(reason: m.description) }
        if !mailSent {
            let why = sessionFailure.map { "the server refused the session: \($0)" } ?? curlError
            return .unavailable(reason: why)
        }
        if curlOK { return .deferred(reason: "the server did not confirm the end of the message") }
        if dataGoAhead { return .deferred(reason: "\(curlError) (during DATA; the server may or may not have the message)") }
        return .deferred(reason: curlError)
    }
}
