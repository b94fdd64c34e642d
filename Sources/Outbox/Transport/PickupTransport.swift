import Foundation

/// Writes each message as an `.eml` file into a folder, for a person or another program to pick
/// up. The default of a new workspace, so nothing reaches a debtor until SMTP is set up.
///
/// The file is named after the `Message-ID` and written atomically (a temporary file renamed into
/// place), so a resend after a crash replaces the same file instead of adding a second one.
package final class PickupTransport: MailTransport {
    /// The folder.
    package let directory: String
    package var name: String { "pickup \(directory)" }

    /// A transport writing to `directory` (created owner-only when missing).
    package init(directory: String) {
        self.directory = directory
    }

    /// The file name for a `Message-ID`: its local part with anything unusual replaced.
    package static func fileName(for messageID: String) -> String {
        let local = messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>")).split(separator: "@").first ?? "message"
        let safe = local.unicodeScalars.map { c -> Character in
            (c.isASCII && (CharacterSet.alphanumerics.contains(c) || c == "." || c == "-" || c == "_")) ? Character(c) : "_"
        }
        return String(safe) + ".eml"
    }

    package func send(_ message: [UInt8], envelope: Envelope, beforeEnd: () -> Bool) -> DeliveryResult {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            return DeliveryResult(.unavailable(reason: "cannot create the pickup folder: \(error.localizedDescription)"))
        }
        let name = PickupTransport.fileName(for: envelope.messageID)
        let final = (directory as NSString).appendingPathComponent(name)
        let temp = (directory as NSString).appendingPathComponent("." + name + ".tmp")
        guard fm.createFile(atPath: temp, contents: Data(message), attributes: [.posixPermissions: 0o600]) else {
            return DeliveryResult(.unavailable(reason: "cannot write to the pickup folder"))
        }
        guard beforeEnd() else {
            unlink(temp)
            return DeliveryResult(.deferred(reason: "abandoned: the previous outcome could not be recorded"))
        }
        guard rename(temp, final) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            return DeliveryResult(.unavailable(reason: "cannot move the message into the pickup folder: \(reason)"))
        }
        let ok = SMTPReply(code: 250, text: "written to the pickup folder")
        return DeliveryResult(.accepted(reply: "pickup: \(name)"),
                              recipientReplies: Dictionary(envelope.recipients.map { ($0, ok) }, uniquingKeysWith: { a, _ in a }))
    }

    package func close() {}
}
