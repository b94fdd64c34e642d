/// The ladders shipped with Relance: the same text as `schedules/ladder-b2b.toml` and
/// `schedules/ladder-b2c.toml` (a test keeps them equal); `relance init` writes them into a workspace.
public enum DefaultLadders {
    /// `schedules/ladder-b2b.toml`.
    public static let b2b = """
        # Relance dunning ladder for enterprises (B2B) — Law of 2 August 2002 on late payment.
        # Copied into every new workspace as ladder-b2b.toml; edit that copy. Validated as a whole before
        # any run: a problem stops the run and names the key and line.
        #
        # The ladder works per debtor: its level is the highest step any of its open invoices reached, and
        # each message goes at the next step, demanding every overdue item (the statement lists them all).
        # The level starts again at the first step only when every invoice that carried it is settled.
        # trigger: { before_due_days = N } (only the first step; a courtesy notice, only to debtors with nothing overdue),
        #          { after_due_days = N } or { after_previous_days = N } (after the debtor reached its level).
        # channels: "email", "letter" (PDF, by post) or "manual" (a worklist item: a call, a hand-over).
        # claim_interest / claim_fees: add the statutory interest (per half-year rate) and the flat €40
        # per late invoice to what the reminder claims.
        ladder = "b2b"
        version = 1
        minimum_balance = "10.00"        # euro: debtors owing less are left alone
        min_days_between_messages = 7    # at most one message to a debtor per 7 days

        [[step]]
        name = "courtesy"
        trigger = { before_due_days = 3 }
        channels = ["email"]
        template = "courtesy"

        [[step]]
        name = "reminder-1"
        trigger = { after_due_days = 7 }
        channels = ["email"]
        template = "reminder-1"

        [[step]]
        name = "reminder-2"
        trigger = { after_previous_days = 14 }
        channels = ["email", "letter"]
        template = "reminder-2"
        claim_interest = true
        claim_fees = true

        [[step]]
        name = "formal-notice"
        trigger = { after_previous_days = 14 }
        channels = ["letter"]
        template = "formal-notice"
        claim_interest = true
        claim_fees = true

        [[step]]
        name = "call"
        trigger = { after_previous_days = 7 }
        channels = ["manual"]
        action = "call"

        [[step]]
        name = "collection-agency"
        trigger = { after_previous_days = 21 }
        channels = ["manual"]
        action = "hand-over"

        """

    /// `schedules/ladder-b2c.toml`.
    public static let b2c = """
        # Relance dunning ladder for consumers (B2C) — Book XIX of the Code of Economic Law.
        # Copied into every new workspace as ladder-b2c.toml; edit that copy. Validated as a whole before
        # any run: a problem stops the run and names the key and line.
        #
        # The law: the first reminder is free and must state the balance, the damages that will be
        # claimed, the creditor's name and enterprise number, what the debt is for, its due date and the
        # payment period of at least 14 days. Nothing may be claimed before that period has run (from the
        # day after an e-mail, from the third working day after a letter). Later reminders may cost at
        # most €7.50 plus postage, and only where the contract says so (reminder_fee; none by default).
        # Damages are capped by the balance brackets and interest at the B2B rate; Relance applies both
        # caps itself on the steps that claim.
        ladder = "b2c"
        version = 1
        minimum_balance = "5.00"
        min_days_between_messages = 7    # at most one message per 7 days; after the free first reminder, its 14-day period

        [[step]]
        name = "reminder-1"
        trigger = { after_due_days = 5 }
        channels = ["email", "letter"]
        template = "consumer-first-reminder"

        [[step]]
        name = "reminder-2"
        trigger = { after_previous_days = 17 }
        channels = ["email", "letter"]
        template = "consumer-second-reminder"
        claim_interest = true
        claim_fees = true

        [[step]]
        name = "formal-notice"
        trigger = { after_previous_days = 14 }
        channels = ["letter"]
        template = "formal-notice"
        claim_interest = true
        claim_fees = true

        [[step]]
        name = "call"
        trigger = { after_previous_days = 7 }
        channels = ["manual"]
        action = "call"

        [[step]]
        name = "collection-agency"
        trigger = { after_previous_days = 21 }
        channels = ["manual"]
        action = "hand-over"

        """
}
