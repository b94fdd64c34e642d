import Foundation
import Testing

/// A real SMTP server on 127.0.0.1 (`Servers/smtp_server.py`, Debian's python3-aiosmtpd) with
/// fault injection; started per test, always stopped, every wait bounded.
package final class SMTPServer: @unchecked Sendable {
    /// The Python the helper servers run with.
    package static let python = "/usr/bin/python3"
    /// The folder of the helper scripts (`Tests/RelanceTestSupport/Servers`).
    package static let scripts = TestPaths.servers

    /// True when the SMTP tests must run: aiosmtpd is there, or skipping is forbidden
    /// (`RELANCE_REQUIRE_TOOLS=1`), in which case a missing server fails them.
    package static var isAvailable: Bool { RequiredTools.runnable([.aiosmtpd]) }

    /// Why the SMTP tests are skipped on a machine without aiosmtpd.
    package static let skipReason: Comment = "needs /usr/bin/python3 with aiosmtpd (apt-get install python3-aiosmtpd)"

    /// The server's folder (received messages, port file).
    package let dir: String
    /// The loopback port it listens on.
    package let port: Int
    private let process: Process

    /// Starts a server with `flags` (see `smtp_server.py`), waiting at most 30 s for it to listen:
    /// python3 and aiosmtpd took more than 10 s to start on two loaded cores.
    package init(_ flags: [String] = []) throws {
        guard RequiredTool.aiosmtpd.isPresent else { throw ServerError("the test SMTP server needs \(RequiredTool.aiosmtpd)") }
        dir = TestDir.make("smtp")
        let portFile = dir + "/port"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SMTPServer.python)
        p.arguments = [SMTPServer.scripts + "/smtp_server.py", "--out", dir + "/received", "--port-file", portFile,
                       "--max-seconds", "90"] + flags
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let n = Int(text) { found = n; break }
            if !p.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let found else {
            p.terminate()
            throw ServerError("the test SMTP server did not start (flags \(flags))")
        }
        port = found
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Stops the server and waits for it. SIGKILL: the server writes each message atomically, so
    /// there is nothing to lose, and a signal mask inherited from the test runner cannot delay it.
    package func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The server's URL for `SMTPSettings`.
    package var url: String { "smtp://127.0.0.1:\(port)" }

    /// The messages saved so far, in arrival order.
    package func received() throws -> [Received] {
        let folder = dir + "/received"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let json = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            var r = try JSONDecoder().decode(Received.self, from: json)
            r.raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name.replacingOccurrences(of: ".json", with: ".eml"))))
            return r
        }
    }

    /// Waits (at most `timeout` seconds) until `count` messages have arrived.
    package func waitFor(_ count: Int, timeout: Double = 10) throws -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let r = try received()
            if r.count >= count { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try received()
    }

    /// The connection and command log (`connect`, `mail`, `rcpt`, `data`, `drop`, `auth ok`, …).
    package func events() -> [String] {
        ((try? String(contentsOfFile: dir + "/received/events.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs a short program to completion (killed after 60 s): its exit status and standard output.
    @discardableResult
    package static func run(_ exe: String, _ args: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: Data) {
        let r = try ProcessRunner.run(exe, args, stdin: .bytes(stdin ?? Data()), timeout: 60)
        return (r.status, r.stdoutData)
    }
}

/// A message as the server received it, with Python's reading of it.
package struct Received: Decodable {
    /// The envelope sender.
    package var mail_from: String
    /// The envelope recipients.
    package var rcpt_tos: [String]
    /// Python's reading of the message.
    package var message: ParsedMail
    /// The message's bytes as received.
    package var raw: [UInt8] = []

    enum CodingKeys: String, CodingKey { case mail_from, rcpt_tos, message }
}

/// What Python's e-mail parser (`email.policy.default`) makes of a message.
package struct ParsedMail: Decodable {
    /// An attachment: its name, type and bytes (base64 in the JSON).
    package struct Attachment: Decodable {
        /// The file name, when the part has one.
        package var filename: String?
        /// The part's content type.
        package var content_type: String
        /// The content, base64.
        package var data_b64: String
        /// The content's bytes.
        package var bytes: [UInt8] { [UInt8](Data(base64Encoded: data_b64) ?? Data()) }
    }
    /// Header values by lower-case name.
    package var headers: [String: [String]]
    /// The top-level content type.
    package var content_type: String
    /// The text/plain body.
    package var text: String?
    /// The text/html body.
    package var html: String?
    /// The attachments.
    package var attachments: [Attachment]
    /// The parser's complaints.
    package var defects: [String]

    /// The single value of a header (lower-case name), nil when absent.
    package func header(_ name: String) -> String? { headers[name]?.first }

    /// Parses `bytes` with `Servers/parse_eml.py`.
    package static func parse(_ bytes: [UInt8]) throws -> ParsedMail {
        let r = try SMTPServer.run(SMTPServer.python, [SMTPServer.scripts + "/parse_eml.py"], stdin: Data(bytes))
        return try JSONDecoder().decode(ParsedMail.self, from: r.stdout)
    }
}

/// A test helper server or program that did not do its part.
package struct ServerError: Error, CustomStringConvertible {
    /// What went wrong.
    package let description: String
    /// An error saying `d`.
    package init(_ d: String) { description = d }
}

/// Temporary folders for the outbox and end-to-end tests (`relance-outbox-<label>-<uuid>`), removed by the caller.
package enum TestDir {
    /// Creates one and returns its path.
    package static func make(_ label: String) -> String { TemporaryDirectory.make("outbox-" + label) }
}
