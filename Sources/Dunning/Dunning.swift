public enum DunningStage {}
