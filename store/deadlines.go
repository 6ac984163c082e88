package store

import (
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Deadline is one deadline of a report (SPEC 5).
type Deadline struct {
	ID       int64
	ReportID int64
	Kind     string // intake, return, resolve, publish, clarification
	Start    time.Time
	Due      time.Time // zero: open-ended (an extension without a date yet)
	SoonAt   time.Time // when it becomes due soon
	Clock    bool      // measured in clock time rather than working time
	// OpenedAt is when the row was written: the deadline in force at a past
	// instant is the one opened last before it (Start when zero).
	OpenedAt time.Time
	State    string // open, met, late, excused, superseded
	DoneAt   time.Time
	// RemindedAt and AlertedAt record the one reminder and the one overdue
	// alert each deadline gets.
	RemindedAt, AlertedAt time.Time
}

// SetDeadline opens a deadline of a report, superseding the open one of the
// same kind (a recomputed intake deadline, a new resolve deadline after a
// reassignment).
func (t *Tx) SetDeadline(reportID int64, d Deadline) (int64, error) {
	// A report this transaction made has no open deadline of a kind it
	// has not set.
	c := t.createdByID(reportID)
	if c == nil || slices.Contains(c.deadlines, d.Kind) {
		if _, err := t.exec(`UPDATE deadlines SET state = 'superseded' WHERE report_id = ? AND kind = ? AND state = 'open'`,
			reportID, d.Kind); err != nil {
			return 0, fmt.Errorf("store: deadline: %w", err)
		}
	}
	if c != nil {
		c.deadlines = append(c.deadlines, d.Kind)
	}
	opened := d.OpenedAt
	if opened.IsZero() {
		opened = d.Start
	}
	res, err := t.exec(`INSERT INTO deadlines (report_id, kind, start_at, due_at, soon_at, clock, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		reportID, d.Kind, d.Start.Unix(), unix(d.Due), unix(d.SoonAt), boolInt(d.Clock), opened.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: deadline: %w", err)
	}
	return res.LastInsertId()
}

// CloseDeadline ends the open deadline of a kind with state met, late or
// excused. It does nothing when none is open.
func (t *Tx) CloseDeadline(reportID int64, kind, state string, at time.Time) error {
	_, err := t.exec(`UPDATE deadlines SET state = ?, done_at = ? WHERE report_id = ? AND kind = ? AND state = 'open'`,
		state, at.Unix(), reportID, kind)
	if err != nil {
		return fmt.Errorf("store: close deadline: %w", err)
	}
	return nil
}

// Deadlines returns the latest deadline of each kind a report has had.
func (t *Tx) Deadlines(reportID int64) ([]Deadline, error) {
	rows, err := t.query(`SELECT `+deadlineColumns+` FROM deadlines d WHERE report_id = ? AND id IN
		(SELECT max(id) FROM deadlines WHERE report_id = ? AND state != 'superseded' GROUP BY kind) ORDER BY id`, reportID, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: deadlines: %w", err)
	}
	return scanDeadlines(rows)
}

const deadlineColumns = `d.id, d.report_id, d.kind, d.start_at, d.due_at, d.soon_at, d.clock, d.state, d.done_at, d.reminded_at, d.alerted_at`

func scanDeadlines(rows *txRows) ([]Deadline, error) {
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		var d Deadline
		var start int64
		var clock int
		var due, soon, done, reminded, alerted sql.NullInt64
		if err := rows.Scan(&d.ID, &d.ReportID, &d.Kind, &start, &due, &soon, &clock, &d.State, &done, &reminded, &alerted); err != nil {
			return nil, fmt.Errorf("store: deadlines: %w", err)
		}
		d.Start, d.Clock = time.Unix(start, 0).UTC(), clock != 0
		d.Due, d.SoonAt, d.DoneAt = fromUnix(due), fromUnix(soon), fromUnix(done)
		d.RemindedAt, d.AlertedAt = fromUnix(reminded), fromUnix(alerted)
		out = append(out, d)
	}
	return out, rows.Err()
}

// SupersedeDeadline marks a deadline superseded, whatever its state: a
// resolve deadline that /resolve closed and /sendback opened again (a new
// row) no longer counts, so that the /resolve finally approved is the one
// the statistics see (SPEC 5.5).
func (t *Tx) SupersedeDeadline(id int64) error {
	return t.markDeadline(`UPDATE deadlines SET state = 'superseded' WHERE id = ?`, id)
}
