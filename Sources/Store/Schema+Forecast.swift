import GRDB

extension Schema {
    /// Payment forecasts, debtor scores and the cash forecast (owner: Forecast).
    static func forecastV1(_ db: Database) throws {
    }
}
