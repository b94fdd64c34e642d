/// Namespace of the Billing stage; see README.md for what it will own.
public enum BillingStage {}
