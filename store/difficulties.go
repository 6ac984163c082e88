package store

import (
	"fmt"
	"time"
)

// The queries of a period's difficulties (SPEC 9.5, Art 13.4 "vướng mắc"):
// the reports escalated, returned more than once, overdue by more than
// their own limit, or extended. Escalations are transitions and overdue
// steps come from StepsBetween and OpenAt; these find the other two.

// ReasonExtended is the reason of an event that confirmed a complex-case
// extension (Art 8.3).
const ReasonExtended = "extended"

// EventsWithReason calls fn for each event recorded with a reason in
// [from, to), in time order, as a Transition: From and To are the state
// before and after (the same for a mark such as a confirmed extension),
// Agency the report's agency then.
func (t *Tx) EventsWithReason(reason string, from, to time.Time, fn func(Transition) error) error {
	q := `SELECT ` + statColumns + `, e.at, e.from_state, e.to_state, ` + agencyBefore(`a.id <= e.id`) + `, e.reason
		FROM events e INDEXED BY events_reasons JOIN reports r ON r.id = e.report_id
		WHERE e.reason = ? AND e.reason != '' AND e.at >= ? AND e.at < ? ORDER BY e.at, e.id`
	return t.each("events", q, []any{reason, from.Unix(), to.Unix()}, func(rows *txRows) error {
		var tr Transition
		var at int64
		if err := scanStat(rows, &tr.Report, &at, &tr.From, &tr.To, &tr.Agency, &tr.Reason); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
		tr.At = time.Unix(at, 0).UTC()
		return fn(tr)
	})
}

// Returned is a report that agencies returned more than once by the end of
// a period, one of the returns in it.
type Returned struct {
	Report StatReport
	// Returns counts the returns before the period's end; Last is the
	// latest of them and Agency the agency that made it.
	Returns int
	Last    time.Time
	Agency  string
}

// ReturnedAgain calls fn for each report returned in [from, to) that
// agencies had returned at least twice before to, in the order of the
// reports' ids. Only the reports returned in the period are read.
func (t *Tx) ReturnedAgain(from, to time.Time, fn func(Returned) error) error {
	const returns = `FROM events x WHERE x.report_id = r.id AND x.to_state = 'returned' AND x.from_state != x.to_state AND x.at < ?2`
	q := `WITH ret(id) AS (
			SELECT DISTINCT report_id FROM events INDEXED BY events_moves
			WHERE from_state != to_state AND to_state = 'returned' AND at >= ?1 AND at < ?2
		), n AS (
			SELECT r.id, (SELECT count(*) ` + returns + `) AS returns,
				(SELECT x.at ` + returns + ` ORDER BY x.id DESC LIMIT 1) AS last,
				(SELECT x.agency ` + returns + ` ORDER BY x.id DESC LIMIT 1) AS agency
			FROM ret JOIN reports r ON r.id = ret.id
		)
		SELECT ` + statColumns + `, n.returns, n.last, coalesce(nullif(n.agency, ''), r.agency)
		FROM n JOIN reports r ON r.id = n.id WHERE n.returns >= 2 ORDER BY r.id`
	return t.each("returned reports", q, []any{from.Unix(), to.Unix()}, func(rows *txRows) error {
		var ret Returned
		var last int64
		if err := scanStat(rows, &ret.Report, &ret.Returns, &last, &ret.Agency); err != nil {
			return fmt.Errorf("store: returned reports: %w", err)
		}
		ret.Last = time.Unix(last, 0).UTC()
		return fn(ret)
	})
}
