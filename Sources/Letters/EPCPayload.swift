import Ledger

/// The text of an EPC "scan to pay" QR code (EPC069-12, SEPA credit transfer), as Belgian banking
/// apps read it: version 002, UTF-8 (character set 1), identification `SCT`, elements separated
/// by LF and trailing empty elements left out. Rules and sources: `belgian-rules.md` §4.
package enum EPCPayload {
    /// Where a Belgian structured communication (OGM) goes in the payload.
    package enum OGMPlacement: Sendable {
        /// Element 11 (unstructured remittance) as `+++123/4567/89002+++`, which Belgian banking
        /// apps recognise and turn back into a structured communication.
        case unstructured
        /// Element 10 (structured remittance), in the same `+++123/4567/89002+++` form, as Odoo does.
        case structured
    }

    /// Why a payload cannot be made. Messages name the element and the limit, never the content.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The beneficiary name is empty.
        case nameEmpty
        /// The beneficiary name has more than 70 characters (the count found).
        case nameTooLong(Int)
        /// A line break or another control character inside an element (the element number).
        case controlCharacter(element: Int)
        /// The BIC is not 8 or 11 letters and digits shaped like a BIC.
        case bic
        /// The IBAN's country is outside the EEA, where the BIC stays mandatory (the country).
        case bicRequired(country: String)
        /// The IBAN's country is not in the SEPA scheme (the country).
        case ibanOutsideSEPA(country: String)
        /// The amount is not in euros (the currency code).
        case currency(String)
        /// The amount is not between EUR 0.01 and EUR 999999999.99.
        case amountOutOfRange
        /// The reference is neither a valid structured communication nor a valid RF reference.
        case reference(String)
        /// A reference and a free text would both need element 11 (or 10 and 11 both used).
        case referenceAndText
        /// The unstructured remittance text has more than 140 characters (the count found).
        case textTooLong(Int)
        /// The beneficiary-to-originator information has more than 70 characters (the count found).
        case informationTooLong(Int)
        /// The whole payload is over 331 bytes of UTF-8 (the count found).
        case tooLong(Int)

        /// What is wrong and how to fix it.
        package var description: String {
            switch self {
            case .nameEmpty: "the EPC beneficiary name (element 6) is empty"
            case .nameTooLong(let n): "the EPC beneficiary name (element 6) has \(n) characters, at most 70 are allowed"
            case .controlCharacter(let e): "EPC element \(e) contains a line break or control character"
            case .bic: "the BIC must have 8 or 11 characters: 4 letters (bank), 2 letters (country), 2 and optionally 3 letters or digits"
            case .bicRequired(let c): "an EPC code for a \(c) IBAN needs a BIC: it is optional only within the EEA"
            case .ibanOutsideSEPA(let c): "a \(c) IBAN cannot receive a SEPA credit transfer"
            case .currency(let c): "an EPC code carries euro amounts only, not \(c)"
            case .amountOutOfRange: "the EPC amount must be between EUR 0.01 and EUR 999999999.99"
            case .reference(let why): "the payment reference is not usable: \(why)"
            case .referenceAndText: "an EPC code holds a reference or a free text (element 10 or 11, never both); put the text in `information` (element 12)"
            case .textTooLong(let n): "the EPC remittance text (element 11) has \(n) characters, at most 140 are allowed"
            case .informationTooLong(let n): "the EPC information (element 12) has \(n) characters, at most 70 are allowed"
            case .tooLong(let n): "the EPC payload has \(n) bytes, at most 331 are allowed; shorten the name or the text"
            }
        }
    }

    /// The largest payload, in UTF-8 bytes (byte-mode capacity of QR version 13 at level M).
    package static let maxBytes = 331

    /// Builds the payload.
    ///
    /// - Parameters:
    ///   - name: beneficiary (element 6), at most 70 characters.
    ///   - iban: beneficiary account (element 7), from a SEPA country.
    ///   - bic: optional in version 002 for EEA accounts (element 5).
    ///   - amount: euros, EUR 0.01 to EUR 999999999.99, written `EUR12.34` (element 8).
    ///   - reference: a Belgian structured communication (placed per `ogmPlacement`) or an ISO 11649
    ///     RF reference (always element 10).
    ///   - text: free remittance text (element 11, at most 140 characters) when there is no reference.
    ///   - information: beneficiary-to-originator information (element 12, at most 70 characters),
    ///     shown to the payer by some apps, never sent to the bank.
    ///   - ogmPlacement: element 11 (default) or 10 for a structured communication.
    /// - Throws: ``Problem``.
    package static func make(
        name: String, iban: IBAN, bic: String?, amount: Money, reference: String?, text: String?,
        information: String? = nil, ogmPlacement: OGMPlacement = .unstructured
    ) throws -> String {
        let beneficiary = trimmed(name)
        guard !beneficiary.isEmpty else { throw Problem.nameEmpty }
        try checkPlain(beneficiary, element: 6)
        let nameLength = beneficiary.unicodeScalars.count
        guard nameLength <= 70 else { throw Problem.nameTooLong(nameLength) }

        let country = iban.country
        guard sepaCountries.contains(country) else { throw Problem.ibanOutsideSEPA(country: country) }
        let bicField = try bicElement(bic, country: country)
        let amountField = try amountElement(amount)
        let remit = try remittance(reference, placement: ogmPlacement)
        let structured = remit.structured
        var unstructured = remit.unstructured

        if let text = text.map(trimmed), !text.isEmpty {
            guard structured.isEmpty, unstructured.isEmpty else { throw Problem.referenceAndText }
            try checkPlain(text, element: 11)
            let n = text.unicodeScalars.count
            guard n <= 140 else { throw Problem.textTooLong(n) }
            unstructured = text
        }
        var info = ""
        if let information = information.map(trimmed), !information.isEmpty {
            try checkPlain(information, element: 12)
            let n = information.unicodeScalars.count
            guard n <= 70 else { throw Problem.informationTooLong(n) }
            info = information
        }

        var elements = [
            "BCD", "002", "1", "SCT", bicField, beneficiary, iban.value, amountField, "", structured, unstructured, info,
        ]
        while let last = elements.last, last.isEmpty { elements.removeLast() }
        let payload = elements.joined(separator: "\n")
        let bytes = payload.utf8.count
        guard bytes <= maxBytes else { throw Problem.tooLong(bytes) }
        return payload
    }

    /// `EUR1234.56`: always two decimals, a point, no grouping.
    static func amountElement(_ amount: Money) throws -> String {
        guard amount.currency == .eur else { throw Problem.currency(amount.currency.code) }
        guard (1...99_999_999_999).contains(amount.minorUnits) else { throw Problem.amountOutOfRange }
        return "EUR" + amount.decimalString
    }

    /// The BIC, upper-cased, or empty when absent (allowed in version 002 within the EEA).
    static func bicElement(_ bic: String?, country: String) throws -> String {
        guard let raw = bic.map(trimmed), !raw.isEmpty else {
            guard eeaCountries.contains(country) else { throw Problem.bicRequired(country: country) }
            return ""
        }
        let value = raw.uppercased()
        let u = Array(value.utf8)
        let letter: (UInt8) -> Bool = { $0 >= 65 && $0 <= 90 }
        let alnum: (UInt8) -> Bool = { letter($0) || ($0 >= 48 && $0 <= 57) }
        guard u.count == 8 || u.count == 11, u[0..<6].allSatisfy(letter), u[6...].allSatisfy(alnum) else {
            throw Problem.bic
        }
        return value
    }

    /// Elements 10 and 11 for a reference.
    static func remittance(_ reference: String?, placement: OGMPlacement) throws -> (structured: String, unstructured: String) {
        guard let raw = reference.map(trimmed), !raw.isEmpty else { return ("", "") }
        if raw.uppercased().hasPrefix("RF") {
            do {
                return (try CreditorReference(parsing: raw).value, "")
            } catch {
                throw Problem.reference("\(error)")
            }
        }
        do {
            let ogm = try StructuredReference(parsing: raw).formatted
            return placement == .structured ? (ogm, "") : ("", ogm)
        } catch {
            throw Problem.reference("\(error)")
        }
    }

    static func checkPlain(_ text: String, element: Int) throws {
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) }) else {
            throw Problem.controlCharacter(element: element)
        }
    }

    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub = sub.dropLast() }
        return String(sub)
    }

    /// EU and EEA countries, where version 002 lets the BIC be left out.
    static let eeaCountries: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
    ]

    /// Countries in the SEPA credit transfer scheme: the EEA, the long-standing non-EEA members,
    /// and the Western Balkan and Moldovan members admitted in 2024–2025.
    static let sepaCountries: Set<String> = eeaCountries.union([
        "CH", "GB", "GI", "MC", "SM", "VA", "AD", "AL", "MD", "ME", "MK", "RS",
    ])
}
