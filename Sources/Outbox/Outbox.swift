/// Namespace of the Outbox stage; see README.md for what it will own.
public enum OutboxStage {}
