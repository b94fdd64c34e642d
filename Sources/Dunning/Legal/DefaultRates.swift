/// The shipped rate table (belgian-rules.md §1.2, with the sources read there), copied into a new
/// workspace as `rates.toml`.
package enum DefaultRates {
    /// The comment block at the top of every rates file: what the rates are and how to add one.
    package static let header = """
        # Interest rate for late payment in commercial transactions (Law of 2 August 2002, art. 5):
        # the ECB main refinancing rate on 1 January / 1 July + 8 points, rounded up to the half point,
        # as announced by the Minister of Finance in the Belgisch Staatsblad / Moniteur belge. Percent per year.
        # The same rate caps the interest claimed from consumers (Book XIX, art. XIX.4).
        #
        # Add each new half-year when it is published, with where you read it:
        #   relance rates set 2027-H1 10.50 --source "BS 2027-01-xx, Mededeling FOD Financien"
        # A half-year without a rate holds only the reminders that claim interest for it (exit 79).
        # `relance rates list` shows the table; entries are "half-year" = { rate, source, set_on }.

        """

    /// The whole shipped file: the header and every published rate 2019-H1 to 2026-H1 with its source.
    package static let toml = header + """
        [b2b_late_payment]
        "2019-H1" = { rate = "8.00", source = "https://vanostaeyen.eu/blog/intrestvoet-betalingsachterstand-handelstransacties-blijft-8" }
        "2019-H2" = { rate = "8.00", source = "Mededeling FOD Financien, BS 18-07-2019" }
        "2020-H1" = { rate = "8.00", source = "https://fidelium.eu (8 % since 2016-H2)" }
        "2020-H2" = { rate = "8.00", source = "https://fidelium.eu (8 % since 2016-H2)" }
        "2021-H1" = { rate = "8.00", source = "https://bouwunielimburg.be (8 % from 2016-H2 to early 2023)" }
        "2021-H2" = { rate = "8.00", source = "https://bouwunielimburg.be (8 % from 2016-H2 to early 2023)" }
        "2022-H1" = { rate = "8.00", source = "https://schoups.be (voor 2022 8 %)" }
        "2022-H2" = { rate = "8.00", source = "https://schoups.be (voor 2022 8 %)" }
        "2023-H1" = { rate = "10.50", source = "Mededeling, BS 17-03-2023" }
        "2023-H2" = { rate = "12.00", source = "MB 29-09-2023" }
        "2024-H1" = { rate = "12.50", source = "https://www.medenam.be/?p=182" }
        "2024-H2" = { rate = "12.50", source = "MB 30-07-2024" }
        "2025-H1" = { rate = "11.50", source = "https://www.lawbase.be/tools/wettelijke-interest" }
        "2025-H2" = { rate = "10.50", source = "https://www.lawbase.be/tools/wettelijke-interest" }
        "2026-H1" = { rate = "10.50", source = "https://embuild.be (le taux applicable en 2026)" }

        """
}
