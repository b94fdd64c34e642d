#!/usr/bin/env python3
"""The peer that `relance ingest invoices` is measured against (issue 17): what a finance team's
developer would write in an afternoon with Python's standard library.

    python3 scripts/peer_ingest.py DB CSV

Reads an invoice export (relance-gen's columns: invoice_number, debtor_id, issue_date, due_date,
currency, amount, open_amount, type, structured_reference, description, disputed) with `csv`,
converts the amounts to cents, checks the dates and the currency code, and upserts every row into
SQLite keyed by invoice number, in one transaction. Bad rows are counted, not stored. Prints one JSON
line like Relance's `--format json`: {"read": N, "imported": N, "rejected": N}.

It does less than Relance (no rejects file, no debtor check, no change detection, no audit trail),
so Relance doing the same work at least twice as fast is the bar, not a flattering comparison.
"""
import csv
import datetime
import json
import sqlite3
import sys
from decimal import Decimal, InvalidOperation

SCHEMA = """
CREATE TABLE IF NOT EXISTS invoice (
  id INTEGER PRIMARY KEY,
  invoice_number TEXT NOT NULL UNIQUE,
  debtor_id TEXT NOT NULL,
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  open_minor INTEGER NOT NULL,
  type TEXT NOT NULL,
  structured_reference TEXT,
  description TEXT,
  disputed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS invoice_debtor ON invoice(debtor_id);
"""

UPSERT = """
INSERT INTO invoice (invoice_number, debtor_id, issue_date, due_date, currency, amount_minor, open_minor,
                     type, structured_reference, description, disputed)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(invoice_number) DO UPDATE SET
  debtor_id = excluded.debtor_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
  currency = excluded.currency, amount_minor = excluded.amount_minor, open_minor = excluded.open_minor,
  type = excluded.type, structured_reference = excluded.structured_reference,
  description = excluded.description, disputed = excluded.disputed
"""


def cents(text):
    return int((Decimal(text) * 100).to_integral_exact())


def rows(path, counts):
    with open(path, newline="", encoding="utf-8-sig") as f:
        for record in csv.DictReader(f):
            counts["read"] += 1
            try:
                datetime.date.fromisoformat(record["issue_date"])
                datetime.date.fromisoformat(record["due_date"])
                if len(record["currency"]) != 3 or not record["currency"].isalpha():
                    raise ValueError("currency")
                yield (record["invoice_number"], record["debtor_id"], record["issue_date"], record["due_date"],
                       record["currency"], cents(record["amount"]), cents(record["open_amount"]), record["type"],
                       record["structured_reference"] or None, record["description"] or None,
                       1 if record["disputed"] == "true" else 0)
            except (ValueError, KeyError, InvalidOperation):
                counts["rejected"] += 1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: peer_ingest.py DB CSV")
    db = sqlite3.connect(sys.argv[1])
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    counts = {"read": 0, "rejected": 0}
    with db:
        db.executemany(UPSERT, rows(sys.argv[2], counts))
    db.close()
    print(json.dumps({"read": counts["read"], "imported": counts["read"] - counts["rejected"],
                      "rejected": counts["rejected"]}))


if __name__ == "__main__":
    main()
