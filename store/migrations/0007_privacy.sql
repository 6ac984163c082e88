-- The personal data law (SPEC 10.5): retention, holds, erasures, the access
-- log and data-subject requests.
--
-- reports.closed_at is when the report last reached an end (published,
-- closed or rejected), NULL while it is open: retention counts from it.
-- reports.held_at and reports.hold (its reason, sealed) are an admin's hold,
-- which keeps the report's personal data until released.
ALTER TABLE reports ADD COLUMN closed_at INTEGER;
ALTER TABLE reports ADD COLUMN held_at INTEGER;
ALTER TABLE reports ADD COLUMN hold BLOB;
UPDATE reports SET closed_at = coalesce(
	(SELECT max(e.at) FROM events e WHERE e.report_id = reports.id AND e.to_state = reports.state AND e.from_state != e.to_state),
	updated_at)
	WHERE state IN ('published', 'closed', 'rejected');
CREATE INDEX reports_retention ON reports (closed_at) WHERE key_id IS NOT NULL AND held_at IS NULL;
-- phananh subject looks reports up by phone as well as by address.
CREATE INDEX reports_phone ON reports (phone_idx) WHERE phone_idx IS NOT NULL;

-- Each destruction of a report's personal data: when, why, by whom (sealed
-- under the general key, so that the record outlives the data), the data
-- key destroyed, and — until the files are deleted and the key destroyed
-- after the commit — the names of the report's blob files.
CREATE TABLE erasures (
	id        INTEGER PRIMARY KEY,
	report_id INTEGER NOT NULL REFERENCES reports (id),
	at        INTEGER NOT NULL,
	cause     TEXT    NOT NULL CHECK (cause IN ('request', 'retention')),
	key_id    TEXT    NOT NULL,
	reason    BLOB,
	actor     BLOB,
	blobs     TEXT    NOT NULL DEFAULT '',
	done_at   INTEGER
) STRICT;
CREATE INDEX erasures_report ON erasures (report_id);
CREATE INDEX erasures_pending ON erasures (id) WHERE done_at IS NULL;

-- Who read what (SPEC 10.5): every show, export, subject and erase with the
-- OS user and the reason, every notice that carried a report's personal
-- data with its recipient. Append-only. The OS user, the reason, the
-- recipient and what a subject search looked for are sealed: the citizen's
-- own address under the report's data key (an erasure takes it too), the
-- rest under the general key.
CREATE TABLE access_log (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	action    TEXT    NOT NULL CHECK (action IN ('show', 'export', 'subject', 'erase', 'retention', 'hold', 'release', 'notice')),
	report_id INTEGER REFERENCES reports (id),
	os_user   BLOB,
	reason    BLOB,
	role      TEXT    NOT NULL DEFAULT '',
	recipient BLOB,
	query     BLOB,
	mail_id   INTEGER REFERENCES outbox (id)
) STRICT;
CREATE INDEX access_log_report ON access_log (report_id, id);
CREATE INDEX access_log_at ON access_log (at);
CREATE TRIGGER access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

-- Data-subject requests (Law art. 4; Decree 356 art. 5) and their
-- deadlines: acknowledged within 2 working days, answered within 10 days
-- (a copy) or 20 (an erasure), once extendable. The note (the request's
-- reference, sealed) should name the request, not the person.
CREATE TABLE requests (
	id              INTEGER PRIMARY KEY,
	kind            TEXT    NOT NULL CHECK (kind IN ('copy', 'erasure', 'other')),
	received_at     INTEGER NOT NULL,
	note            BLOB,
	ack_due         INTEGER NOT NULL,
	due             INTEGER NOT NULL,
	acknowledged_at INTEGER,
	extended_at     INTEGER,
	done_at         INTEGER,
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX requests_open ON requests (due) WHERE done_at IS NULL;
