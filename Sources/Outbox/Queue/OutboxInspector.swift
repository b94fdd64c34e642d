import Foundation
import GRDB
import Store

/// Read-only views of the queue for `relance outbox list|show|export` and for reports.
public enum OutboxInspector {
    /// One line of `outbox list`.
    public struct Summary: Sendable, Equatable {
        public var id: MessageID
        public var state: String
        public var origin: String
        public var createdAt: String
        public var attempts: Int
        /// When the next attempt is due (queued and deferred messages).
        public var nextAttemptAt: String?
        /// The first To address.
        public var to: String
        /// The last error (deferred), the bounce or cancel reason, or the server's reply (sent).
        public var note: String?
    }

    /// Everything `outbox show` prints.
    public struct Detail: Sendable {
        public var message: QueuedMessage
        public var references: [OutboxReferenceRecord]
        public var events: [OutboxEventRecord]
        /// The header block as it is (or would be) sent; nil with the reason when it cannot be built.
        public var headers: Result<String, BuildError>
    }

    /// Messages in `state` (all when nil), oldest first, at most `limit`.
    public static func list(_ db: Database, state: OutboxState?, limit: Int) throws -> [Summary] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT m.id, m.state, m.origin, m.created_at, m.attempts, m.next_attempt_at,
              (SELECT address FROM outbox_recipient r WHERE r.message_id = m.id AND r.kind = 'to' ORDER BY position LIMIT 1),
              CASE m.state WHEN 'deferred' THEN m.last_error WHEN 'bounced' THEN m.bounce_reason
                WHEN 'cancelled' THEN m.cancel_reason WHEN 'sent' THEN m.server_reply ELSE m.last_error END
            FROM outbox_message m WHERE ?1 IS NULL OR m.state = ?1 ORDER BY m.id LIMIT ?2
            """, arguments: [state?.rawValue, limit])
        return rows.map { r in
            let s: String = r[1]
            return Summary(id: MessageID(rawValue: r[0]), state: s, origin: r[2], createdAt: r[3], attempts: r[4],
                           nextAttemptAt: s == "queued" || s == "deferred" ? r[5] : nil, to: r[6] ?? "", note: r[7])
        }
    }

    /// Counts per state.
    public static func counts(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox_message GROUP BY state").map {
            ($0[0] as String, $0[1] as Int)
        })
    }

    /// One message with its recipients, attachments, references, history and headers.
    /// Without an identity (no sender configured) the headers are reported as unknown.
    public static func detail(_ db: Database, _ id: MessageID, identity: SenderIdentity?) throws -> Detail? {
        guard let m = try QueueStore.load(db, id: id.rawValue) else { return nil }
        let refs = try OutboxReferenceRecord.fetchAll(
            db, sql: "SELECT * FROM outbox_reference WHERE message_id = ? ORDER BY kind, key", arguments: [id.rawValue])
        let events = try OutboxEventRecord.fetchAll(
            db, sql: "SELECT * FROM outbox_event WHERE message_id = ? ORDER BY id", arguments: [id.rawValue])
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
    public static func export(_ db: Database, _ id: MessageID, identity: SenderIdentity) throws -> Result<[UInt8], BuildError>? {
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
        for (kind, list) in [("cc", identity.cc), ("bcc", identity.bcc)] {
            for a in list where known.insert(a.value).inserted {
                copy.recipients.append(OutboxRecipientRecord(
                    messageId: m.record.id, position: position, kind: kind, address: a.value, origin: "config"))
                position += 1
            }
        }
        return copy
    }
}
