package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The queries of the periodic reports and the public statistics (SPEC 9).
// They read the event log, the deadlines and the reports' classification
// columns, never a sealed column: statistics need no personal data.

// StatReport is what the statistics read of a report: its classification
// and marks as recorded now.
type StatReport struct {
	ID           int64
	Code         string
	ReceivedAt   time.Time
	State        string // the state now
	Field, Unit  string
	Agency       string // the agency now: forwarded to, or proposed before
	Edition      string // the edition of the routing table it was routed with, "" if not recorded
	Urgent       bool
	Complex      bool
	Confidential bool
	Duplicate    bool // linked to an earlier report with the same content
	CallFailures int
	Rating       string // rat-hai-long, hai-long, khong-hai-long or ""
}

// Transition is one change of a report's state in the log.
type Transition struct {
	Report   StatReport
	At       time.Time
	From, To string
	// Agency is the report's agency just after the change: the one it was
	// forwarded to, or that returned or resolved it. Events that do not
	// record it take the latest one recorded before them, else the
	// report's current agency. It is "" for a receipt or a rejection,
	// which no agency answers for.
	Agency string
	// Reason is the category of a rejection, or the level of the rating
	// that closed the report; "" when not recorded.
	Reason string
	// CoAgencies are the report's co-agencies just after the change (Art
	// 7.1): those it was forwarded to with the lead.
	CoAgencies []string
}

// Step is a deadline completed — met, late or excused — with its report:
// one step of the process done (SPEC 5, 9.3). Superseded deadlines are
// not steps: a result sent back counts when it is redone (SPEC 5.5).
type Step struct {
	Report  StatReport
	Kind    string // intake, return, resolve, publish, clarification
	Start   time.Time
	Due     time.Time // zero: open-ended
	Done    time.Time
	Clock   bool
	Outcome string // met, late, excused
	// Agency is the report's agency when a return or resolve step was
	// done, as for Transition.Agency; "" for the Center's steps.
	Agency string
}

// OpenReport is a report still open at an instant: received, forwarded,
// returned, resolved (waiting for publication) or escalated then.
type OpenReport struct {
	Report StatReport
	State  string // the state at the instant
	// Agency is the agency holding a report forwarded at the instant, as
	// for Transition.Agency; "" in the other states.
	Agency string
	// Kind, Start, Due and Clock are those of the deadline of the state's
	// step in force at the instant (intake while received or returned,
	// resolve while forwarded, publish while resolved); Kind is "" when
	// there is none (escalated), and Due is zero when it is open-ended.
	Kind  string
	Start time.Time
	Due   time.Time
	Clock bool
}

// PublicCount is the number of reports that are not confidential with one
// field, unit and state now.
type PublicCount struct {
	Field, Unit, State string
	N                  int
}

// PeriodicReport records that the periodic report of a kind and period was
// written to the outbox.
type PeriodicReport struct {
	Kind   string // daily, monthly, quarterly, semiannual, annual
	Period string // the period's name within its kind, "2026-03"
	Start  time.Time
	End    time.Time
	SentAt time.Time
	Mails  int // the mails written
}

// ErrExists is returned when recording what is already recorded.
var ErrExists = errors.New("already recorded")

const statColumns = `r.id, r.code, r.received_at, r.state, r.field, r.unit, r.agency, r.edition,
	r.urgent, r.complex, r.confidential, r.duplicate_of IS NOT NULL, r.call_failures, r.rating`

// agencyBefore is the agency the report had at an event of the log: the
// latest recorded at or before it, else the report's current agency. cond
// bounds the events read (a.id <= …, a.at <= …).
func agencyBefore(cond string) string {
	return `coalesce((SELECT a.agency FROM events a WHERE a.report_id = r.id AND a.agency != '' AND ` + cond +
		` ORDER BY a.id DESC LIMIT 1), r.agency)`
}

type scanner interface{ Scan(...any) error }

// scanStat scans statColumns followed by more destinations.
func scanStat(s scanner, r *StatReport, more ...any) error {
	var received int64
	var urgent, complex, confidential, duplicate int
	dest := append([]any{&r.ID, &r.Code, &received, &r.State, &r.Field, &r.Unit, &r.Agency, &r.Edition,
		&urgent, &complex, &confidential, &duplicate, &r.CallFailures, &r.Rating}, more...)
	if err := s.Scan(dest...); err != nil {
		return err
	}
	r.ReceivedAt = time.Unix(received, 0).UTC()
	r.Urgent, r.Complex, r.Confidential, r.Duplicate = urgent != 0, complex != 0, confidential != 0, duplicate != 0
	return nil
}

