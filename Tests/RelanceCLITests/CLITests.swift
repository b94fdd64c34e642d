import Foundation
import RelanceTestSupport
import Testing

@Suite struct CLITests {
    @Test(arguments: [
        (["--help"], "help.txt"), (["ingest", "invoices", "--help"], "help-ingest-invoices.txt"),
        (["init", "--help"], "help-init.txt"), (["peppol", "flush", "--help"], "help-peppol-flush.txt"), (["nightly", "--help"], "help-nightly.txt"),
        (["dunning", "run", "--help"], "help-dunning-run.txt"), (["dunning", "preview", "--help"], "help-dunning-preview.txt"),
        (["rates", "set", "--help"], "help-rates-set.txt"), (["config", "check", "--help"], "help-config-check.txt"),
        (["debtor", "erase", "--help"], "help-debtor-erase.txt"),
    ])
    func helpTextIsPinned(_ args: [String], _ golden: String) throws {
        let r = try CLI.run(args)
        #expect(r.status == 0)
        try assertGolden(r.stdout, golden)
    }

    @Test func ingestTranscript() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        let debtors = try CLI.run(["ingest", "debtors", CLI.fixtures + "/debtors-nl.csv", "--as-of", "2026-11-21"], env: ["RELANCE_WORKSPACE": ws])
        #expect(debtors.status == 0)
        #expect(debtors.stdout == "debtors-nl.csv: read 5, imported 5, updated 0, unchanged 0, rejected 0\n")
        #expect(debtors.stderr == "debtors-nl.csv:1:12: warning: [unknown-column] column \"Segment\" is not used\n")

        let bad = try CLI.run(["ingest", "invoices", "--workspace", ws, CLI.fixtures + "/invoices-bad.csv", "--as-of", "2026-11-21"])
        #expect(bad.status == 65)
        #expect(bad.stdout.hasPrefix("invoices-bad.csv: read 12, imported 2, updated 0, unchanged 0, rejected 10\n"))
        #expect(bad.stdout.contains("rejected rows kept verbatim in \(ws)/rejects/invoices-bad.csv.rejects.csv"))
        try assertGolden(bad.stderr, "ingest-invoices-bad.stderr")

