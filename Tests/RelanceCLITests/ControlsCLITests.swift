import Foundation
import RelanceTestSupport
import Testing

/// Transcript tests of the credit controller's controls (docs/CONTROLS.md): every command, its
/// errors (exit 65, nothing written) and its repetition (nothing changes).
@Suite struct ControlsCLITests {
    /// Runs the commands in order and returns the transcript: the command, stdout, stderr, exit code;
    /// instants become `<at>` (the journal's `when`), the workspace path `<ws>`.
    static func transcript(_ steps: [[String]], ws: String, dir: String, env: [String: String] = [:]) throws -> String {
        var out = ""
        for args in steps {
            let r = try CLI.run(args, env: ["RELANCE_WORKSPACE": ws, "USER": "tester", "SUDO_USER": ""].merging(env) { $1 })
            out += "$ relance " + args.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ") + "\n"
            out += r.stdout + (r.stderr.isEmpty ? "" : "[stderr] " + r.stderr) + "[exit \(r.status)]\n\n"
        }
        let instants = try NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z")
        out = instants.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "<at>")
        return out.replacingOccurrences(of: ws, with: "<ws>").replacingOccurrences(of: dir, with: "<dir>")
            .replacingOccurrences(of: CLI.fixtures, with: "<fixtures>")
    }

    /// A workspace with the Dutch debtors, the English invoices (with open amounts) and the payments fixture.
    static func workspace(_ dir: String) throws -> String {
        let ws = dir + "/ws"
        #expect(try CLI.run(["init", ws]).status == 0)
        for (kind, file) in [("debtors", "debtors-nl.csv"), ("invoices", "invoices-en.csv"), ("payments", "payments.csv")] {
            _ = try CLI.run(["ingest", kind, CLI.fixtures + "/" + file, "--as-of", "2026-11-21"], env: ["RELANCE_WORKSPACE": ws])
        }
        return ws
    }

    @Test func debtorAndInvoiceControls() throws {
        let dir = CLI.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.workspace(dir)
        let reminders = dir + "/reminders.csv"
        try """
            invoice_number,day,step,channel
            INV-2,2026-11-10,reminder-1,email
            """.write(toFile: reminders, atomically: true, encoding: .utf8)
        let badReminders = dir + "/reminders-bad.csv"
        try """
            invoice_number,debtor_id,day,step,level,channel
            INV-2,,2026-11-12,reminder-9,,email
            NOPE-1,,2026-11-12,reminder-1,,post
            ,K404,2026-11-12,,1,post
            ,K004,2026-11-12,,7,post
            """.write(toFile: badReminders, atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["debtor", "hold", "K004", "--reason", "bankruptcy filed", "--until", "2026-12-31"],
            ["debtor", "hold", "K004", "--reason", "bankruptcy filed", "--until", "2026-12-31"],
            ["debtor", "hold", "K404", "--reason", "typo"],
            ["debtor", "release", "K004"],
            ["debtor", "release", "K004"],
            ["debtor", "set", "K004", "--direct-debit", "on"],
            ["debtor", "set", "K004", "--direct-debit", "on"],
            ["debtor", "set", "K404", "--direct-debit", "off"],
            ["invoice", "dispute", "INV-2", "--reason", "goods damaged"],
            ["invoice", "dispute", "INV-2", "--reason", "goods damaged"],
            ["invoice", "dispute", "NOPE-1", "--reason", "x"],
            ["invoice", "resolve", "INV-2"],
            ["invoice", "resolve", "INV-2"],
            ["note", "add", "K004", "Called, will pay next week"],
            ["note", "add", "K004", "Called, will pay next week"],
            ["note", "add", "K404", "x"],
            ["payments", "unallocate", "P-2", "INV-2"],
            ["payments", "unallocate", "P-2", "INV-2"],
            ["payments", "unallocate", "P-404"],
            ["promise", "add", "K004", "--amount", "250.00", "--date", "2026-11-28", "--invoice", "INV-2", "--as-of", "2026-11-21"],
            ["promise", "add", "K004", "--amount", "250.00", "--date", "2026-11-28", "--invoice", "INV-2", "--as-of", "2026-11-21"],
            ["promise", "add", "K004", "--amount", "250.00", "--date", "2026-11-01", "--as-of", "2026-11-21"],
            ["promise", "add", "K001", "--amount", "10.00", "--date", "2026-12-01", "--invoice", "INV-1", "--as-of", "2026-11-21"],
            ["promise", "add", "K404", "--amount", "10.00", "--date", "2026-12-01", "--as-of", "2026-11-21"],
            ["promise", "add", "K004", "--amount", "ten", "--date", "2026-12-01", "--as-of", "2026-11-21"],
            ["promise", "list"],
            ["ingest", "reminders", reminders, "--as-of", "2026-11-21"],
            ["ingest", "reminders", reminders, "--as-of", "2026-11-21"],
            ["ingest", "reminders", badReminders, "--as-of", "2026-11-21"],
            ["payments", "allocate", "P-2", "INV-2", "--amount", "100.00"],
            ["payments", "allocate", "P-2", "NOPE-1"],
            ["debtor", "hold", "K004", "--reason", "x", "--until", "2026-01-01"],
            ["debtor", "hold", "K004", "--reason", "payment plan agreed"],
            ["invoice", "dispute", "INV-2", "--reason", "price differs from the order"],
            ["debtor", "show", "K004", "--as-of", "2026-11-21"],
            ["debtor", "show", "K404"],
        ]
        try assertGolden(try Self.transcript(steps, ws: ws, dir: dir), "controls.transcript")
        // The JSON statement parses, with every section.
        let json = try CLI.run(["debtor", "show", "K004", "--format", "json", "--as-of", "2026-11-21"], env: ["RELANCE_WORKSPACE": ws])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let keys = Set(obj?.keys.map { $0 } ?? [])
        #expect(keys.isSuperset(of: ["debtor", "open_items", "not_yet_due", "credit_notes", "unapplied_payments",
                                                               "promises", "disputes", "notes", "messages", "journal", "next_step"]))
    }
}
