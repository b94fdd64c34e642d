/// The files `relance init` writes.
enum DefaultFiles {
    static let header = """
        # Relance workspace configuration.
        # Every key is optional unless marked; `relance config check` validates the whole file.
        # Secrets (the SMTP password) never go here: they come from the environment or an owner-only file.
        config_version = 1

        """

    /// The `[legal]` section of a new workspace: it asks for the consumer damages clause explicitly.
    /// `[inbox]` and `[dunning]`: which ingest each inbox file gets, and the promise grace days.
    static let inbox = """

        # Which ingest each file in inbox/ gets, by file-name pattern (case ignored; * any run, ? one
        # character; the most specific pattern wins), in the words of the command line:
        # debtors, invoices [--snapshot], payments [--booked], reminders, coda, camt, ubl.
        # An .xml file no pattern names is read as camt when it says so, else as Peppol UBL.
        [inbox]
        "debtor*.csv" = "debtors"
        "invoice*.csv" = "invoices"    # "invoices --snapshot" when the export lists every open invoice
        "payment*.csv" = "payments"    # bank receipts; the books' register: "register*.csv" = "payments --booked"
        "reminder*.csv" = "reminders"  # reminders sent outside Relance
        "*.cod" = "coda"
        "*.coda" = "coda"

        [dunning]
        promise_grace_days = 3         # days after a promised date before the ladder resumes
        """

    static let legal = """


        # What your terms allow you to claim on late payment: docs/DUNNING.md, "Legal choices".
        [legal]
        # Enterprises (Law of 2 August 2002, art. 5): a contractual rate in your terms replaces the
        # statutory one of rates.toml, never for a public authority. A debtor's own rate (column
        # interest_rate in the debtors export) wins over this one.
        # b2b_contract_rate = "8.00"
        # Consumers (Book XIX, art. XIX.4). ANSWER THIS: do the terms your consumers accepted contain a
        # damages clause (a flat indemnity on late payment)? Without one Book XIX allows none: keep false.
        b2c_damages_clause = false
        # The late-interest rate of those terms, capped at each half-year's 2002-law rate. Without it,
        # no interest is claimed from consumers.
        # b2c_contract_rate = "8.00"
        b2c_damages_basis = "balance"  # cap the flat damages on the reminded balance, or per "invoice"

        """

    /// The `[mail]` section of both configurations: the pickup transport, SMTP commented out.
    static let mail = """

        # How e-mail leaves the outbox. A new workspace writes each message as an .eml file to pickup_dir,
        # so nothing reaches a debtor until SMTP is configured on purpose. The environment overrides these
        # settings: RELANCE_SMTP_URL (and selects SMTP), RELANCE_SMTP_TLS, RELANCE_SMTP_USER,
        # RELANCE_SMTP_PASSWORD_FILE, RELANCE_MAIL_FROM.
        [mail]
        transport = "pickup"         # pickup (.eml files) or smtp
        pickup_dir = "out/mail"
        from = ""                    # sender address; empty: company.email
        from_name = ""               # empty: company.name
        reply_to = ""                # empty: company.email
        cc = []                      # visible copy of every message
        bcc = []                     # invisible copy of every message, e.g. an archive mailbox
        # smtp_url = "smtp://mail.example.com:587"   # STARTTLS; or "smtps://mail.example.com:465"
        # smtp_tls = "required"      # required, optional, or none (loopback hosts only)
        # smtp_user = ""
        # smtp_password_file = ""    # owner-only file (chmod 600), or $RELANCE_SMTP_PASSWORD
        # smtp_ca_file = ""          # PEM file of certificate authorities to trust instead of the system's
        # smtp_insecure_skip_verify = false   # true turns certificate checks OFF (logged on every flush)
        rate_per_minute = 0          # messages per minute; 0: no limit
        backoff_min = "5m"           # first retry after a temporary failure, doubling each time
        backoff_max = "4h"
        max_lifetime = "3d"          # then a message that still cannot be delivered bounces
        connect_timeout = "30s"
        timeout = "2m"               # per message
        body_retention_days = 400    # then a sent message keeps its facts (who, when, Message-ID) but not its text; 0: keep

        """

    /// The `[peppol]` section of both configurations: the pickup folder, the access point commented out.
    static let peppol = """

        # Where the billing run's Peppol e-invoices (UBL) go: `relance peppol flush`. A new workspace writes
        # them to pickup_dir/YYYY-MM/NUMBER.xml; "http" posts them to your Peppol access point.
        [peppol]
        transport = "pickup"         # pickup or http
        pickup_dir = "out/peppol"
        # url = "https://ap.example/api/v1/documents"
        # token_env = "RELANCE_PEPPOL_TOKEN"   # the access point's bearer token, from the environment
        # token_file = ""            # … or an owner-only file (chmod 600)

        """

    static let config = header + """
        # The creditor, as printed on letters and in payment instructions.
        [company]
        name = ""                    # legal name, e.g. "Voorbeeld BV"
        enterprise_number = ""       # KBO/BCE number, e.g. "0428.759.497"
        street = ""
        postal_code = ""
        city = ""
        country = "BE"
        iban = ""                    # account debtors pay to, e.g. "BE68 5390 0754 7034"
        bic = ""
        email = ""                   # reply-to address of reminders
        phone = ""
        # Printed on letters when set (remove a line rather than leave it empty):
        # register = "RPR Gent"            # RPR/RPM and the seat of the register (art. III.26 WER)
        # court_seat = "afdeling Gent"     # division of the enterprise court
        # signatory_name = "An Peeters"
        # signatory_function = "Credit controller"
        # Name, street, postal code, city, enterprise number and IBAN are required before any
        # reminder is written: `relance config check` names what is missing.

        [defaults]
        language = "nl"              # for debtors whose export gives none: nl, fr, de or en
        country = "BE"               # for addresses without a country
        currency = "EUR"             # for amounts without a currency
        timezone = "Europe/Brussels" # decides what "today" is for --as-of

        [ingest]
        rejects_dir = "rejects"      # where <file>.rejects.csv files go

        """ + inbox + legal + mail + peppol

    static let demoConfig = header + """
        # Demo workspace: an invented company. Replace before any real use.
        [company]
        name = "Demo Facturatie BV"
        enterprise_number = "0428.759.497"
        street = "Kunstlaan 1"
        postal_code = "1000"
        city = "Brussel"
        country = "BE"
        iban = "BE68 5390 0754 7034"
        bic = "GKCCBEBB"
        email = "boekhouding@demo-facturatie.example"
        phone = "+32 2 123 45 67"
        register = "RPR Brussel"
        court_seat = "Nederlandstalige afdeling Brussel"
        signatory_name = "Els Demo"
        signatory_function = "Credit controller"

        [defaults]
        language = "nl"
        country = "BE"
        currency = "EUR"
        timezone = "Europe/Brussels"

        [ingest]
        rejects_dir = "rejects"

        """ + inbox + """

        # The demo's invented terms contain a damages clause and a 12.50 % rate (capped per half-year).
        [legal]
        b2c_damages_clause = true
        b2c_contract_rate = "12.50"
        b2c_damages_basis = "balance"

        """ + mail + peppol
}
