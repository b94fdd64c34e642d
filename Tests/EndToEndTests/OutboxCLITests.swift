import Foundation
import RelanceTestSupport
import Testing

/// `relance outbox …` as an operator uses it: steering the queue and the exit codes.
@Suite(.tags(.slow), .requires(.relance))
struct OutboxCLITests {
    @Test func theQueueCanBeInspectedAndSteeredFromTheCommandLine() throws {
        let dir = TestDir.make("cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_MAIL_FROM": "boekhouding@facturatie.example"]
        func relance(_ args: String..., extra: [String: String] = [:]) throws -> RelanceBinary.Result {
            try RelanceBinary.run(args, env: env.merging(extra) { $1 }, logDir: dir)
        }
        #expect(try relance("init", ws).status == 0)
        #expect(try relance("outbox", "list").stderr == "the outbox is empty\n")
        try Fixture.pdf(3_000).write(to: URL(fileURLWithPath: dir + "/letter.pdf"))
        let lines = [
            #"{"key":"k1","to":[{"address":"jan@klant.example","name":"Jan Peeters"}],"subject":"Herinnering F-1","text":"Beste,","attachments":[{"path":"letter.pdf"}],"invoices":["F-1"]}"#,
            #"{"key":"k2","to":[{"address":"zofia@klant.example","name":"Zofia Łukasiewicz"}],"subject":"Rappel : échéance","text":"Bonjour","html":"<p>Bonjour</p>"}"#,
            #"{"key":"k3","to":[{"address":"not an address"}],"subject":"x","text":"y"}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: dir + "/msgs.jsonl", atomically: true, encoding: .utf8)
        let queued = try relance("outbox", "enqueue", dir + "/msgs.jsonl")
        #expect(queued.status == 65)
        #expect(queued.stdout == "msgs.jsonl: queued 2, already queued 0, rejected 1\n")
        #expect(queued.stderr == "msgs.jsonl:3:0: error: [outbox-message] [to] address 1 is not an ASCII e-mail address\n")

        #expect(try relance("outbox", "hold", "1").stdout == "1: queued → hold\n")
        let again = try relance("outbox", "hold", "1", "99")
        #expect(again.status == 64)
        #expect(again.stderr == "error: message 1: already on hold\nerror: no outbox message 99\n")
        let dry = try relance("outbox", "flush", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("1 message(s) due") && dry.stdout.contains("  2\tqueued\tattempt 1"))
        let flushed = try relance("outbox", "flush")
        #expect(flushed.status == 0)
        #expect(flushed.stdout == "outbox flush via pickup \(ws)/out/mail: sent 1, deferred 0, bounced 0, expired 0, cannot be built 0\n")
        let held = try relance("outbox", "list", "--state", "hold")
        #expect(held.stdout.hasPrefix("1\thold\t0\t") && held.stdout.contains("jan@klant.example"))
        #expect(try relance("outbox", "release", "1").stdout == "1: hold → queued\n")
        #expect(try relance("outbox", "flush").stdout.contains("sent 1"))
        let requeue = try relance("outbox", "requeue", "1")
        #expect(requeue.status == 65 && requeue.stderr.contains("already sent; requeueing it would send it twice"))

        let show = try relance("outbox", "show", "2")
        #expect(show.status == 0)
        for part in ["message 2: sent", "Message-ID   <relance.", "subject      Rappel : échéance",
                     "  to\tZofia Łukasiewicz <zofia@klant.example>\tsent", "  Subject: =?UTF-8?B?", "history:", "active → sent"] {
            #expect(show.stdout.contains(part), "show lacks \(part)")
        }
        let export = try relance("outbox", "export", "1", "--out", dir + "/1.eml")
        #expect(export.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: ws + "/out/mail").filter { $0.hasSuffix(".eml") }
        #expect(files.count == 2)
        let exported = try Data(contentsOf: URL(fileURLWithPath: dir + "/1.eml"))
        #expect(files.contains { (try? Data(contentsOf: URL(fileURLWithPath: ws + "/out/mail/" + $0))) == exported })
        #expect(try relance("outbox", "show", "42").status == 64)
        #expect(try relance("runs", "list").stdout.contains("outbox flush"))
    }

    @Test func configurationAndServerProblemsHaveTheirExitCodes() throws {
        let dir = TestDir.make("cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try RelanceBinary.run(["init", ws], env: [:], logDir: dir).status == 0)
        let base = ["RELANCE_WORKSPACE": ws]
        // No sender configured anywhere.
        let noSender = try RelanceBinary.run(["outbox", "flush"], env: base, logDir: dir)
        #expect(noSender.status == 78 && noSender.stderr.contains("mail.from"))
        var env = base
        env["RELANCE_MAIL_FROM"] = "boekhouding@facturatie.example"
        // Plain text to a host that is not loopback is refused before anything is sent.
        env["RELANCE_SMTP_URL"] = "smtp://mail.voorbeeld.example:25"
        env["RELANCE_SMTP_TLS"] = "none"
        let plain = try RelanceBinary.run(["outbox", "flush"], env: env, logDir: dir)
        #expect(plain.status == 78 && plain.stderr.contains("loopback"))
        env["RELANCE_SMTP_TLS"] = "sometimes"
        #expect(try RelanceBinary.run(["outbox", "flush"], env: env, logDir: dir).status == 78)
        // A server that is down: 69, and the message waits.
        let json = #"{"key":"k1","to":[{"address":"jan@klant.example"}],"subject":"s","text":"t"}"#
        try json.write(toFile: dir + "/m.jsonl", atomically: true, encoding: .utf8)
        #expect(try RelanceBinary.run(["outbox", "enqueue", dir + "/m.jsonl"], env: env, logDir: dir).status == 0)
        let server = try SMTPServerPort.closed()
        env["RELANCE_SMTP_URL"] = "smtp://127.0.0.1:\(server)"
        env["RELANCE_SMTP_TLS"] = "none"
        let down = try RelanceBinary.run(["outbox", "flush"], env: env, logDir: dir)
        #expect(down.status == 69 && down.stderr.contains("unavailable"))
        let list = try RelanceBinary.run(["outbox", "list"], env: env, logDir: dir)
        #expect(list.stdout.hasPrefix("1\tdeferred\t1\t"))
        // Certificate checks off is said loudly.
        env["RELANCE_SMTP_TLS"] = "required"
        try "[mail]\nsmtp_insecure_skip_verify = true\n".write(toFile: ws + "/relance.toml", atomically: true, encoding: .utf8)
        let insecure = try RelanceBinary.run(["outbox", "flush"], env: env, logDir: dir)
        #expect(insecure.stderr.contains("warning: TLS certificate verification is OFF"))
    }
}

/// A loopback port nothing listens on.
enum SMTPServerPort {
    static func closed() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("no socket") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw ServerError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
