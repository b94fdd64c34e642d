import Foundation
import RelanceTestSupport
import Testing

/// `relance rates`, `config check` and `status` on the legal settings: transcripts with their errors.
@Suite struct RatesCLITests {
    /// Runs each command in the workspace and writes what a user sees: the command, stdout,
    /// stderr (prefixed), the exit code; the temporary path shown as WS.
    func transcript(_ ws: String, _ commands: [[String]]) throws -> String {
        var out = ""
        for args in commands {
            let r = try CLI.run(args + ["--workspace", ws])
            out += "$ relance " + args.joined(separator: " ") + "\n"
            out += r.stdout
            out += r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { "stderr: " + $0 + "\n" }.joined()
            out += "exit \(r.status)\n\n"
        }
        return out.replacingOccurrences(of: ws, with: "WS")
    }

    func demoLikeWorkspace() throws -> (dir: String, ws: String) {
        let dir = CLI.tempDir()
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        // A filled-in identity, so only the rates speak.
        let path = ws + "/relance.toml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (key, value) in [("name", "Voorbeeld BV"), ("enterprise_number", "0428.759.497"), ("street", "Kouter 1"), ("postal_code", "9000"),
                             ("city", "Gent"), ("iban", "BE68 5390 0754 7034")] {
            text = text.replacingOccurrences(of: "\n\(key) = \"\"", with: "\n\(key) = \"\(value)\"")
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, ws)
    }

    @Test func ratesSetAndListTranscript() throws {
        let (dir, ws) = try demoLikeWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t = try transcript(ws, [
            ["config", "check", "--as-of", "2026-06-15"],
            ["config", "check", "--as-of", "2026-06-16"],
            ["config", "check", "--as-of", "2026-12-03"],
            ["rates", "set", "2026-H3", "10.50"],
            ["rates", "set", "2026-H2", "10.505", "--as-of", "2026-12-03"],
            ["rates", "set", "2026-H2", "0", "--as-of", "2026-12-03"],
            ["rates", "set", "2028-H1", "10.50", "--as-of", "2026-12-03"],
            ["rates", "set", "2026-H2", "10,50", "--source", "BS 2026-07-15, Mededeling FOD Financien", "--as-of", "2026-12-03"],
            ["rates", "set", "2026-H2", "10.5", "--source", "again", "--as-of", "2026-12-04"],
            ["rates", "set", "2026-H2", "10.00", "--as-of", "2026-12-04"],
            ["rates", "set", "2026-H2", "10.00", "--replace", "--source", "BS 2026-12-04, erratum", "--as-of", "2026-12-04"],
            ["config", "check", "--as-of", "2026-12-03"],
            ["config", "check", "--as-of", "2026-12-17"],
            ["rates", "set", "2027-H1", "10.00", "--as-of", "2026-12-17"],
            ["rates", "list", "--format", "csv", "--as-of", "2026-12-17"],
            ["config", "check", "--as-of", "2026-12-17"],
        ])
        try assertGolden(t, "rates-transcript.txt")
        let json = try CLI.run(["rates", "list", "--format", "json", "--workspace", ws])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(rows?.last == ["half_year": "2027-H1", "percent": "10.00", "source": "", "set_on": "2026-12-17"])
        #expect(rows?.count == 17)
    }

    @Test func configCheckWithABlankCompanyExits78NamingTheKeys() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        let r = try CLI.run(["config", "check", "--workspace", ws, "--as-of", "2026-03-02"])
        #expect(r.status == 78)
        for key in ["company.name", "company.street", "company.postal_code", "company.city", "company.enterprise_number", "company.iban"] {
            #expect(r.stderr.contains("] \(key): required before any letter or e-mail is written"), "\(key): \(r.stderr)")
        }
        #expect(!r.stdout.contains("ok") && !r.stderr.contains("[rates]"))
        // The demo's invented identity passes.
        let demo = dir + "/demo"
        #expect(try CLI.run(["init", demo, "--demo"]).status == 0)
        let d = try CLI.run(["config", "check", "--workspace", demo, "--as-of", "2026-03-02"])
        #expect(d.status == 0 && d.stdout.hasSuffix("configuration, company identity, ladders and rate table ok\n"), "\(d.stderr)")
    }

    @Test func statusNamesTheMissingHalfYearAndTheCommand() throws {
        let (dir, ws) = try demoLikeWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try CLI.run(["status", "--workspace", ws, "--as-of", "2026-12-20"])
        #expect(s.status == 0)
        #expect(s.stdout.contains("Interest rate missing for 2026-H2 (today's half-year): reminders claiming interest wait; "
            + #"once it is published: relance rates set 2026-H2 <percent> --source "<Belgisch Staatsblad notice>""#))
        #expect(s.stdout.contains("Interest rate not yet set for 2027-H1, which starts on 2027-01-01: relance rates set 2027-H1"))
        #expect(!s.stdout.contains("Company identity incomplete"))
        let fine = try CLI.run(["status", "--workspace", ws, "--as-of", "2026-03-02"])
        #expect(!fine.stdout.contains("Interest rate"))
        try "config_version = 1\n".write(toFile: ws + "/relance.toml", atomically: true, encoding: .utf8)
        let blank = try CLI.run(["status", "--workspace", ws, "--as-of", "2026-03-02"])
        #expect(blank.stdout.contains("Company identity incomplete: company.name, company.street, company.postal_code, company.city, "
            + "company.enterprise_number, company.iban in relance.toml; no reminder is written until they are set"))
    }
}
