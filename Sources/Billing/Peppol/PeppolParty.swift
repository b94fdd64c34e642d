import Foundation
import Ledger
import Store

/// A party of a Peppol document: its Peppol endpoint, VAT number and legal registration.
package struct PeppolParty: Sendable, Equatable {
    /// The name (for people and logs).
    package var name: String
    /// The Peppol endpoint's scheme (`0208` for a Belgian enterprise number) and identifier.
    package var endpointScheme: String
    /// The endpoint id.
    package var endpointID: String
    /// The VAT identifier with its country prefix (`BE0403019261`), when the party has one.
    package var vat: String?
    /// The legal registration (`PartyLegalEntity/CompanyID`) and its scheme (`0208`), when known.
    package var legalID: String?
    /// The legal scheme.
    package var legalScheme: String?
    /// The street.
    package var street: String?
    /// The postal code.
    package var postalCode: String?
    /// The city.
    package var city: String?
    /// ISO 3166-1 alpha-2.
    package var country: String

    /// A party; every field given.
    package init(name: String, endpointScheme: String, endpointID: String, vat: String?, legalID: String?, legalScheme: String?,
                street: String?, postalCode: String?, city: String?, country: String) {
        self.name = name
        self.endpointScheme = endpointScheme
        self.endpointID = endpointID
        self.vat = vat
        self.legalID = legalID
        self.legalScheme = legalScheme
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.country = country
    }

    /// The participant id `scheme:id` the access point routes on.
    package var participantID: String { "\(endpointScheme):\(endpointID)" }
}

/// Why a document cannot go out over Peppol: the rule and what to fix. Nothing is written for it.
package struct PeppolRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule's name (`enterprise-number`, `vat-exemption`, `totals`, `peppol-id`).
    package var rule: String
    /// What is wrong and how to fix it.
    package var message: String

    /// A refusal.
    package init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    /// `[rule] message`.
    package var description: String { "[\(rule)] \(message)" }
}

/// The buyer side of the channel decision: the debtor's identifiers and any choice made for it.
package struct BuyerIdentity: Sendable, Equatable {
    /// `b2b` or `b2c`, as the debtors file says.
    package var kind: String
    /// The country.
    package var country: String
    /// The VAT number.
    package var vatNumber: String?
    /// The channel set with `relance billing channel`, when one was.
    package var channel: InvoiceChannel?
    /// The Peppol participant id set with it (`scheme:id`).
    package var peppolID: String?

    /// An identity; every field given.
    package init(kind: String, country: String, vatNumber: String?, channel: InvoiceChannel?, peppolID: String?) {
        self.kind = kind
        self.country = country
        self.vatNumber = vatNumber
        self.channel = channel
        self.peppolID = peppolID
    }

    /// The channel: the one set for the debtor, else Peppol for a B2B debtor with a Belgian
    /// enterprise (`BE`) VAT number or a Peppol id, else e-mail (consumers, companies without
    /// either: see ``needsEnterpriseNumber``).
    package var resolvedChannel: InvoiceChannel {
        if let channel { return channel }
        guard kind == "b2b" else { return .email }
        if peppolID != nil || vatNumber?.uppercased().hasPrefix("BE") == true { return .peppol }
        return .email
    }

    /// A Belgian B2B debtor left on e-mail because the ledger has no enterprise number for it: since
    /// 1 January 2026 its invoices should go over Peppol, so the run warns.
    package var needsEnterpriseNumber: Bool {
        channel == nil && kind == "b2b" && country == "BE" && peppolID == nil && (vatNumber ?? "").isEmpty
    }

    /// The Peppol endpoint (`scheme`, `id`) and legal registration of a buyer on the Peppol channel.
    /// - Throws: ``PeppolRefusal`` when a Belgian buyer has no valid enterprise number, or a foreign
    ///   one no Peppol id.
    package func endpoint() throws(PeppolRefusal) -> (scheme: String, id: String, enterprise: EnterpriseNumber?) {
        var enterprise: EnterpriseNumber? = nil
        let belgian = country == "BE" || vatNumber?.uppercased().hasPrefix("BE") == true
        if belgian || peppolID?.hasPrefix("0208:") == true {
            let raw = vatNumber ?? peppolID.map { String($0.dropFirst(5)) } ?? ""
            do { enterprise = try EnterpriseNumber(parsing: raw) } catch {
                throw PeppolRefusal(rule: "enterprise-number", message: raw.isEmpty
                    ? "a Belgian B2B debtor on Peppol needs its enterprise number (vat_number in the debtors file)"
                    : "\"\(raw)\" is not a valid Belgian enterprise number: \(error)")
            }
        }
        if let p = peppolID {
            let parts = p.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(\.isNumber), !parts[1].isEmpty else {
                throw PeppolRefusal(rule: "peppol-id", message: "\"\(p)\" is not a Peppol participant id (scheme:id, e.g. 0208:0403019261)")
            }
            if parts[0] == "0208", let e = enterprise, e.digits != parts[1] {
                throw PeppolRefusal(rule: "peppol-id", message: "Peppol id \(p) differs from the enterprise number \(e.digits)")
            }
            return (String(parts[0]), String(parts[1]), enterprise)
        }
        guard let e = enterprise else {
            throw PeppolRefusal(rule: "peppol-id", message: "a foreign debtor on Peppol needs its Peppol id (relance billing channel DEBTOR peppol --peppol-id SCHEME:ID)")
        }
        return ("0208", e.digits, e)
    }
}
