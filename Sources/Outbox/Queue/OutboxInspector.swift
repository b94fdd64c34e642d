import Foundation
import GRDB
import Store

/// Read-only views of the queue for `relance outbox list|show|export` and for reports.
package enum OutboxInspector {
    /// One line of `outbox list`.
    package struct Summary: Sendable, Equatable {
        package var id: MessageID
        package var state: OutboxState
        package var origin: OutboxOrigin
        package var createdAt: String
        package var attempts: Int
        /// When the next attempt is due (queued and deferred messages).
        package var nextAttemptAt: String?
        /// The first To address.
        package var to: String
        /// The last error (deferred), the bounce or cancel reason, or the server's reply (sent).
        package var note: String?
    }

    /// Everything `outbox show` prints.
    package struct Detail: Sendable {
        package var message: QueuedMessage
        package var references: [OutboxReferenceRecord]
        package var events: [OutboxEventRecord]
        /// The header block as it is (or would be) sent; nil with the reason when it cannot be built.
        package var headers: Result<String, BuildError>
    }

    /// Messages in `state` (all when nil), oldest first, at most `limit`.
    package static func list(_ db: Database, state: OutboxState?, limit: Int) throws -> [Summary] {
        try OutboxQueries.list(db, state: state, limit: limit).map { r in
            Summary(id: MessageID(rawValue: r.id), state: r.state, origin: r.origin, createdAt: r.createdAt, attempts: r.attempts,
                    nextAttemptAt: OutboxState.due.contains(r.state) ? r.nextAttemptAt : nil, to: r.to ?? "", note: r.note)
        }
    }

    /// Counts per state, keyed by the state's stored word.
    package static func counts(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try OutboxQueries.countsByState(db).map { ($0.key.rawValue, $0.value) })
    }

    /// One message with its recipients, attachments, references, history and headers.
    /// Without an identity (no sender configured) the headers are reported as unknown.
    package static func detail(_ db: Database, _ id: MessageID, identity: SenderIdentity?) throws -> Detail? {
        guard let m = try QueueStore.load(db, id: id.rawValue) else { return nil }
        let refs = try OutboxQueries.references(db, message: id.rawValue)
        let events = try OutboxQueries.events(db, message: id.rawValue)
        let headers: Result<String, BuildError>
        do throws(BuildError) {
            guard let identity else { throw BuildError(message: "no sender is configured (mail.from or company.email)") }
            let withCopies = withConfigCopies(m, identity: identity)
            var text = try MessageBuilder.header(withCopies, identity: identity).text
            while text.hasSuffix("\r\n") { text.removeLast() }
            headers = .success(text.replacingOccurrences(of: "\r\n", with: "\n"))
        } catch {
            headers = .failure(error)
        }
        return Detail(message: m, references: refs, events: events, headers: headers)
    }

    /// The `.eml` bytes of a message as they are (or would be) sent.
    package static func export(_ db: Database, _ id: MessageID, identity: SenderIdentity) throws -> Result<[UInt8], BuildError>? {
        guard let m = try QueueStore.load(db, id: id.rawValue) else { return nil }
        do { return .success(try MessageBuilder.build(withConfigCopies(m, identity: identity), identity: identity)) } catch {
            return .failure(error)
        }
    }

    /// A message never leased yet gets the workspace's Cc/Bcc at its first lease; show them now.
    static func withConfigCopies(_ m: QueuedMessage, identity: SenderIdentity) -> QueuedMessage {
        guard m.record.messageIdHeader == nil else { return m }
        var copy = m
        var known = Set(m.recipients.map(\.address))
        var position = (m.recipients.map(\.position).max() ?? -1) + 1
        for (kind, list) in [(OutboxRecipientKind.cc, identity.cc), (.bcc, identity.bcc)] {
            for a in list where known.insert(a.value).inserted {
                copy.recipients.append(OutboxRecipientRecord(
                    messageId: m.record.id, position: position, kind: kind, address: a.value, origin: .config))
                position += 1
            }
        }
        return copy
    }
}
