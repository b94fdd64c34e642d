-- index action_journal_by_debtor on action_journal
CREATE INDEX action_journal_by_debtor ON action_journal(debtor_id, id);

-- index billing_invoice_by_period on billing_invoice
CREATE INDEX billing_invoice_by_period ON billing_invoice(period);

-- index contract_by_debtor on contract
CREATE INDEX contract_by_debtor ON contract(debtor_id);

-- index data_rights_by_subject on data_rights_log
CREATE INDEX data_rights_by_subject ON data_rights_log(action, subject);

-- index debtor_by_vat on debtor
CREATE INDEX debtor_by_vat ON debtor(vat_number) WHERE vat_number IS NOT NULL;

-- index debtor_note_by_debtor on debtor_note
CREATE INDEX debtor_note_by_debtor ON debtor_note(debtor_id, id);

-- index dunning_event_by_day on dunning_event
CREATE INDEX dunning_event_by_day ON dunning_event(as_of, status);

-- index dunning_event_by_debtor on dunning_event
CREATE UNIQUE INDEX dunning_event_by_debtor ON dunning_event(debtor_id, as_of, step, key_digest);

-- index dunning_event_by_key on dunning_event
CREATE UNIQUE INDEX dunning_event_by_key ON dunning_event(idempotency_key) WHERE idempotency_key IS NOT NULL;

-- index dunning_event_by_reference on dunning_event
CREATE INDEX dunning_event_by_reference ON dunning_event(structured_reference) WHERE structured_reference IS NOT NULL;

-- index dunning_event_by_status on dunning_event
CREATE INDEX dunning_event_by_status ON dunning_event(status) WHERE status = 'queued';

-- index dunning_event_held on dunning_event
CREATE INDEX dunning_event_held ON dunning_event(as_of) WHERE status = 'held';

-- index dunning_event_last_message on dunning_event
CREATE INDEX dunning_event_last_message ON dunning_event(debtor_id, as_of)
  WHERE status IN ('queued', 'held') OR (status = 'cancelled' AND document_path IS NOT NULL);

-- index dunning_item_by_invoice on dunning_event_item
CREATE INDEX dunning_item_by_invoice ON dunning_event_item(invoice_id);

-- index invoice_by_debtor on invoice
CREATE INDEX invoice_by_debtor ON invoice(debtor_id, due_date);

-- index invoice_by_reference on invoice
CREATE INDEX invoice_by_reference ON invoice(structured_reference)
  WHERE structured_reference IS NOT NULL;

-- index invoice_disputed_by_batch on invoice
CREATE INDEX invoice_disputed_by_batch ON invoice(created_batch_id) WHERE disputed = 1;

-- index invoice_open on invoice
CREATE INDEX invoice_open ON invoice(debtor_id, currency, due_date, type, open_minor, disputed,
  issue_date, amount_minor, on_hold, invoice_number)
WHERE status = 'open';

-- index nightly_stage_by_day on nightly_stage
CREATE INDEX nightly_stage_by_day ON nightly_stage(as_of, stage, outcome);

-- index outbox_body_dictionary_by_checksum on outbox_body_dictionary
CREATE INDEX outbox_body_dictionary_by_checksum ON outbox_body_dictionary(checksum);

-- index outbox_event_by_message on outbox_event
CREATE INDEX outbox_event_by_message ON outbox_event(message_id, id);

-- index outbox_message_active on outbox_message
CREATE INDEX outbox_message_active ON outbox_message(id) WHERE state = 'active';

-- index outbox_message_bodies_kept on outbox_message
CREATE INDEX outbox_message_bodies_kept ON outbox_message(sent_at) WHERE state = 'sent' AND bodies_removed_at IS NULL;

-- index outbox_message_bounced on outbox_message
CREATE INDEX outbox_message_bounced ON outbox_message(updated_at) WHERE state = 'bounced';

-- index outbox_message_due on outbox_message
CREATE INDEX outbox_message_due ON outbox_message(state, next_attempt_at, id)
  WHERE state IN ('queued', 'deferred');

-- index outbox_reference_by_key on outbox_reference
CREATE INDEX outbox_reference_by_key ON outbox_reference(kind, key);

-- index payment_allocation_by_batch on payment_allocation
CREATE INDEX payment_allocation_by_batch ON payment_allocation(batch_id);

-- index payment_allocation_by_invoice on payment_allocation
CREATE INDEX payment_allocation_by_invoice ON payment_allocation(invoice_id);

-- index payment_allocation_by_payment on payment_allocation
CREATE INDEX payment_allocation_by_payment ON payment_allocation(payment_id);

