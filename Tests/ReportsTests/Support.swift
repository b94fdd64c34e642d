import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

@testable import Reports

/// A fresh workspace-like folder with a migrated database, removed with the value.
typealias TempLedger = TemporaryStore

/// The report day of the seeded ledger and the instant the reports are made.
let seedDay = Day(iso: "2026-11-21")!
let seedNow = Date(timeIntervalSince1970: 1_795_228_200)  // 2026-11-21T02:30:00Z

/// Hostile debtor names: HTML, a spreadsheet formula, a line break.
enum Hostile {
    static let script = "<script>alert(\"x\")</script> & Co"
    static let formula = "=HYPERLINK(\"http://evil.example/?x\",\"click me\")"
    static let crlf = "Line\r\nBreak BV"
    static let minus = "-2+3 Minus SA"
}

/// Seeds a small ledger that exercises every report: aging buckets at their edges, a credit note,
/// a second currency, two forecast runs (one covering the past week), reminders, promises, outbox
/// messages in every waiting state, and hostile debtor names.
func seedLedger(_ store: LedgerStore) throws {
    try store.pool.write { db in
        try db.execute(sql: """
            INSERT INTO ingest_batch (id, kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at, finished_at,
              rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
            VALUES (1, 'debtors', 'debtors.csv', '/tmp/debtors.csv', 100, 'h', 'utf-8', '2026-11-20', '2026-11-20T01:00:00.000Z',
              '2026-11-20T01:00:01.000Z', 7, 7, 0, 0, 0)
            """)
        let debtors: [(Int64, String, String, String, String?, String?, Int, Int)] = [
            (1, "K001", "Brasserie Éclair SRL", "b2b", "compta@eclair.example", "+32 2 123 45 67", 0, 0),
            (2, "K002", Hostile.script, "b2b", "ap@script.example", "02 555 00 00", 0, 0),
            (3, "K003", Hostile.formula, "b2b", "ap@formula.example", "=1+1", 0, 0),
            (4, "K004", Hostile.crlf, "b2c", "jan@crlf.example", nil, 0, 0),
            (5, "K005", "Dupont Marie", "b2c", nil, nil, 1, 0),
            (6, "K006", Hostile.minus, "b2b", "ap@minus.example", nil, 0, 1),
            (7, "K007", "Dollar Trading Ltd", "b2b", "ap@dollar.example", nil, 0, 0),
        ]
        for d in debtors {
            try db.execute(sql: """
                INSERT INTO debtor (id, debtor_key, name, kind, vat_number, email, language, street, postal_code, city, country, phone,
                  payment_terms_days, on_hold, direct_debit, content_hash, created_batch_id)
                VALUES (?, ?, ?, ?, 'BE0123456749', ?, 'nl', 'Rue Haute 1', '1000', 'Bruxelles', 'BE', ?, 30, ?, ?, 1, 1)
                """, arguments: [d.0, d.1, d.2, d.3, d.4, d.5, d.6, d.7])
        }
        // (id, number, debtor, type, issue, due, currency, amount, open, disputed, status)
        let invoices: [(Int64, String, Int64, String, String, String, String, Int64, Int64, Int, String)] = [
            (1, "F-001", 1, "invoice", "2026-10-22", "2026-11-21", "EUR", 1_000_00, 1_000_00, 0, "open"),  // due today: not due
            (2, "F-002", 1, "invoice", "2026-09-21", "2026-10-21", "EUR", 2_500_00, 2_500_00, 0, "open"),  // 31 days
            (3, "F-003", 2, "invoice", "2026-09-22", "2026-10-22", "EUR", 800_00, 800_00, 0, "open"),      // 30 days
            (4, "F-004", 2, "invoice", "2026-07-24", "2026-08-23", "EUR", 12_345_67, 12_345_67, 0, "open"), // 90 days
            (5, "F-005", 3, "invoice", "2026-07-23", "2026-08-22", "EUR", 4_200_00, 4_200_00, 1, "open"),  // 91 days, disputed
            (6, "F-006", 3, "credit_note", "2026-11-01", "2026-11-01", "EUR", -150_00, -150_00, 0, "open"),
            (7, "F-007", 4, "invoice", "2026-10-01", "2026-10-31", "EUR", 99_99, 99_99, 0, "open"),        // 21 days
            (8, "F-008", 5, "invoice", "2026-09-01", "2026-10-01", "EUR", 600_00, 600_00, 0, "open"),      // on hold
            (9, "F-009", 6, "invoice", "2026-09-15", "2026-10-15", "EUR", 310_00, 310_00, 0, "open"),      // direct debit
            (10, "F-010", 7, "invoice", "2026-09-01", "2026-10-01", "USD", 5_000_00, 5_000_00, 0, "open"),
            (11, "F-011", 1, "invoice", "2026-08-01", "2026-08-31", "EUR", 700_00, 0, 0, "closed"),
        ]
        for i in invoices {
            try db.execute(sql: """
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
                  disputed, status, closed_reason, content_hash, created_batch_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)
                """, arguments: [i.0, i.1, i.2, i.3, i.4, i.5, i.6, i.7, i.8, i.9, i.10, i.10 == "closed" ? "paid" : nil])
        }
        try db.execute(sql: """
            INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, debtor_key, unapplied_minor, content_hash,
              counterparty_iban, counterparty_name, free_text)
            VALUES (1, 'P-1', '2026-11-17', 'EUR', 70000, 'K001', 0, 1, 'BE71096123456769', 'ECLAIR SRL', 'invoice F-011'),
                   (2, 'P-2', '2026-11-03', 'EUR', 125000, 'K002', 125000, 1, NULL, NULL, NULL),
                   (3, 'P-3', '2026-11-19', 'USD', 20000, 'K007', 20000, 1, NULL, NULL, NULL);
            INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule) VALUES (1, 11, 70000, 'invoice_number');
            INSERT INTO record_change (batch_id, entity, entity_key, change, old_values, new_values)
            VALUES (1, 'debtor', 'K001', 'update', '{"name":"Brasserie Eclair"}', '{"name":"Brasserie Éclair SRL"}'),
                   (1, 'payment', 'P-1', 'update', '{"counterparty_name":"ECLAIR"}', '{"counterparty_name":"ECLAIR SRL"}'),
                   (1, 'invoice', 'F-001', 'update', '{"open":"900.00"}', '{"open":"1000.00"}');
            INSERT INTO debtor_account (iban, debtor_id, learned_from_payment_id) VALUES ('BE71096123456769', 1, 1);
            INSERT INTO promise_to_pay (debtor_id, until, note, created_at, status, status_on)
            VALUES (4, '2026-11-30', 'called, pays end of month', '2026-11-15T10:00:00.000Z', 'open', NULL),
                   (2, '2026-11-10', 'said next week', '2026-11-01T10:00:00.000Z', 'broken', '2026-11-14');
            """)
        // Two forecast runs: a week ago (its week 1 is the past week) and today.
        for (run, asOf) in [(Int64(1), "2026-11-14"), (2, "2026-11-21")] {
            try db.execute(sql: """
                INSERT INTO forecast_run (id, as_of, created_at, model, paid_invoices, open_invoices, debtors, parameters)
                VALUES (?, ?, ?, 'empirical-bayes v1', 420, 10, 7, '{}')
                """, arguments: [run, asOf, asOf + "T02:00:00.000Z"])
            let start = Day(iso: asOf)!
            for week in 1...13 {
                let expected = Int64(1_000_00 + (week % 5) * 350_00 + Int(run) * 10_00)
                try db.execute(sql: """
                    INSERT INTO cash_forecast (forecast_run_id, currency, week, week_start, week_end, expected_minor, p10_minor, p90_minor)
                    VALUES (?, 'EUR', ?, ?, ?, ?, ?, ?)
                    """, arguments: [run, week, start.adding(days: 7 * (week - 1) + 1).description,
                                     start.adding(days: 7 * (week - 1) + 7).description, expected, expected * 6 / 10, expected * 15 / 10])
            }
        }
        for (invoice, p) in [(Int64(2), 0.8), (3, 0.5), (4, 0.2), (5, 0.1), (7, 0.9), (8, 0.3), (9, 0.95), (10, 0.4)] {
            try db.execute(sql: """
                INSERT INTO invoice_forecast (forecast_run_id, invoice_id, p10_date, p50_date, p90_date, p_paid_by_due,
                  p_paid_by_due_30, p_paid_by_due_60)
                VALUES (2, ?, '2026-11-25', '2026-12-10', '2027-01-20', ?, ?, ?)
                """, arguments: [invoice, p / 4, p / 2, p])
        }
        for (debtor, score, grade, reasons) in [(Int64(1), 72, "B", "[\"usually pays 12 days late\"]"),
                                                (2, 18, "E", "[\"3 of 4 invoices paid over 60 days late\",\"a promise to pay was broken\"]"),
                                                (3, 35, "D", "[]")] {
            try db.execute(sql: """
                INSERT INTO debtor_score (forecast_run_id, debtor_id, score, grade, reasons, paid_invoices, open_invoices,
                  overdue_30_invoices, typical_delay_days, late_share)
                VALUES (2, ?, ?, ?, ?, 4, 2, 1, 12, 0.5)
                """, arguments: [debtor, score, grade, reasons])
        }
        // Reminders: last night, earlier this month, last month.
        let events: [(Int64, String, Int64, String, String, Int, String, String, String, Int64, Int64, Int64)] = [
            (1, "2026-11-21", 1, "b2b", "second reminder", 2, "email+letter", "queued", "EUR", 2_500_00, 12_50, 40_00),
            (2, "2026-11-21", 3, "b2b", "first reminder", 1, "email", "queued", "EUR", 4_050_00, 0, 0),
            (3, "2026-11-21", 2, "b2b", "call", 4, "manual", "worklist", "EUR", 13_145_67, 210_00, 40_00),
            (4, "2026-11-05", 1, "b2b", "first reminder", 1, "email", "queued", "EUR", 2_500_00, 0, 0),
            (5, "2026-11-10", 4, "b2c", "first reminder", 1, "email", "cancelled", "EUR", 99_99, 0, 0),
            (6, "2026-11-20", 7, "b2b", "first reminder", 1, "email", "held", "USD", 5_000_00, 0, 0),
            (7, "2026-10-28", 2, "b2b", "first reminder", 1, "email", "queued", "EUR", 13_145_67, 0, 0),
        ]
        for e in events {
            try db.execute(sql: """
                INSERT INTO dunning_event (id, idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, document_path, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'nl', ?, ?, ?, ?, ?, '{}', ?, ?, ?)
                """, arguments: [e.0, "dunning:\(e.1):\(e.2):\(e.5)", e.2, e.1, e.3, e.4, e.5, e.6, e.8, e.9, e.10, e.11,
                                 e.9 + e.10 + e.11, e.6.contains("letter") ? "out/letters/K001-1-second_reminder.pdf" : nil, e.7,
                                 e.1 + "T02:31:00.000Z"])
        }
        try db.execute(sql: """
            INSERT INTO dunning_event_item (event_id, invoice_id, step_index, advanced, open_minor, days_late, interest_minor, fee_minor)
            VALUES (1, 2, 2, 1, 250000, 31, 1250, 4000), (2, 5, 1, 1, 420000, 91, 0, 0), (3, 3, 4, 1, 80000, 30, 0, 0),
                   (3, 4, 4, 1, 1234567, 90, 21000, 4000)
            """)
        // What last night's run left out (as `ExclusionTally` stores it).
        try db.execute(sql: """
            INSERT INTO dunning_exclusion (as_of, reason, level, currency, debtors, items, amount_minor)
            VALUES ('2026-11-21', 'promise to pay', 'debtor', 'EUR', 1, 1, 50000),
                   ('2026-11-21', 'debtor on hold', 'debtor', 'EUR', 1, 2, 310000),
                   ('2026-11-21', 'disputed invoice', 'invoice', 'EUR', 1, 1, 120000),
                   ('2026-11-20', 'balance under the minimum', 'debtor', 'EUR', 9, 9, 4500)
            """)
    }
    try seedOutbox(store)
}

