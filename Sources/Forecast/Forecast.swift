/// The Forecast stage: when each open invoice will most likely be paid, how sure that is, which
/// debtors need a call and how much cash comes in week by week (see README.md).
///
/// Entry points: `LedgerFacts.read` (the ledger in columns), `Forecaster.forecast` (one as-of day),
/// `ForecastStore.forecastAndSave` (makes it and stores it in one transaction, the writes beside the
/// computation), `ForecastStore.save` (stores a result made before), `ForecastListing` (show),
/// `Backtest` (rolling origin and issue-date split).
package enum ForecastStage {
    /// The model's name and version, as stored with each run.
    package static var modelName: String { DelayModel.name }
}
