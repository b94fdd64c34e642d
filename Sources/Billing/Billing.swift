public enum BillingStage {}