-- index payment_by_batch on payment
CREATE INDEX payment_by_batch ON payment(created_batch_id);

-- index payment_by_day on payment
CREATE INDEX payment_by_day ON payment(payment_date);

-- index payment_unapplied on payment
CREATE INDEX payment_unapplied ON payment(id) WHERE unapplied_minor > 0;

-- index payment_unapplied_by_debtor on payment
CREATE INDEX payment_unapplied_by_debtor ON payment(debtor_key) WHERE unapplied_minor > 0;

-- index peppol_document_due on peppol_document
CREATE INDEX peppol_document_due ON peppol_document(state, next_attempt_at, id)
  WHERE state IN ('queued', 'deferred');

-- index peppol_event_by_document on peppol_event
CREATE INDEX peppol_event_by_document ON peppol_event(document_id, id);

-- index promise_by_debtor on promise_to_pay
CREATE INDEX promise_by_debtor ON promise_to_pay(debtor_id, until);

-- index promise_open on promise_to_pay
CREATE INDEX promise_open ON promise_to_pay(debtor_id) WHERE status = 'open';

-- index record_change_by_batch on record_change
CREATE INDEX record_change_by_batch ON record_change(batch_id);

-- index record_change_by_entity on record_change
CREATE INDEX record_change_by_entity ON record_change(entity, entity_key);

-- index sqlite_autoindex_bank_statement_1 on bank_statement
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_credit_note_1 on billing_credit_note
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_credit_note_2 on billing_credit_note
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_invoice_1 on billing_invoice
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_invoice_2 on billing_invoice
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_line_1 on billing_line
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_billing_line_2 on billing_line
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_contract_1 on contract
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_contract_usage_1 on contract_usage
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_debtor_1 on debtor
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_dunning_event_instant_1 on dunning_event_instant
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_dunning_held_reason_1 on dunning_held_reason
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_dunning_letter_folder_1 on dunning_letter_folder
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_dunning_step_name_1 on dunning_step_name
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_external_reminder_1 on external_reminder
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_forecast_run_1 on forecast_run
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_grdb_migrations_1 on grdb_migrations
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_invoice_1 on invoice
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_nightly_stage_1 on nightly_stage
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_attachment_1 on outbox_attachment
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_event_detail_1 on outbox_event_detail
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_event_instant_1 on outbox_event_instant
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_message_1 on outbox_message
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_message_2 on outbox_message
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_message_id_domain_1 on outbox_message_id_domain
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_outbox_recipient_1 on outbox_recipient
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_payment_1 on payment
-- (made by SQLite, no SQL)

-- index sqlite_autoindex_peppol_document_1 on peppol_document
-- (made by SQLite, no SQL)

-- table action_journal on action_journal
CREATE TABLE action_journal (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  debtor_id INTEGER REFERENCES debtor(id),
  invoice_id INTEGER REFERENCES invoice(id),
  payment_id INTEGER REFERENCES payment(id),
  detail TEXT NOT NULL DEFAULT '{}'
);

-- table bank_statement on bank_statement
CREATE TABLE bank_statement (
  id INTEGER PRIMARY KEY,
  format TEXT NOT NULL CHECK (format IN ('coda', 'camt')),
  statement_key TEXT NOT NULL UNIQUE,
  account TEXT NOT NULL,
  currency TEXT NOT NULL,
  statement_date TEXT,
  old_balance_minor INTEGER,
  new_balance_minor INTEGER,
  movements INTEGER NOT NULL,
  credits INTEGER NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES ingest_batch(id)
);

-- table billing_channel on billing_channel
CREATE TABLE billing_channel (
  debtor_id INTEGER PRIMARY KEY REFERENCES debtor(id),
  channel TEXT NOT NULL CHECK (channel IN ('peppol', 'email')),
  peppol_id TEXT CHECK (peppol_id IS NULL OR peppol_id GLOB '[0-9][0-9][0-9][0-9]:?*'),
  updated_at TEXT NOT NULL
);

-- table billing_credit_note on billing_credit_note
CREATE TABLE billing_credit_note (
  invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
  credited_invoice_id INTEGER NOT NULL UNIQUE REFERENCES billing_invoice(invoice_id),
  reason TEXT NOT NULL,
  sequence_name TEXT NOT NULL,
  sequence_value INTEGER NOT NULL,
  net_minor INTEGER NOT NULL CHECK (net_minor <= 0),
  vat_minor INTEGER NOT NULL CHECK (vat_minor <= 0),
  pdf_path TEXT NOT NULL,
  ubl_path TEXT,
  run_id INTEGER REFERENCES run(id),
  created_at TEXT NOT NULL,
  UNIQUE (sequence_name, sequence_value)
);