        let json = try CLI.run(["ingest", "invoices", "--workspace", ws, "--format", "json", CLI.fixtures + "/invoices-en.csv", CLI.fixtures + "/invoices-bad.csv"])
        #expect(json.status == 65)
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(Set(obj?.keys.map { $0 } ?? []) == ["file", "read", "imported", "updated", "unchanged", "rejected"])
        }
        #expect(lines[0] == #"{"file":"invoices-en.csv","read":3,"imported":3,"updated":0,"unchanged":0,"rejected":0}"#)
        #expect(lines[1] == #"{"file":"invoices-bad.csv","read":12,"imported":0,"updated":0,"unchanged":2,"rejected":10}"#)

        let again = try CLI.run(["ingest", "debtors", "--workspace", ws, CLI.fixtures + "/debtors-nl.csv"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("nothing changed: every row was already in the ledger"))

        let runs = try CLI.run(["runs", "list", "--workspace", ws])
        #expect(runs.stdout.split(separator: "\n").count == 4)
        #expect(runs.stdout.contains("rejected\t65\tingest invoices"))
        // One run in full: the JSON ingest of two files wrote two batches.
        let show = try CLI.run(["runs", "show", "3", "--workspace", ws])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.hasPrefix("run 3: ingest invoices\n"), "\(show.stdout)")
        #expect(show.stdout.contains("  outcome    rejected (exit 65)"))
        #expect(show.stdout.contains("\tinvoices\tinvoices-en.csv\t3\t3\t0\t0"), "\(show.stdout)")
        #expect(show.stdout.contains("\tinvoices\tinvoices-bad.csv\t12\t0\t0\t10"), "\(show.stdout)")
    }

    /// On a terminal a long stage draws a progress bar on stderr and erases it when done; through
    /// a pipe (cron, systemd, a log file) nothing of it appears (see `ingestTranscript`).
    @Test func progressBarOnATerminalOnly() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        let command = [CLI.productsDir + "/relance", "ingest", "debtors", "--workspace", ws, CLI.fixtures + "/debtors-nl.csv"]
            .map { "'" + $0 + "'" }.joined(separator: " ")
        // util-linux `script` runs the command on a pseudo-terminal and copies what it shows.
        let onTTY = try CLI.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], env: ["TERM": "xterm"])
        #expect(onTTY.status == 0, "\(onTTY.stdout)")
        #expect(onTTY.stdout.contains("\r\u{1B}[2Kingest"), "the bar is drawn: \(onTTY.stdout.debugDescription)")
        #expect(onTTY.stdout.contains("debtors-nl.csv: read 5"))
        let off = try CLI.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], env: ["TERM": "xterm", "RELANCE_PROGRESS": "0"])
        #expect(!off.stdout.contains("\u{1B}[2K"), "RELANCE_PROGRESS=0 turns it off")
        let piped = try CLI.run(["ingest", "debtors", "--workspace", ws, CLI.fixtures + "/debtors-nl.csv"])
        #expect(!piped.stderr.contains("\u{1B}") && !piped.stderr.contains("\r"))
    }

    @Test func exitCodes() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        #expect(try CLI.run(["init", ws]).status == 73)  // refuses to overwrite
        #expect(try CLI.run(["status", "--workspace", dir]).status == 64)  // not a workspace
        #expect(try CLI.run(["ingest", "debtors", "--workspace", ws, dir + "/missing.csv"]).status == 66)
        #expect(try CLI.run(["ingest", "debtors", "--workspace", ws, "--snapshot", CLI.fixtures + "/debtors-nl.csv"]).status == 64)
        #expect(try CLI.run(["ingest", "invoices", "--workspace", ws, "--as-of", "2026-13-01", CLI.fixtures + "/invoices-en.csv"]).status == 64)
        #expect(try CLI.run(["frobnicate"]).status == 64)
        let badMapping = dir + "/m.toml"
        try "delimiter = \"#\"\n".write(toFile: badMapping, atomically: true, encoding: .utf8)
        let m = try CLI.run(["ingest", "invoices", "--workspace", ws, "--mapping", badMapping, CLI.fixtures + "/invoices-en.csv"])
        #expect(m.status == 78)
        #expect(m.stderr.contains("m.toml:1:0: error: [mapping] delimiter"))
        try "config_version = 1\n[defaults]\nlanguage = \"xx\"\n".write(toFile: ws + "/relance.toml", atomically: true, encoding: .utf8)
        let c = try CLI.run(["config", "check", "--workspace", ws])
        #expect(c.status == 78 && c.stderr.contains("relance.toml:3:0: error: [config] defaults.language"))
    }

    @Test func statusAfterDemoLikeIngest() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["init", "ws"], cwd: dir).status == 0)
        let ws = dir + "/ws"
        _ = try CLI.run(["ingest", "debtors", CLI.fixtures + "/debtors-nl.csv"], cwd: ws)
        _ = try CLI.run(["ingest", "invoices", CLI.fixtures + "/invoices-fr-cp1252.csv", "--as-of", "2026-11-21"], cwd: ws)
        let s = try CLI.run(["status", "--as-of", "2026-11-21"], cwd: ws)
        #expect(s.status == 0)
        #expect(s.stdout.contains("Debtors: 5 (1 on hold)"))
        #expect(s.stdout.contains("EUR: 3 open invoices, 2784.55 open; 3 overdue, 2784.55; 1 open credit notes, -120.00"))
    }
}

@Suite struct ClaimCLITests {
    @Test func exampleAAsJSONAndText() throws {
        let json = try CLI.run(["claim", "--kind", "b2b", "--amount", "10000.00", "--due", "2024-09-30", "--as-of", "2024-11-14", "--format", "json"], cwd: "/")
        #expect(json.status == 0)
        #expect(json.stdout == #"{"principal":"10000.00","currency":"EUR","interest":"154.11","flat_compensation":"40.00","total":"10194.11","claimable_from":null,"periods":[{"from":"2024-10-01","to":"2024-11-14","days":45,"rate":"12.5","amount":"154.11"}]}"# + "\n")
        let text = try CLI.run(["claim", "--kind", "b2b", "--amount", "10000", "--due", "2024-12-15", "--as-of", "2025-01-29"], cwd: "/")
        try assertGolden(text.stdout, "claim-b2b-example-b.txt")
        let b2c = try CLI.run(["claim", "--kind", "b2c", "--amount", "1234.56", "--due", "2025-02-28", "--as-of", "2025-03-17",
                               "--first-reminder", "2025-03-03", "--channel", "email", "--format", "json"], cwd: "/")
        #expect(b2c.stdout == #"{"principal":"1234.56","currency":"EUR","interest":"0.00","flat_compensation":"0.00","total":"1234.56","claimable_from":"2025-03-18","periods":[]}"# + "\n")
    }

    @Test func errors() throws {
        #expect(try CLI.run(["claim", "--kind", "b2c", "--amount", "10", "--due", "2025-01-01", "--as-of", "2025-03-01"], cwd: "/").status == 64)
        let noRate = try CLI.run(["claim", "--kind", "b2b", "--amount", "10", "--due", "2026-06-01", "--as-of", "2026-11-21"], cwd: "/")
        // A missing rate is configuration (78), and the message names the command that adds it.
        #expect(noRate.status == 78 && noRate.stderr.contains("relance rates set 2026-H2 <percent>"))
        #expect(try CLI.run(["claim", "--kind", "b2b", "--amount", "1,5", "--due", "2025-01-01", "--as-of", "2025-03-01"], cwd: "/").status == 64)
    }
}
