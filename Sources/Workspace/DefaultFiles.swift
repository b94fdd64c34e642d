/// The files `relance init` writes.
enum DefaultFiles {
    static let header = """
        # Relance workspace configuration.
        # Every key is optional unless marked; `relance config check` validates the whole file.
        # Secrets (the SMTP password) never go here: they come from the environment or an owner-only file.
        config_version = 1

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

        [defaults]
        language = "nl"              # for debtors whose export gives none: nl, fr, de or en
        country = "BE"               # for addresses without a country
        currency = "EUR"             # for amounts without a currency
        timezone = "Europe/Brussels" # decides what "today" is for --as-of

        [ingest]
        rejects_dir = "rejects"      # where <file>.rejects.csv files go

        """

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

        [defaults]
        language = "nl"
        country = "BE"
        currency = "EUR"
        timezone = "Europe/Brussels"

        [ingest]
        rejects_dir = "rejects"

        """
}