-- table billing_ingest on billing_ingest
CREATE TABLE billing_ingest (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES run(id),
  kind TEXT NOT NULL CHECK (kind IN ('contracts', 'usage', 'index')),
  file_name TEXT NOT NULL,
  file_path TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  file_hash TEXT NOT NULL,
  as_of TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_updated INTEGER NOT NULL,
  rows_unchanged INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL
);

-- table billing_invoice on billing_invoice
CREATE TABLE billing_invoice (
  invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
  contract_id INTEGER NOT NULL REFERENCES contract(id),
  period TEXT NOT NULL CHECK (length(period) = 7),
  sequence_name TEXT NOT NULL,
  sequence_value INTEGER NOT NULL,
  net_minor INTEGER NOT NULL,
  vat_minor INTEGER NOT NULL,
  pdf_path TEXT NOT NULL,
  run_id INTEGER REFERENCES run(id),
  created_at TEXT NOT NULL, ubl_path TEXT,
  UNIQUE (contract_id, period),
  UNIQUE (sequence_name, sequence_value)
);

-- table billing_line on billing_line
CREATE TABLE billing_line (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES billing_invoice(invoice_id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('subscription', 'usage', 'fee')),
  description TEXT NOT NULL,
  service_month TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit_price TEXT NOT NULL,
  net_minor INTEGER NOT NULL,
  vat_rate TEXT NOT NULL,
  vat_minor INTEGER NOT NULL,
  old_price_minor INTEGER,
  new_price_minor INTEGER,
  factor TEXT,
  actual_index_month TEXT,
  actual_index TEXT,
  base_index_month TEXT,
  base_index TEXT,
  index_series TEXT,
  rounding TEXT,
  usage_id INTEGER UNIQUE REFERENCES contract_usage(id), vat_exemption TEXT,
  UNIQUE (invoice_id, position),
  CHECK ((factor IS NULL) = (new_price_minor IS NULL))
);

-- table billing_sequence on billing_sequence
CREATE TABLE billing_sequence (
  name TEXT PRIMARY KEY,
  last_value INTEGER NOT NULL CHECK (last_value >= 0)
) WITHOUT ROWID;

-- table cash_forecast on cash_forecast
CREATE TABLE cash_forecast (
  forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
  currency TEXT NOT NULL,
  week INTEGER NOT NULL CHECK (week BETWEEN 1 AND 13),
  week_start TEXT NOT NULL,
  week_end TEXT NOT NULL CHECK (week_end >= week_start),
  expected_minor INTEGER NOT NULL CHECK (expected_minor >= 0),
  p10_minor INTEGER NOT NULL CHECK (p10_minor BETWEEN 0 AND expected_minor),
  p90_minor INTEGER NOT NULL CHECK (p90_minor >= expected_minor),
  PRIMARY KEY (forecast_run_id, currency, week)
) WITHOUT ROWID;

-- table contract on contract
CREATE TABLE contract (
  id INTEGER PRIMARY KEY,
  contract_key TEXT NOT NULL UNIQUE,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  plan TEXT NOT NULL,
  currency TEXT NOT NULL,
  monthly_price_minor INTEGER NOT NULL CHECK (monthly_price_minor >= 0),
  activation_date TEXT NOT NULL,
  price_adjusted_on TEXT NOT NULL CHECK (price_adjusted_on >= activation_date),
  index_series TEXT,
  billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 28),
  payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
  index_floor INTEGER NOT NULL DEFAULT 0 CHECK (index_floor IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
  end_date TEXT CHECK (end_date IS NULL OR end_date >= activation_date),
  overdue_since TEXT,
  notice_on TEXT,
  suspended_on TEXT,
  reactivated_on TEXT,
  reactivation_fee_due INTEGER NOT NULL DEFAULT 0 CHECK (reactivation_fee_due IN (0, 1)),
  content_hash INTEGER NOT NULL,
  created_ingest_id INTEGER REFERENCES billing_ingest(id),
  updated_ingest_id INTEGER REFERENCES billing_ingest(id), vat_rate TEXT, vat_exemption TEXT,
  CHECK (notice_on IS NULL OR overdue_since IS NOT NULL),
  CHECK (suspended_on IS NULL OR notice_on IS NOT NULL)
);

