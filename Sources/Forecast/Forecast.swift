/// Namespace of the Forecast stage; see README.md for what it will own.
public enum ForecastStage {}
