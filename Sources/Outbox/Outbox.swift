public enum OutboxStage {}
