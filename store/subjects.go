package store

import (
	"database/sql"
	"fmt"
	"time"
)

// SubjectReport is one report of a data subject (SPEC 10.5, 12.1 subject).
type SubjectReport struct {
	ID         int64
	Code       string
	State      string
	ReceivedAt time.Time
	ClosedAt   time.Time // zero while open
	Held       bool
	ErasedAt   time.Time // zero when its personal data is kept
}

// SubjectReports returns the reports whose citizen has the email address or
// the phone number (either may be ""), found through the HMAC indexes —
// the clear values are never compared — oldest first. Erased reports have
// lost their indexes: they are not found.
func (t *Tx) SubjectReports(email, phone string) ([]SubjectReport, error) {
	k := t.db.keys
	em, ph := k.indexOf(IndexEmail, email), k.indexOf(IndexPhone, phone)
	if em == nil && ph == nil {
		return nil, nil
	}
	rows, err := t.query(`SELECT id, code, state, received_at, closed_at, held_at IS NOT NULL, erased_at FROM reports
		WHERE (citizen_idx = ? OR phone_idx = ?) ORDER BY received_at, id`, em, ph)
	if err != nil {
		return nil, fmt.Errorf("store: subject: %w", err)
	}
	defer rows.Close()
	var out []SubjectReport
	for rows.Next() {
		var s SubjectReport
		var received int64
		var closed, erased sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Code, &s.State, &received, &closed, &s.Held, &erased); err != nil {
			return nil, fmt.Errorf("store: subject: %w", err)
		}
		s.ReceivedAt, s.ClosedAt, s.ErasedAt = time.Unix(received, 0).UTC(), fromUnix(closed), fromUnix(erased)
		out = append(out, s)
	}
	return out, rows.Err()
}