-- table contract_usage on contract_usage
CREATE TABLE contract_usage (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contract(id),
  month TEXT NOT NULL CHECK (length(month) = 7),
  item TEXT NOT NULL,
  quantity TEXT NOT NULL,
  unit_price TEXT NOT NULL,
  content_hash INTEGER NOT NULL,
  ingest_id INTEGER REFERENCES billing_ingest(id),
  UNIQUE (contract_id, month, item)
);

-- table data_rights_log on data_rights_log
CREATE TABLE data_rights_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('erase', 'export', 'restore')),
  subject TEXT,
  detail TEXT NOT NULL
);

-- table debtor on debtor
CREATE TABLE debtor (
  id INTEGER PRIMARY KEY,
  debtor_key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('b2b', 'b2c')),
  vat_number TEXT,
  email TEXT,
  language TEXT NOT NULL CHECK (language = 'nl' OR language = 'fr' OR language = 'de' OR language = 'en'),
  street TEXT,
  postal_code TEXT,
  city TEXT,
  country TEXT NOT NULL,
  phone TEXT,
  payment_terms_days INTEGER CHECK (payment_terms_days BETWEEN 0 AND 365),
  on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1)),
  content_hash INTEGER NOT NULL,
  created_batch_id INTEGER REFERENCES ingest_batch(id),
  updated_batch_id INTEGER REFERENCES ingest_batch(id)
, direct_debit INTEGER NOT NULL DEFAULT 0 CHECK (direct_debit IN (0, 1)), paperless_since TEXT, interest_rate_percent TEXT
  CHECK (interest_rate_percent IS NULL OR (interest_rate_percent GLOB '[0-9]*.[0-9][0-9]'
    AND CAST(interest_rate_percent AS REAL) > 0 AND CAST(interest_rate_percent AS REAL) < 100)), public_authority INTEGER NOT NULL DEFAULT 0 CHECK (public_authority IN (0, 1)), hold_reason TEXT, hold_until TEXT);

-- table debtor_account on debtor_account
CREATE TABLE debtor_account (
  iban TEXT NOT NULL,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  learned_from_payment_id INTEGER REFERENCES payment(id),
  PRIMARY KEY (iban, debtor_id)
) WITHOUT ROWID;

-- table debtor_note on debtor_note
CREATE TABLE debtor_note (
  id INTEGER PRIMARY KEY,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  text TEXT NOT NULL
);

-- table debtor_score on debtor_score
CREATE TABLE debtor_score (
  forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
  grade TEXT NOT NULL CHECK (grade = 'A' OR grade = 'B' OR grade = 'C' OR grade = 'D' OR grade = 'E'),
  reasons TEXT NOT NULL,
  paid_invoices INTEGER NOT NULL CHECK (paid_invoices >= 0),
  open_invoices INTEGER NOT NULL CHECK (open_invoices >= 0),
  overdue_30_invoices INTEGER NOT NULL CHECK (overdue_30_invoices BETWEEN 0 AND open_invoices),
  typical_delay_days INTEGER NOT NULL,
  late_share REAL NOT NULL CHECK (late_share BETWEEN 0 AND 1),
  PRIMARY KEY (forecast_run_id, debtor_id)
) WITHOUT ROWID;

-- table dunning_event on dunning_event
CREATE TABLE "dunning_event" (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  as_of TEXT NOT NULL,
  ladder TEXT NOT NULL,
  step TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  channels TEXT NOT NULL,
  language TEXT NOT NULL,
  currency TEXT NOT NULL,
  balance_minor INTEGER NOT NULL,
  interest_minor INTEGER NOT NULL,
  fees_minor INTEGER NOT NULL,
  total_minor INTEGER NOT NULL,
  computation TEXT NOT NULL,
  document_path TEXT,
  status TEXT NOT NULL CHECK (status = 'queued' OR status = 'worklist' OR status = 'held' OR status = 'cancelled'),
  run_id INTEGER REFERENCES run(id),
  created_at TEXT NOT NULL,
  outbox_message_id INTEGER REFERENCES outbox_message(id),
  structured_reference TEXT,
  seen_batch_id INTEGER,
  cancel_reason TEXT,
  demanded_minor INTEGER,
  pay_by TEXT,
  held_reason TEXT,
  computation_z BLOB,
  held_reason_id INTEGER REFERENCES dunning_held_reason(id),
  created_at_id INTEGER REFERENCES dunning_event_instant(id),
  document_folder_id INTEGER REFERENCES dunning_letter_folder(id),
  key_digest INTEGER,
  CHECK ((idempotency_key IS NULL) <> (key_digest IS NULL)),
  CHECK (idempotency_key IS NULL OR length(idempotency_key) > 0)
);

-- table dunning_event_instant on dunning_event_instant
CREATE TABLE dunning_event_instant (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL UNIQUE
);

