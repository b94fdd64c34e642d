public enum ForecastStage {}
