/// Namespace of the Reports stage; see README.md for what it will own.
public enum ReportsStage {}
