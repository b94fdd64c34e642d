import Foundation

/// One UBL document handed to a Peppol transport.
package struct PeppolOutgoing: Sendable, Equatable {
    /// The `peppol_document` row.
    package var id: Int64
    /// The invoice number.
    package var invoiceNumber: String
    /// `invoice` or `credit_note`.
    package var documentType: String
    /// `YYYY-MM`, the pickup sub-folder.
    package var period: String
    /// The receiver's participant id, `scheme:id`.
    package var receiver: String
    /// Names the document for the access point, so a resend after a crash is recognisable.
    package var idempotencyKey: String
    /// The UBL document's bytes.
    package var xml: [UInt8]

    /// A document.
    package init(id: Int64, invoiceNumber: String, documentType: String, period: String, receiver: String, idempotencyKey: String,
                xml: [UInt8]) {
        self.id = id
        self.invoiceNumber = invoiceNumber
        self.documentType = documentType
        self.period = period
        self.receiver = receiver
        self.idempotencyKey = idempotencyKey
        self.xml = xml
    }
}

/// What one attempt came to.
package enum PeppolOutcome: Sendable, Equatable {
    /// Taken: the access point's (or the folder's) answer, recorded on the document.
    case accepted(reply: String)
    /// Refused for good (a 4xx with the access point's reason): the document bounces.
    case rejected(reason: String)
    /// A temporary failure (a 5xx, 408 or 429, a timeout, a dropped connection): tried again later.
    case deferred(reason: String)
    /// The access point cannot be used at all (connection refused, TLS failure, no token): the
    /// document is deferred and the flush stops.
    case unavailable(reason: String)
}

/// Hands UBL documents to the Peppol network (or a folder). One instance serves one flush.
package protocol PeppolTransport: AnyObject {
    /// For logs and summaries (`pickup out/peppol`, `https://ap.example/…`); no secrets.
    var name: String { get }
    /// Delivers one document. Never throws: every failure is an outcome.
    func send(_ document: PeppolOutgoing) -> PeppolOutcome
}

/// Writes each document to `DIR/YYYY-MM/NUMBER.xml`, atomically (a temporary file renamed into
/// place), for a person or an access point's client to pick up. The default transport.
package final class PeppolPickupTransport: PeppolTransport {
    /// The folder (absolute).
    package let directory: String
    /// The name (for people and logs).
    package var name: String { "pickup \(directory)" }

    /// A transport writing under `directory` (created owner-only when missing).
    package init(directory: String) { self.directory = directory }

    /// `NUMBER.xml` with anything unusual in the number replaced.
    package static func fileName(_ number: String) -> String {
        String(number.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" }) + ".xml"
    }

    /// Delivers one document; never throws.
    package func send(_ d: PeppolOutgoing) -> PeppolOutcome {
        let folder = (directory as NSString).appendingPathComponent(d.period)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return .unavailable(reason: "cannot create the pickup folder \(folder)")
        }
        let name = PeppolPickupTransport.fileName(d.invoiceNumber)
        let final = (folder as NSString).appendingPathComponent(name)
        let temp = (folder as NSString).appendingPathComponent("." + name + ".tmp")
        guard FileManager.default.createFile(atPath: temp, contents: Data(d.xml), attributes: [.posixPermissions: 0o600]) else {
            return .unavailable(reason: "cannot write to the pickup folder \(folder)")
        }
        guard rename(temp, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            return .unavailable(reason: "cannot move the document into the pickup folder: \(reason)")
        }
        return .accepted(reply: "pickup: \(d.period)/\(name)")
    }
}
