import Foundation

/// Which rate the interest was computed at: the words a letter uses to name it.
package enum RateBasis: String, Sendable, Equatable, CaseIterable {
    /// The rate of the Law of 2 August 2002 (B2B, or a consumer at the cap without a contractual rate).
    case statutory
    /// A contractual rate (B2B, or a consumer's under the cap).
    case contractual
    /// A consumer's contractual rate, capped at the 2002-law rate in at least one half-year.
    case consumerCapped

    /// The rate named in `language` (nl, fr, de, en; others get English), with the percentages
    /// charged: nl "de interestvoet van de wet van 2 augustus 2002 (10,50 %)".
    package func words(language: String, rates: [Decimal]) -> String {
        let comma = language != "en"
        let shown = rates.map { r -> String in
            let s = RateTable.format(r)
            // `RateTable.format` writes ASCII digits and a point: the comma replaces that byte
            // (issue 17, tenth round: through Foundation's `replacingOccurrences`, once a reminder).
            return comma ? String(decoding: s.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: ",") : $0 }, as: UTF8.self) + " %" : s + "%"
        }.joined(separator: " / ")
        let text: String
        switch (self, language) {
        case (.statutory, "nl"): text = "de interestvoet van de wet van 2 augustus 2002"
        case (.statutory, "fr"): text = "le taux d'intérêt de la loi du 2 août 2002"
        case (.statutory, "de"): text = "der Zinssatz des Gesetzes vom 2. August 2002"
        case (.statutory, _): text = "the interest rate of the Law of 2 August 2002"
        case (.contractual, "nl"): text = "de contractuele rentevoet"
        case (.contractual, "fr"): text = "le taux d'intérêt contractuel"
        case (.contractual, "de"): text = "der vertragliche Zinssatz"
        case (.contractual, _): text = "the contractual interest rate"
        case (.consumerCapped, "nl"): text = "de contractuele rentevoet, beperkt tot de interestvoet van de wet van 2 augustus 2002"
        case (.consumerCapped, "fr"): text = "le taux d'intérêt contractuel, plafonné au taux de la loi du 2 août 2002"
        case (.consumerCapped, "de"): text = "der vertragliche Zinssatz, begrenzt auf den Zinssatz des Gesetzes vom 2. August 2002"
        case (.consumerCapped, _): text = "the contractual interest rate, capped at the rate of the Law of 2 August 2002"
        }
        return shown.isEmpty ? text : "\(text) (\(shown))"
    }
}