-- table dunning_event_item on dunning_event_item
CREATE TABLE dunning_event_item (
  event_id INTEGER NOT NULL REFERENCES dunning_event(id),
  invoice_id INTEGER NOT NULL REFERENCES invoice(id),
  step_index INTEGER,
  advanced INTEGER NOT NULL CHECK (advanced IN (0, 1)),
  open_minor INTEGER NOT NULL,
  days_late INTEGER NOT NULL,
  interest_minor INTEGER NOT NULL,
  fee_minor INTEGER NOT NULL, prev_step_index INTEGER, prev_step TEXT, prev_last_reminder TEXT, prev_first_reminder TEXT, prev_first_channel TEXT, prev_state INTEGER, prev_step_id INTEGER REFERENCES dunning_step_name(id),
  PRIMARY KEY (event_id, invoice_id)
) WITHOUT ROWID;

-- table dunning_exclusion on dunning_exclusion
CREATE TABLE dunning_exclusion (
  as_of TEXT NOT NULL,
  reason TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('debtor', 'invoice')),
  currency TEXT NOT NULL,
  debtors INTEGER NOT NULL,
  items INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  PRIMARY KEY (as_of, reason, level, currency)
) WITHOUT ROWID;

-- table dunning_held_reason on dunning_held_reason
CREATE TABLE dunning_held_reason (
  id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL UNIQUE
);

-- table dunning_letter_folder on dunning_letter_folder
CREATE TABLE dunning_letter_folder (
  id INTEGER PRIMARY KEY,
  folder TEXT NOT NULL UNIQUE
);

-- table dunning_state on dunning_state
CREATE TABLE dunning_state (
  invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
  ladder TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  step TEXT NOT NULL,
  last_reminder TEXT NOT NULL,
  first_reminder TEXT,
  first_channel TEXT CHECK (first_channel IN ('email', 'post'))
);

-- table dunning_step_name on dunning_step_name
CREATE TABLE dunning_step_name (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- table external_reminder on external_reminder
CREATE TABLE external_reminder (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoice(id),
  day TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  step TEXT NOT NULL,
  channel TEXT,
  file_name TEXT NOT NULL,
  line INTEGER NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (invoice_id, day, step_index)
);

-- table forecast_run on forecast_run
CREATE TABLE forecast_run (
  id INTEGER PRIMARY KEY,
  as_of TEXT NOT NULL UNIQUE,
  run_id INTEGER REFERENCES run(id),
  created_at TEXT NOT NULL,
  model TEXT NOT NULL,
  paid_invoices INTEGER NOT NULL CHECK (paid_invoices >= 0),
  open_invoices INTEGER NOT NULL CHECK (open_invoices >= 0),
  debtors INTEGER NOT NULL CHECK (debtors >= 0),
  parameters TEXT NOT NULL
);

-- table grdb_migrations on grdb_migrations
CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);

-- table ingest_batch on ingest_batch
CREATE TABLE ingest_batch (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES run(id),
  kind TEXT NOT NULL CHECK (kind IN ('debtors', 'invoices', 'payments', 'coda', 'camt', 'ubl')),
  file_name TEXT NOT NULL,
  file_path TEXT NOT NULL,
  file_bytes INTEGER NOT NULL,
  file_hash TEXT NOT NULL,
  encoding TEXT NOT NULL,
  snapshot INTEGER NOT NULL DEFAULT 0 CHECK (snapshot IN (0, 1)),
  as_of TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_imported INTEGER NOT NULL,
  rows_updated INTEGER NOT NULL,
  rows_unchanged INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  closed_by_snapshot INTEGER NOT NULL DEFAULT 0
);

-- table invoice on invoice
CREATE TABLE invoice (
  id INTEGER PRIMARY KEY,
  invoice_number TEXT NOT NULL UNIQUE,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),
  issue_date TEXT NOT NULL,
  due_date TEXT NOT NULL CHECK (due_date >= issue_date),
  currency TEXT NOT NULL,
  amount_minor INTEGER NOT NULL,
  reported_open_minor INTEGER,
  reported_batch_id INTEGER REFERENCES ingest_batch(id),
  open_minor INTEGER NOT NULL,
  structured_reference TEXT,
  description TEXT,
  disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  closed_reason TEXT CHECK (closed_reason IN ('paid', 'settled_outside')),
  closed_on TEXT,
  source TEXT NOT NULL DEFAULT 'csv' CHECK (source = 'csv' OR source = 'billing' OR source = 'ubl'),
  content_hash INTEGER NOT NULL,
  created_batch_id INTEGER REFERENCES ingest_batch(id),
  updated_batch_id INTEGER REFERENCES ingest_batch(id), on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1)), dispute_reason TEXT, row_check INTEGER,
  CHECK ((type = 'invoice' AND amount_minor >= 0 AND open_minor BETWEEN 0 AND amount_minor)
      OR (type = 'credit_note' AND amount_minor <= 0 AND open_minor BETWEEN amount_minor AND 0)),
  CHECK ((status = 'open') = (closed_reason IS NULL))
);

