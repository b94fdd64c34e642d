import GRDB

extension Schema {
    /// The outbox's message queue (owner: Outbox; Dunning and Billing insert queued messages).
    static func outboxV1(_ db: Database) throws {
    }
}
