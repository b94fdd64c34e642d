public enum ReportsStage {}