/// Outbox messages in every state the report shows.
func seedOutbox(_ store: LedgerStore) throws {
    try store.pool.write { db in
        let at = seedNow.addingTimeInterval(-3 * 86_400)
        func message(_ key: String, _ to: String, debtor: String, invoice: String? = nil) throws -> Int64 {
            var m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: [OutboxMailbox(EmailAddress(to)!, name: "AP")],
                                     subject: "Reminder for \(debtor)", textBody: "Dear customer, please pay.")
            m.references = [.debtor(DebtorID(rawValue: debtor))] + (invoice.map { [.invoice(InvoiceNumber(rawValue: $0))] } ?? [])
            m.attachments = [OutboxAttachment(filename: "reminder.pdf", content: .bytes(Data("%PDF-1.4".utf8)))]
            return try OutboxQueue.enqueue(db, m, at: at).rawValue
        }
        _ = try message("m1", "compta@eclair.example", debtor: "K001", invoice: "F-002")  // queued
        let deferred = try message("m2", "ap@formula.example", debtor: "K003")
        let bounced = try message("m3", "ap@script.example", debtor: "K002")
        let active = try message("m4", "jan@crlf.example", debtor: "K004")
        let sent = try message("m5", "ap@minus.example", debtor: "K006")
        try db.execute(sql: """
            UPDATE outbox_message SET state = 'deferred', attempts = 2, last_error = '451 4.7.1 greylisted, try again later',
              next_attempt_at = '2026-11-21T03:00:00.000Z', created_at = '2026-11-19T02:31:00.000Z' WHERE id = ?
            """, arguments: [deferred])
        try db.execute(sql: """
            UPDATE outbox_message SET state = 'bounced', attempts = 1, bounce_kind = 'remote',
              bounce_reason = '550 5.1.1 <ap@script.example>: user unknown', updated_at = '2026-11-20T02:40:00.000Z' WHERE id = ?
            """, arguments: [bounced])
        try db.execute(sql: """
            UPDATE outbox_message SET state = 'active', lease_owner = 'flush-4242', lease_until = '2026-11-21T02:35:00.000Z',
              message_id_header = '<r4.abc@relance.example>' WHERE id = ?
            """, arguments: [active])
        try db.execute(sql: """
            UPDATE outbox_message SET state = 'sent', sent_at = '2026-11-21T02:20:00.000Z', server_reply = '250 2.0.0 Ok: queued as ABC',
              message_id_header = '<r5.def@relance.example>' WHERE id = ?
            """, arguments: [sent])
    }
}

/// Report options pinned for golden files.
func pinnedOptions(_ dialect: CSVDialect = .standard) -> ReportOptions {
    ReportOptions(csvDialect: dialect, topRows: 5, generatedAt: seedNow, company: "Demo Facturatie BV")
}

/// Mode bits of a file.
func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
}