-- table invoice_forecast on invoice_forecast
CREATE TABLE invoice_forecast (
  forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
  invoice_id INTEGER NOT NULL REFERENCES invoice(id),
  p10_date TEXT NOT NULL,
  p50_date TEXT NOT NULL,
  p90_date TEXT NOT NULL,
  p_paid_by_due REAL NOT NULL CHECK (p_paid_by_due BETWEEN 0 AND 1),
  p_paid_by_due_30 REAL NOT NULL CHECK (p_paid_by_due_30 BETWEEN p_paid_by_due AND 1),
  p_paid_by_due_60 REAL NOT NULL CHECK (p_paid_by_due_60 BETWEEN p_paid_by_due_30 AND 1),
  CHECK (p10_date <= p50_date AND p50_date <= p90_date),
  PRIMARY KEY (forecast_run_id, invoice_id)
) WITHOUT ROWID;

-- table nightly_stage on nightly_stage
CREATE TABLE "nightly_stage" (
  run_id INTEGER NOT NULL REFERENCES run(id),
  as_of TEXT NOT NULL,
  stage TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'rejected', 'held', 'deferred', 'bounced', 'partial', 'failed', 'interrupted', 'skipped')),
  counts TEXT,
  PRIMARY KEY (run_id, stage)
);

-- table outbox_attachment on outbox_attachment
CREATE TABLE outbox_attachment (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content BLOB,
  path TEXT,
  CHECK ((content IS NULL) <> (path IS NULL)),
  UNIQUE (message_id, position)
);

-- table outbox_body_dictionary on outbox_body_dictionary
CREATE TABLE outbox_body_dictionary (
  id INTEGER PRIMARY KEY,
  checksum INTEGER NOT NULL,
  text_z BLOB NOT NULL
);

-- table outbox_event on outbox_event
CREATE TABLE outbox_event (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT
, detail_id INTEGER REFERENCES outbox_event_detail(id), at_id INTEGER REFERENCES outbox_event_instant(id));

-- table outbox_event_detail on outbox_event_detail
CREATE TABLE outbox_event_detail (
  id INTEGER PRIMARY KEY,
  detail TEXT NOT NULL UNIQUE
);

-- table outbox_event_instant on outbox_event_instant
CREATE TABLE outbox_event_instant (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL UNIQUE
);

-- table outbox_message on outbox_message
CREATE TABLE outbox_message (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 500),
  origin TEXT NOT NULL CHECK (origin = 'dunning' OR origin = 'billing' OR origin = 'manual'),
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state = 'queued' OR state = 'active' OR state = 'deferred' OR state = 'hold' OR state = 'sent' OR state = 'bounced' OR state = 'cancelled'),
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT,
  created_at TEXT NOT NULL,
  lifetime_from TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  message_id_header TEXT UNIQUE,
  lease_owner TEXT,
  lease_until TEXT,
  last_attempt_at TEXT,
  last_error TEXT,
  server_reply TEXT,
  sent_at TEXT,
  bounce_kind TEXT CHECK (bounce_kind = 'remote' OR bounce_kind = 'expired' OR bounce_kind = 'unbuildable'),
  bounce_reason TEXT,
  cancel_reason TEXT,
  updated_at TEXT NOT NULL, bodies_z BLOB, bodies_removed_at TEXT, bodies_dictionary_id INTEGER REFERENCES outbox_body_dictionary(id), message_id_domain_id INTEGER REFERENCES outbox_message_id_domain(id), dunning_event_id INTEGER REFERENCES dunning_event(id),
  CHECK ((state = 'active') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
  CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
  CHECK ((state = 'bounced') = (bounce_kind IS NOT NULL AND bounce_reason IS NOT NULL)),
  CHECK ((state = 'cancelled') = (cancel_reason IS NOT NULL))
);

-- table outbox_message_id_domain on outbox_message_id_domain
CREATE TABLE outbox_message_id_domain (
  id INTEGER PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE
);

