import Foundation
import Outbox
import Store

/// The text of `relance outbox show ID`.
enum OutboxShowText {
    static func lines(_ d: OutboxInspector.Detail) -> [String] {
        let r = d.message.record
        var out = ["message \(r.id): \(r.state)"]
        func field(_ name: String, _ value: String?) {
            if let value, !value.isEmpty { out.append(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
        }
        field("key", r.idempotencyKey)
        field("origin", r.origin.rawValue)
        field("queued", r.createdAt)
        if r.lifetimeFrom != r.createdAt { field("requeued", r.lifetimeFrom) }
        field("attempts", String(r.attempts) + (r.lastAttemptAt.map { ", last at \($0)" } ?? ""))
        if r.state == .queued || r.state == .deferred { field("next attempt", r.nextAttemptAt) }
        if r.state == .active { field("leased by", (r.leaseOwner ?? "") + " until " + (r.leaseUntil ?? "")) }
        field("last error", r.lastError)
        field("sent", r.sentAt.map { "\($0): \(r.serverReply ?? "")" })
        field("bounced", r.bounceReason.map { "\(r.bounceKind?.rawValue ?? ""): \($0)" })
        field("cancelled", r.cancelReason)
        field("Message-ID", r.messageIdHeader ?? "(fixed at the first delivery attempt)")
        field("subject", HeaderText.neutralised(r.subject))
        if !d.references.isEmpty { field("concerns", d.references.map { "\($0.kind) \($0.key)" }.joined(separator: ", ")) }
        out.append("")
        out.append("recipients:")
        for rc in d.message.recipients {
            let who = rc.displayName.map { "\(HeaderText.neutralised($0)) <\(rc.address)>" } ?? rc.address
            out.append("  \(rc.kind)\t\(who)\t\(rc.status)\(rc.origin == .config ? " (from config)" : "")\(rc.reply.map { "\t\($0)" } ?? "")")
        }
        if !d.message.attachments.isEmpty {
            out.append("attachments:")
            for a in d.message.attachments {
                let size = a.content.map { "\($0.count) bytes, sha256 \(SHA256.hex([UInt8]($0)).prefix(16))" } ?? "file \(a.path ?? "")"
                out.append("  \(a.filename)\t\(a.contentType)\t\(size)")
            }
        }
        out.append("")
        switch d.headers {
        case .success(let h):
            out.append("headers:")
            out += h.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        case .failure(let e):
            out.append("headers: cannot be built: \(e.message)")
        }
        out.append("")
        out.append("history:")
        for e in d.events {
            let change = e.fromState.map { "\($0.rawValue) → \(e.toState.rawValue)" } ?? e.toState.rawValue
            out.append("  \(e.at)\t\(change)\t\(e.actor)\(e.detail.map { "\t\($0)" } ?? "")")
        }
        return out
    }
}
