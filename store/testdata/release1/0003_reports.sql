-- Periodic reports and statistics (SPEC 9). Figures are computed from the
-- event log and the deadlines, so that any past period can be computed
-- again; nothing here holds personal data.
--
-- events.agency is the agency code of the report after the event (the one it
-- was forwarded to, or that returned or resolved it), and events.reason the
-- category of a rejection (unreachable, duplicate, unverified, other), so
-- that a figure counts a step against the agency that took it even after the
-- report moved on. deadlines.opened_at is when a deadline row was written
-- (an extension or a reopened deadline keeps the start of the one it
-- replaces), so that the deadline in force at any past instant is known.
-- Rows written before these columns were filled read as '' and NULL: the
-- statistics then fall back on the report's current agency and on the
-- deadline's start.

ALTER TABLE events ADD COLUMN agency TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE deadlines ADD COLUMN opened_at INTEGER;

-- Changes of state by time, for the steps of a period and for the reports
-- that changed state after a period's end.
CREATE INDEX events_moves ON events (at) WHERE from_state != to_state;
-- Completed steps by completion time.
CREATE INDEX deadlines_done ON deadlines (done_at) WHERE state IN ('met', 'late', 'excused');

-- The periodic reports sent, one row per kind and period: a report is
-- written to the outbox in the transaction that adds its row, so it is sent
-- exactly once across restarts.
CREATE TABLE periodic_reports (
	kind     TEXT    NOT NULL,
	period   TEXT    NOT NULL,
	start_at INTEGER NOT NULL,
	end_at   INTEGER NOT NULL,
	sent_at  INTEGER NOT NULL,
	mails    INTEGER NOT NULL,
	PRIMARY KEY (kind, period)
) STRICT;
