import Foundation
import Ledger
import Workspace

/// A line's VAT treatment in EN 16931 terms (UNCL 5305 category, rate, exemption reason code).
package struct VATTreatment: Sendable, Hashable, Comparable {
    /// `S` standard (any rate above 0, 21 % and 6 % in Belgium), `AE` reverse charge, `E` exempt,
    /// `K` intra-community, `G` export, `O` outside the scope, `Z` zero rated.
    package var category: String
    /// The rate as configured (`21`, `6`, `0`).
    package var rate: VATRate
    /// The VATEX code (`VATEX-EU-AE`) for a rate of 0, which every 0 % line must have.
    package var exemption: String?

    /// The treatment of a line: category from the rate and the exemption code.
    /// - Throws: ``PeppolRefusal`` (`vat-exemption`) for 0 % without a code, or a code with a rate above 0.
    package init(rate: VATRate, exemption: String?) throws(PeppolRefusal) {
        let r = rate.percent
        self.rate = rate
        let code = exemption?.trimmingCharacters(in: .whitespaces).uppercased()
        if r > 0 {
            if let code, !code.isEmpty {
                throw PeppolRefusal(rule: "vat-exemption", message: "VAT rate \(rate) % with exemption \(code): an exemption needs a rate of 0")
            }
            category = "S"
            self.exemption = nil
            return
        }
        guard let code, !code.isEmpty else {
            throw PeppolRefusal(rule: "vat-exemption", message: "VAT rate 0 % without an exemption reason (vat_exemption, e.g. VATEX-EU-AE)")
        }
        guard code.hasPrefix("VATEX-") else {
            throw PeppolRefusal(rule: "vat-exemption", message: "\"\(code)\" is not a VATEX exemption reason code (e.g. VATEX-EU-AE)")
        }
        self.exemption = code
        switch code {
        case "VATEX-EU-AE": category = "AE"
        case "VATEX-EU-IC": category = "K"
        case "VATEX-EU-G": category = "G"
        case "VATEX-EU-O": category = "O"
        default: category = "E"
        }
    }

    /// The treatment of a rate given as text (`21`, `5.5`).
    /// - Throws: ``PeppolRefusal`` (`vat-rate`) when the text is not a rate, and as ``init(rate:exemption:)``.
    package init(rate text: String, exemption: String?) throws(PeppolRefusal) {
        guard let rate = VATRate(text) else { throw PeppolRefusal(rule: "vat-rate", message: "\"\(text)\" is not a VAT rate") }
        try self.init(rate: rate, exemption: exemption)
    }

    /// Ordered by category, then rate.
    package static func < (a: VATTreatment, b: VATTreatment) -> Bool {
        (a.category, a.rate.percent) < (b.category, b.rate.percent)
    }
}