-- table outbox_recipient on outbox_recipient
CREATE TABLE outbox_recipient (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'to' OR kind = 'cc' OR kind = 'bcc'),
  address TEXT NOT NULL,
  display_name TEXT,
  origin TEXT NOT NULL DEFAULT 'message' CHECK (origin IN ('message', 'config')),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'sent' OR status = 'deferred' OR status = 'bounced'),
  reply TEXT,
  updated_at TEXT,
  UNIQUE (message_id, address)
);

-- table outbox_reference on outbox_reference
CREATE TABLE outbox_reference (
  message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind = 'debtor' OR kind = 'invoice' OR kind = 'contract'),
  key TEXT NOT NULL,
  PRIMARY KEY (message_id, kind, key)
) WITHOUT ROWID;

-- table payment on payment
CREATE TABLE payment (
  id INTEGER PRIMARY KEY,
  payment_key TEXT NOT NULL UNIQUE,
  payment_date TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  invoice_number TEXT,
  structured_reference TEXT,
  debtor_key TEXT,
  unapplied_minor INTEGER NOT NULL CHECK (unapplied_minor BETWEEN 0 AND amount_minor),
  unapplied_reason TEXT,
  booked INTEGER NOT NULL DEFAULT 0 CHECK (booked IN (0, 1)),
  source TEXT NOT NULL DEFAULT 'csv',
  content_hash INTEGER NOT NULL,
  created_batch_id INTEGER REFERENCES ingest_batch(id),
  updated_batch_id INTEGER REFERENCES ingest_batch(id)
, statement_id INTEGER REFERENCES bank_statement(id), counterparty_iban TEXT, counterparty_name TEXT, free_text TEXT, manual_only INTEGER NOT NULL DEFAULT 0 CHECK (manual_only IN (0, 1)));

-- table payment_allocation on payment_allocation
CREATE TABLE "payment_allocation" (
  id INTEGER PRIMARY KEY,
  payment_id INTEGER NOT NULL REFERENCES payment(id),
  invoice_id INTEGER NOT NULL REFERENCES invoice(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  rule TEXT NOT NULL CHECK (rule = 'invoice_number' OR rule = 'structured_reference' OR rule = 'rf_reference' OR rule = 'invoice_number_in_text' OR rule = 'unique_open_amount' OR rule = 'debtor_oldest_first' OR rule = 'manual'),
  batch_id INTEGER REFERENCES ingest_batch(id),
  seen_batch_id INTEGER REFERENCES ingest_batch(id)
);

-- table peppol_document on peppol_document
CREATE TABLE peppol_document (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  invoice_number TEXT NOT NULL,
  document_type TEXT NOT NULL CHECK (document_type IN ('invoice', 'credit_note')),
  period TEXT NOT NULL CHECK (length(period) = 7),
  receiver TEXT NOT NULL,
  path TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'active', 'deferred', 'hold', 'sent', 'bounced')),
  created_at TEXT NOT NULL,
  lifetime_from TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  lease_owner TEXT,
  lease_until TEXT,
  last_attempt_at TEXT,
  last_error TEXT,
  transport TEXT,
  reply TEXT,
  sent_at TEXT,
  bounce_reason TEXT,
  updated_at TEXT NOT NULL,
  CHECK ((state = 'active') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
  CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
  CHECK ((state = 'bounced') = (bounce_reason IS NOT NULL))
);

-- table peppol_event on peppol_event
CREATE TABLE peppol_event (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES peppol_document(id),
  at TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT
);

-- table price_index on price_index
CREATE TABLE price_index (
  series TEXT NOT NULL,
  month TEXT NOT NULL CHECK (length(month) = 7),
  value TEXT NOT NULL,
  ingest_id INTEGER REFERENCES billing_ingest(id),
  PRIMARY KEY (series, month)
) WITHOUT ROWID;

-- table promise_to_pay on promise_to_pay
CREATE TABLE promise_to_pay (
  id INTEGER PRIMARY KEY,
  debtor_id INTEGER NOT NULL REFERENCES debtor(id),
  until TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL
, amount_minor INTEGER CHECK (amount_minor > 0), currency TEXT, invoices TEXT, made_on TEXT, made_by TEXT, pause_until TEXT, source TEXT NOT NULL DEFAULT 'command' CHECK (source IN ('command', 'export')), status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'broken')), status_on TEXT);

-- table record_change on record_change
CREATE TABLE record_change (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES ingest_batch(id),
  entity TEXT NOT NULL CHECK (entity = 'debtor' OR entity = 'invoice' OR entity = 'payment'),
  entity_key TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change = 'update' OR change = 'close' OR change = 'reopen'),
  old_values TEXT NOT NULL,
  new_values TEXT NOT NULL
);

