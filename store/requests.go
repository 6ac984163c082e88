package store

import (
	"database/sql"
	"fmt"
	"time"
)

// Request is a data subject's request (Law 91/2025 art. 4; Decree 356
// art. 5): to receive a copy of their data, to have it erased, or another
// (correction, restriction, objection), with its legal deadlines.
type Request struct {
	ID         int64
	Kind       string // a kind of rules/privacy: "copy", "erasure" or "other"
	ReceivedAt time.Time
	// Note names the request — its reference in the Center's register,
	// the reports it concerns — rather than the person: it is kept after
	// the reports' data is erased.
	Note string
	// AckDue and Due are the deadlines to acknowledge and to answer it.
	AckDue, Due time.Time
	// AcknowledgedAt, ExtendedAt and DoneAt are when it was acknowledged,
	// its deadline extended (once), and answered; zero until then.
	AcknowledgedAt, ExtendedAt, DoneAt time.Time
	CreatedAt                          time.Time
}

// AddRequest records a request.
func (t *Tx) AddRequest(r Request) (Request, error) {
	id, err := t.nextID("requests")
	if err != nil {
		return r, err
	}
	r.ID = id
	_, err = t.exec(`INSERT INTO requests (id, kind, received_at, note, ack_due, due, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, r.Kind, r.ReceivedAt.Unix(), t.db.keys.seal("requests", "note", id, r.Note), r.AckDue.Unix(), r.Due.Unix(), r.CreatedAt.Unix())
	if err != nil {
		return r, fmt.Errorf("store: request: %w", err)
	}
	return r, nil
}

// UpdateRequest writes a request's acknowledgement, extension (with its new
// due time) and answer.
func (t *Tx) UpdateRequest(r Request) error {
	res, err := t.exec(`UPDATE requests SET due = ?, acknowledged_at = ?, extended_at = ?, done_at = ? WHERE id = ?`,
		r.Due.Unix(), unix(r.AcknowledgedAt), unix(r.ExtendedAt), unix(r.DoneAt), r.ID)
	if err != nil {
		return fmt.Errorf("store: request %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: request %d: %w", r.ID, ErrNotFound)
	}
	return nil
}

// RequestByID returns a request.
func (t *Tx) RequestByID(id int64) (Request, error) {
	rs, err := t.requests(`WHERE id = ?`, id)
	if err != nil {
		return Request{}, err
	}
	if len(rs) == 0 {
		return Request{}, fmt.Errorf("request %d: %w", id, ErrNotFound)
	}
	return rs[0], nil
}

// Requests returns the requests not yet answered (all when all is set),
// by due time.
func (t *Tx) Requests(all bool) ([]Request, error) {
	if all {
		return t.requests(`ORDER BY id`)
	}
	return t.requests(`WHERE done_at IS NULL ORDER BY due, id`)
}

func (t *Tx) requests(where string, args ...any) ([]Request, error) {
	rows, err := t.query(`SELECT id, kind, received_at, note, ack_due, due, acknowledged_at, extended_at, done_at, created_at
		FROM requests `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: requests: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		var received, ack, due, created int64
		var acked, extended, done sql.NullInt64
		var note []byte
		if err := rows.Scan(&r.ID, &r.Kind, &received, &note, &ack, &due, &acked, &extended, &done, &created); err != nil {
			return nil, fmt.Errorf("store: requests: %w", err)
		}
		r.ReceivedAt, r.AckDue, r.Due, r.CreatedAt = time.Unix(received, 0).UTC(), time.Unix(ack, 0).UTC(), time.Unix(due, 0).UTC(), time.Unix(created, 0).UTC()
		r.AcknowledgedAt, r.ExtendedAt, r.DoneAt = fromUnix(acked), fromUnix(extended), fromUnix(done)
		if r.Note, err = t.db.keys.open("requests", "note", r.ID, note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
