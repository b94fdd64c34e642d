import Foundation
import Testing

/// A real SMTP server on 127.0.0.1 (`Servers/smtp_server.py`, Debian's python3-aiosmtpd) with
/// fault injection; started per test, always stopped, every wait bounded.
final class SMTPServer: @unchecked Sendable {
    static let python = "/usr/bin/python3"
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Servers").path

    /// True when `/usr/bin/python3` can import aiosmtpd (Debian: `apt-get install python3-aiosmtpd`),
    /// and always with `RELANCE_REQUIRE_TOOLS=1` (CI): then a missing server fails the tests instead
    /// of skipping them.
    static let isAvailable: Bool = {
        if RequiredTools.on { return true }
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? run(python, ["-c", "import aiosmtpd"]).status) == 0
    }()

    static let skipReason: Comment = "needs /usr/bin/python3 with aiosmtpd (apt-get install python3-aiosmtpd)"

    let dir: String
    let port: Int
    private let process: Process

    /// Starts a server with `flags` (see `smtp_server.py`), waiting at most 10 s for it to listen.
    init(_ flags: [String] = []) throws {
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
        let deadline = Date().addingTimeInterval(10)
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
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// The messages saved so far, in arrival order.
    func received() throws -> [Received] {
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
    func waitFor(_ count: Int, timeout: Double = 10) throws -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let r = try received()
            if r.count >= count { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try received()
    }

    /// The connection and command log (`connect`, `mail`, `rcpt`, `data`, `drop`, `auth ok`, …).
    func events() -> [String] {
        ((try? String(contentsOfFile: dir + "/received/events.log", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs a program to completion (bounded by its own nature: short tools only).
    @discardableResult
    static func run(_ exe: String, _ args: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }
}

/// A message as the server received it, with Python's reading of it.
struct Received: Decodable {
    var mail_from: String
    var rcpt_tos: [String]
    var message: ParsedMail
    var raw: [UInt8] = []

    enum CodingKeys: String, CodingKey { case mail_from, rcpt_tos, message }
}

/// What Python's e-mail parser (`email.policy.default`) makes of a message.
struct ParsedMail: Decodable {
    struct Attachment: Decodable {
        var filename: String?
        var content_type: String
        var data_b64: String
        var bytes: [UInt8] { [UInt8](Data(base64Encoded: data_b64) ?? Data()) }
    }
    var headers: [String: [String]]
    var content_type: String
    var text: String?
    var html: String?
    var attachments: [Attachment]
    var defects: [String]

    /// The single value of a header (lower-case name), nil when absent.
    func header(_ name: String) -> String? { headers[name]?.first }

    /// Parses `bytes` with `Servers/parse_eml.py`.
    static func parse(_ bytes: [UInt8]) throws -> ParsedMail {
        let r = try SMTPServer.run(SMTPServer.python, [SMTPServer.scripts + "/parse_eml.py"], stdin: Data(bytes))
        return try JSONDecoder().decode(ParsedMail.self, from: r.stdout)
    }
}

struct ServerError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Temporary folders, removed by the caller.
enum TestDir {
    static func make(_ label: String) -> String {
        let d = NSTemporaryDirectory() + "relance-outbox-\(label)-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// `RELANCE_REQUIRE_TOOLS=1` (set by .ci/run, and by `make test` under CI=true): every test that
/// would skip for a missing tool (aiosmtpd, the built binary) runs and fails instead.
enum RequiredTools {
    static let on = ProcessInfo.processInfo.environment["RELANCE_REQUIRE_TOOLS"] == "1"
}