-- table report_snapshot on report_snapshot
CREATE TABLE report_snapshot (
  day TEXT NOT NULL,
  currency TEXT NOT NULL,
  not_due_minor INTEGER NOT NULL,
  days_1_30_minor INTEGER NOT NULL,
  days_31_60_minor INTEGER NOT NULL,
  days_61_90_minor INTEGER NOT NULL,
  days_over_90_minor INTEGER NOT NULL,
  open_minor INTEGER NOT NULL,
  dso TEXT,
  collected_minor INTEGER NOT NULL,
  PRIMARY KEY (day, currency)
) WITHOUT ROWID;

-- table report_snapshot_step on report_snapshot_step
CREATE TABLE report_snapshot_step (
  day TEXT NOT NULL,
  currency TEXT NOT NULL,
  step TEXT NOT NULL,
  messages INTEGER NOT NULL,
  demanded_minor INTEGER NOT NULL,
  PRIMARY KEY (day, currency, step)
) WITHOUT ROWID;

-- table run on run
CREATE TABLE "run" (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
  as_of TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'rejected', 'held', 'deferred', 'bounced', 'partial', 'failed', 'interrupted', 'skipped')),
  exit_code INTEGER,
  summary TEXT,
  pid INTEGER
);

-- table workspace_identity on workspace_identity
CREATE TABLE workspace_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  workspace_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  schema_level INTEGER NOT NULL
);

-- trigger action_journal_no_delete on action_journal
CREATE TRIGGER action_journal_no_delete BEFORE DELETE ON action_journal
  BEGIN SELECT RAISE(ABORT, 'action_journal is append-only'); END;

-- trigger action_journal_no_update on action_journal
CREATE TRIGGER action_journal_no_update BEFORE UPDATE ON action_journal
  WHEN NOT (NEW.detail = '{}' AND NEW.at IS OLD.at AND NEW.who IS OLD.who AND NEW.action IS OLD.action
    AND NEW.debtor_id IS OLD.debtor_id AND NEW.invoice_id IS OLD.invoice_id AND NEW.payment_id IS OLD.payment_id)
  BEGIN SELECT RAISE(ABORT, 'action_journal is append-only'); END;

-- trigger outbox_message_key_once on outbox_message
CREATE TRIGGER outbox_message_key_once BEFORE INSERT ON outbox_message
WHEN CASE WHEN typeof(NEW.idempotency_key) = 'blob'
  THEN NEW.dunning_event_id IS NULL OR NEW.idempotency_key IS NOT CAST(NEW.dunning_event_id AS BLOB)
    OR EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = COALESCE(e.idempotency_key, 'dunning:' || e.as_of || ':' || (SELECT kd.debtor_key FROM debtor kd WHERE kd.id = e.debtor_id) || ':' || e.step || ':' || printf('%x', e.key_digest))
               WHERE e.id = NEW.dunning_event_id)
  ELSE EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = CAST(e.id AS BLOB)
               WHERE e.id IN (SELECT ke.id FROM dunning_event ke WHERE ke.idempotency_key = NEW.idempotency_key UNION ALL SELECT ke.id FROM dunning_event ke WHERE ke.debtor_id = (SELECT kd.id FROM debtor kd WHERE kd.debtor_key = substr(substr(NEW.idempotency_key, 20), 1, instr(substr(NEW.idempotency_key, 20), ':') - 1)) AND ke.as_of = substr(NEW.idempotency_key, 9, 10) AND substr(NEW.idempotency_key, 1, 8) = 'dunning:' AND ke.key_digest IS NOT NULL AND COALESCE(ke.idempotency_key, 'dunning:' || ke.as_of || ':' || (SELECT kd.debtor_key FROM debtor kd WHERE kd.id = ke.debtor_id) || ':' || ke.step || ':' || printf('%x', ke.key_digest)) = NEW.idempotency_key)) END
BEGIN SELECT RAISE(ABORT, 'outbox_message: a message with this idempotency key exists'); END;

-- view outbox_message_instant on outbox_message_instant
CREATE VIEW outbox_message_instant AS SELECT id, created_at,
  CASE WHEN lifetime_from = '' THEN created_at ELSE lifetime_from END AS lifetime_from,
  CASE WHEN next_attempt_at = '' THEN created_at ELSE next_attempt_at END AS next_attempt_at,
  COALESCE(last_attempt_at, sent_at) AS last_attempt_at, sent_at,
  CASE WHEN updated_at = '' THEN sent_at ELSE updated_at END AS updated_at
FROM outbox_message;
