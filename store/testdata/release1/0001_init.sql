-- The first schema. Personal data (names, phone numbers, addresses, email
-- addresses, report text, command text, file names, GPS positions) lives only
-- in BLOB columns sealed with AES-256-GCM and bound to table, column and row;
-- columns ending in _idx hold keyed HMACs for lookups, never clear values.
-- Times are Unix seconds (UTC).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

-- One row per year: the last report number given out. Numbers are never
-- reused: a report is never deleted.
CREATE TABLE report_seq (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
) STRICT;

CREATE TABLE reports (
	id              INTEGER PRIMARY KEY,
	code            TEXT    NOT NULL UNIQUE,
	state           TEXT    NOT NULL CHECK (state IN ('received', 'forwarded', 'resolved', 'published', 'closed', 'rejected', 'returned', 'escalated')),
	received_at     INTEGER NOT NULL,
	lang            TEXT    NOT NULL DEFAULT 'vi',
	citizen_email   BLOB,
	citizen_idx     BLOB,
	citizen_name    BLOB,
	phone           BLOB,
	phone_idx       BLOB,
	address         BLOB,
	workplace       BLOB,
	location        BLOB,
	incident_time   BLOB,
	declared_field  BLOB,
	subject         BLOB,
	content         BLOB,
	content_idx     BLOB,
	field           TEXT    NOT NULL DEFAULT '',
	unit            TEXT    NOT NULL DEFAULT '',
	agency          TEXT    NOT NULL DEFAULT '',
	rule            TEXT    NOT NULL DEFAULT '',
	why             TEXT    NOT NULL DEFAULT '',
	ruleset         TEXT    NOT NULL DEFAULT '',
	proposed_field  TEXT    NOT NULL DEFAULT '',
	proposed_unit   TEXT    NOT NULL DEFAULT '',
	proposed_agency TEXT    NOT NULL DEFAULT '',
	urgent          INTEGER NOT NULL DEFAULT 0,
	complex         INTEGER NOT NULL DEFAULT 0,
	confidential    INTEGER NOT NULL DEFAULT 0,
	missing         TEXT    NOT NULL DEFAULT '',
	duplicate_of    INTEGER REFERENCES reports (id),
	call_failures   INTEGER NOT NULL DEFAULT 0,
	rating          TEXT    NOT NULL DEFAULT '',
	undeliverable   INTEGER NOT NULL DEFAULT 0,
	updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_state ON reports (state);
CREATE INDEX reports_citizen ON reports (citizen_idx, received_at);
CREATE INDEX reports_received ON reports (received_at);

-- Every message taken from the mailbox or ingested from a file, with what
-- became of it. A message is recognised again by its mailbox, UIDVALIDITY and
-- UID, or by its Message-ID and content.
CREATE TABLE messages (
	id             INTEGER PRIMARY KEY,
	mailbox        TEXT,
	uidvalidity    INTEGER,
	uid            INTEGER,
	message_id_idx BLOB,
	raw_key        TEXT    NOT NULL,
	raw_size       INTEGER NOT NULL,
	sender_idx     BLOB,
	kind           TEXT    NOT NULL CHECK (kind IN ('report', 'reply', 'command', 'bounce', 'autoreply', 'junk', 'duplicate', 'quarantine')),
	report_id      INTEGER REFERENCES reports (id),
	reason         TEXT    NOT NULL DEFAULT '',
	received_at    INTEGER NOT NULL,
	processed_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX messages_uid ON messages (mailbox, uidvalidity, uid) WHERE uid IS NOT NULL;
CREATE INDEX messages_content ON messages (raw_key);
CREATE INDEX messages_report ON messages (report_id);

CREATE TABLE attachments (
	id            INTEGER PRIMARY KEY,
	report_id     INTEGER NOT NULL REFERENCES reports (id),
	message_id    INTEGER REFERENCES messages (id),
	role          TEXT    NOT NULL CHECK (role IN ('report', 'reply', 'result')),
	name          BLOB,
	type          TEXT    NOT NULL DEFAULT '',
	declared_type TEXT    NOT NULL DEFAULT '',
	size          INTEGER NOT NULL DEFAULT 0,
	blob_key      TEXT    NOT NULL DEFAULT '',
	refused       TEXT    NOT NULL DEFAULT '',
	inline        INTEGER NOT NULL DEFAULT 0,
	taken_at      INTEGER,
	gps           BLOB
) STRICT;
CREATE INDEX attachments_report ON attachments (report_id);

-- The append-only event log of every report (SPEC 3).
CREATE TABLE events (
	id         INTEGER PRIMARY KEY,
	report_id  INTEGER NOT NULL REFERENCES reports (id),
	at         INTEGER NOT NULL,
	actor      TEXT    NOT NULL,
	command    BLOB,
	message_id INTEGER REFERENCES messages (id),
	from_state TEXT    NOT NULL DEFAULT '',
	to_state   TEXT    NOT NULL DEFAULT '',
	detail     BLOB
) STRICT;
CREATE INDEX events_report ON events (report_id, id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Deadlines of SPEC 5. soon_at and due_at are indexed for the open ones that
-- still owe a reminder or an alert, so the minute watch never scans reports.
CREATE TABLE deadlines (
	id          INTEGER PRIMARY KEY,
	report_id   INTEGER NOT NULL REFERENCES reports (id),
	kind        TEXT    NOT NULL CHECK (kind IN ('intake', 'return', 'resolve', 'publish', 'clarification')),
	start_at    INTEGER NOT NULL,
	due_at      INTEGER,
	soon_at     INTEGER,
	clock       INTEGER NOT NULL DEFAULT 0,
	state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'met', 'late', 'excused', 'superseded')),
	done_at     INTEGER,
	reminded_at INTEGER,
	alerted_at  INTEGER
) STRICT;
CREATE INDEX deadlines_report ON deadlines (report_id, kind);
CREATE INDEX deadlines_remind ON deadlines (soon_at) WHERE state = 'open' AND reminded_at IS NULL;
CREATE INDEX deadlines_alert ON deadlines (due_at) WHERE state = 'open' AND alerted_at IS NULL;

-- Mail owed, written in the transaction of the change that owes it (SPEC
-- 8.2). The worker renders data with the template named by kind and sends
-- it; sent_key then holds the exact bytes the SMTP server accepted.
CREATE TABLE outbox (
	id          INTEGER PRIMARY KEY,
	report_id   INTEGER REFERENCES reports (id),
	kind        TEXT    NOT NULL,
	rcpt        BLOB    NOT NULL,
	rcpt_idx    BLOB    NOT NULL,
	rcpt_role   TEXT    NOT NULL,
	message_id  TEXT    NOT NULL UNIQUE,
	thread      BLOB,
	lang        TEXT    NOT NULL DEFAULT 'vi',
	data        BLOB    NOT NULL,
	state       TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'suppressed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL,
	last_error  BLOB,
	created_at  INTEGER NOT NULL,
	sent_at     INTEGER,
	sent_key    TEXT
) STRICT;
CREATE INDEX outbox_queue ON outbox (next_at) WHERE state = 'queued';
CREATE INDEX outbox_rcpt ON outbox (rcpt_idx, created_at);
CREATE INDEX outbox_report ON outbox (report_id);