// each runs query and calls scan on each row; what, for errors.
func (t *Tx) each(what, query string, args []any, scan func(*txRows) error) error {
	rows, err := t.query(query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// ReceivedBetween calls fn for each report received in [from, to), in the
// order of receipt.
func (t *Tx) ReceivedBetween(from, to time.Time, fn func(StatReport) error) error {
	q := `SELECT ` + statColumns + ` FROM reports r WHERE r.received_at >= ? AND r.received_at < ? ORDER BY r.received_at, r.id`
	return t.each("received reports", q, []any{from.Unix(), to.Unix()}, func(rows *txRows) error {
		var r StatReport
		if err := scanStat(rows, &r); err != nil {
			return fmt.Errorf("store: received reports: %w", err)
		}
		return fn(r)
	})
}

// TransitionsBetween calls fn for each change of state logged in
// [from, to), in time order. Events that leave the state as it
// was (notes, marks, replies) are not changes.
func (t *Tx) TransitionsBetween(from, to time.Time, fn func(Transition) error) error {
	q := `SELECT ` + statColumns + `, e.at, e.from_state, e.to_state,
		CASE WHEN e.to_state IN ('received', 'rejected') THEN '' ELSE ` + agencyBefore(`a.id <= e.id`) + ` END, e.reason, e.co_agencies
		FROM events e INDEXED BY events_moves JOIN reports r ON r.id = e.report_id
		WHERE e.from_state != e.to_state AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id`
	return t.each("transitions", q, []any{from.Unix(), to.Unix()}, func(rows *txRows) error {
		var tr Transition
		var at int64
		var co string
		if err := scanStat(rows, &tr.Report, &at, &tr.From, &tr.To, &tr.Agency, &tr.Reason, &co); err != nil {
			return fmt.Errorf("store: transitions: %w", err)
		}
		tr.At, tr.CoAgencies = time.Unix(at, 0).UTC(), splitCodes(co)
		return fn(tr)
	})
}

// StepsBetween calls fn for each deadline completed (met, late or
// excused) in [from, to), in the order of completion.
func (t *Tx) StepsBetween(from, to time.Time, fn func(Step) error) error {
	q := `SELECT ` + statColumns + `, d.kind, d.start_at, d.due_at, d.done_at, d.clock, d.state,
		CASE WHEN d.kind IN ('return', 'resolve') THEN ` + agencyBefore(`a.at <= d.done_at`) + ` ELSE '' END
		FROM deadlines d INDEXED BY deadlines_done JOIN reports r ON r.id = d.report_id
		WHERE (d.state = 'met' OR d.state = 'late' OR d.state = 'excused') AND d.done_at >= ? AND d.done_at < ?
		ORDER BY d.done_at, d.id`
	return t.each("steps", q, []any{from.Unix(), to.Unix()}, func(rows *txRows) error {
		var s Step
		var start, done int64
		var due sql.NullInt64
		var clock int
		if err := scanStat(rows, &s.Report, &s.Kind, &start, &due, &done, &clock, &s.Outcome, &s.Agency); err != nil {
			return fmt.Errorf("store: steps: %w", err)
		}
		s.Start, s.Due, s.Done, s.Clock = time.Unix(start, 0).UTC(), fromUnix(due), time.Unix(done, 0).UTC(), clock != 0
		return fn(s)
	})
}

// openAtQuery finds the reports open at ?1. A report open then is open now
// or changed state since, so only those are read: the cost follows the
// reports open now and the changes after ?1, not the whole history. Its
// state then is that of its last change before ?1 ("received" when none:
// received before ?1 but ingested after), and its deadline the latest of
// the step's kind opened by then (the deadline's start when the row does
// not record when it was opened).
var openAtQuery = `WITH cand(id) AS (
		SELECT id FROM reports WHERE received_at < ?1 AND state IN ('received', 'forwarded', 'returned', 'resolved', 'escalated')
		UNION
		SELECT report_id FROM events INDEXED BY events_moves WHERE from_state != to_state AND at >= ?1
	), s AS (
		SELECT r.id, coalesce((SELECT e.to_state FROM events e WHERE e.report_id = r.id AND e.from_state != e.to_state AND e.at < ?1
			ORDER BY e.id DESC LIMIT 1), 'received') AS state_at
		FROM cand JOIN reports r ON r.id = cand.id WHERE r.received_at < ?1
	), o AS (
		SELECT s.id, s.state_at, (SELECT d.id FROM deadlines d WHERE d.report_id = s.id
			AND d.kind = (CASE s.state_at WHEN 'forwarded' THEN 'resolve' WHEN 'resolved' THEN 'publish' WHEN 'escalated' THEN '' ELSE 'intake' END)
			AND coalesce(d.opened_at, d.start_at) <= ?1 ORDER BY d.id DESC LIMIT 1) AS dl
		FROM s WHERE s.state_at IN ('received', 'forwarded', 'returned', 'resolved', 'escalated')
	)
	SELECT ` + statColumns + `, o.state_at, CASE WHEN o.state_at = 'forwarded' THEN ` + agencyBefore(`a.at < ?1`) + ` ELSE '' END,
		coalesce(d.kind, ''), d.start_at, d.due_at, coalesce(d.clock, 0), d.done_at
	FROM o JOIN reports r ON r.id = o.id LEFT JOIN deadlines d ON d.id = o.dl ORDER BY r.id`

// OpenAt calls fn for each report open at the instant at, with its state,
// agency and deadline then, in the order of the reports' ids.
func (t *Tx) OpenAt(at time.Time, fn func(OpenReport) error) error {
	return t.each("open reports", openAtQuery, []any{at.Unix()}, func(rows *txRows) error {
		var o OpenReport
		var start, due, done sql.NullInt64
		var clock int
		if err := scanStat(rows, &o.Report, &o.State, &o.Agency, &o.Kind, &start, &due, &clock, &done); err != nil {
			return fmt.Errorf("store: open reports: %w", err)
		}
		if done.Valid && done.Int64 <= at.Unix() {
			// The step's deadline was closed by then: none was in force.
			o.Kind, start, due, clock = "", sql.NullInt64{}, sql.NullInt64{}, 0
		}
		o.Start, o.Due, o.Clock = fromUnix(start), fromUnix(due), clock != 0
		return fn(o)
	})
}

// PublicCounts counts the reports that are not confidential by field,
// unit and state now (Art 11.2, SPEC 9.4).
func (t *Tx) PublicCounts() ([]PublicCount, error) {
	var out []PublicCount
	q := `SELECT field, unit, state, count(*) FROM reports WHERE confidential = 0 GROUP BY field, unit, state ORDER BY field, unit, state`
	err := t.each("public counts", q, nil, func(rows *txRows) error {
		var c PublicCount
		if err := rows.Scan(&c.Field, &c.Unit, &c.State, &c.N); err != nil {
			return fmt.Errorf("store: public counts: %w", err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// ReceivedBefore reports whether any report was received before t.
func (t *Tx) ReceivedBefore(at time.Time) (bool, error) {
	var found bool
	if err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM reports WHERE received_at < ?)`, at.Unix()).Scan(&found); err != nil {
		return false, fmt.Errorf("store: reports before %s: %w", at.Format(time.RFC3339), err)
	}
	return found, nil
}

// PeriodicReportSent reports whether the periodic report of a kind and
// period was written to the outbox.
func (t *Tx) PeriodicReportSent(kind, period string) (bool, error) {
	var n int
	if err := t.queryRow(`SELECT count(*) FROM periodic_reports WHERE kind = ? AND period = ?`, kind, period).Scan(&n); err != nil {
		return false, fmt.Errorf("store: periodic report %s %s: %w", kind, period, err)
	}
	return n > 0, nil
}

// RecordPeriodicReport records that a periodic report was written to the
// outbox, in the transaction that wrote it. Recording the same kind and
// period twice fails with ErrExists.
func (t *Tx) RecordPeriodicReport(p PeriodicReport) error {
	res, err := t.exec(`INSERT INTO periodic_reports (kind, period, start_at, end_at, sent_at, mails) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, period) DO NOTHING`, p.Kind, p.Period, p.Start.Unix(), p.End.Unix(), p.SentAt.Unix(), p.Mails)
	if err != nil {
		return fmt.Errorf("store: periodic report %s %s: %w", p.Kind, p.Period, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: periodic report %s %s: %w", p.Kind, p.Period, ErrExists)
	}
	return nil
}
