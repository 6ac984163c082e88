package store

import (
	"database/sql"
	"fmt"
	"time"
)

// DueDeadline is an open deadline that owes its reminder or its overdue
// alert (SPEC 5.5), with what the notice says of its report. It carries no
// personal data: a notice names the report, the step and the due time.
type DueDeadline struct {
	Deadline
	Code                string // the report's code
	ReportState         string // the report's state (SPEC 3); Deadline.State is "open"
	Field, Unit, Agency string // the report's current routing
	Urgent              bool
}

// DueReminders returns up to limit open deadlines that have become due soon
// (soon_at ≤ now) but are not yet due (due_at > now) and have had no
// reminder, earliest first. A deadline already past its due instant is left
// to DueAlerts: its alert stands for the reminder it never had.
//
// The query reads the partial index deadlines_remind, which holds only the
// open deadlines still owing a reminder, so its cost does not grow with the
// number of reports; INDEXED BY makes SQLite refuse the query rather than
// scan the table should the index ever stop matching it.
func (t *Tx) DueReminders(now time.Time, limit int) ([]DueDeadline, error) {
	return t.dueDeadlines(remindQuery, now.Unix(), now.Unix(), limit)
}

// DueAlerts returns up to limit open deadlines whose due instant has come
// (due_at ≤ now) and that have had no overdue alert, earliest first. An
// open-ended deadline (no due instant) is never returned. Like DueReminders
// it reads only its partial index, deadlines_alert.
func (t *Tx) DueAlerts(now time.Time, limit int) ([]DueDeadline, error) {
	return t.dueDeadlines(alertQuery, now.Unix(), limit)
}

// MarkReminded records that a deadline's reminder was written at at. A
// deadline keeps the time of its first reminder.
func (t *Tx) MarkReminded(id int64, at time.Time) error {
	return t.markDeadline(`UPDATE deadlines SET reminded_at = coalesce(reminded_at, ?) WHERE id = ?`, at.Unix(), id)
}

// MarkAlerted records that a deadline's overdue alert was written at at. It
// marks the deadline reminded too when it was not: a deadline first seen
// after its due instant gets the alert alone, and no reminder follows it.
func (t *Tx) MarkAlerted(id int64, at time.Time) error {
	return t.markDeadline(`UPDATE deadlines SET alerted_at = coalesce(alerted_at, ?), reminded_at = coalesce(reminded_at, ?) WHERE id = ?`,
		at.Unix(), at.Unix(), id)
}

func (t *Tx) markDeadline(query string, args ...any) error {
	res, err := t.exec(query, args...)
	if err != nil {
		return fmt.Errorf("store: mark deadline: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: mark deadline %v: %w", args[len(args)-1], ErrNotFound)
	}
	return nil
}

// The watch's queries: each reads one partial index of 0001_init.sql, whose
// WHERE clause its own must repeat word for word.
var (
	remindQuery = dueQuery(`deadlines_remind`,
		`d.state = 'open' AND d.reminded_at IS NULL AND d.soon_at <= ? AND d.due_at > ? ORDER BY d.soon_at, d.id LIMIT ?`)
	alertQuery = dueQuery(`deadlines_alert`,
		`d.state = 'open' AND d.alerted_at IS NULL AND d.due_at <= ? ORDER BY d.due_at, d.id LIMIT ?`)
)

func dueQuery(index, where string) string {
	return `SELECT ` + deadlineColumns + `, r.code, r.state, r.field, r.unit, r.agency, r.urgent
		FROM deadlines d INDEXED BY ` + index + ` JOIN reports r ON r.id = d.report_id WHERE ` + where
}

// dueDeadlines runs one of the watch's queries.
func (t *Tx) dueDeadlines(query string, args ...any) ([]DueDeadline, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: due deadlines: %w", err)
	}
	defer rows.Close()
	var out []DueDeadline
	for rows.Next() {
		var d DueDeadline
		var start int64
		var clock, urgent int
		var due, soon, done, reminded, alerted sql.NullInt64
		if err := rows.Scan(&d.ID, &d.ReportID, &d.Kind, &start, &due, &soon, &clock, &d.State, &done,
			&reminded, &alerted, &d.Code, &d.ReportState, &d.Field, &d.Unit, &d.Agency, &urgent); err != nil {
			return nil, fmt.Errorf("store: due deadlines: %w", err)
		}
		d.Start, d.Clock, d.Urgent = time.Unix(start, 0).UTC(), clock != 0, urgent != 0
		d.Due, d.SoonAt, d.DoneAt = fromUnix(due), fromUnix(soon), fromUnix(done)
		d.RemindedAt, d.AlertedAt = fromUnix(reminded), fromUnix(alerted)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due deadlines: %w", err)
	}
	return out, nil
}
