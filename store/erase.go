package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// Erasure is one destruction of a report's personal data (SPEC 10.5).
type Erasure struct {
	ID         int64
	ReportCode string
	At         time.Time
	Cause      string // ErasureRequest or ErasureRetention
	Reason     string // the request's reason; "" for retention
	Actor      string // the OS user who ran the command, or the daemon's
	DoneAt     time.Time
}

// The causes of an erasure.
const (
	ErasureRequest   = "request"   // phananh erase, a data subject's request
	ErasureRetention = "retention" // the daily job, past [privacy] retention
)

// ErasureCheck says whether a report may be erased now: nil, or the error
// that names why not (rules/privacy.Erasable).
type ErasureCheck func(r Report, open []Deadline) error

// ErrErased is returned by Erase for a report that holds no personal data
// any more.
var ErrErased = errors.New("its personal data is already erased")

// Erase destroys a report's personal data, after check allows it, in one
// transaction that records the erasure (and the access of its actor) and
// empties every sealed column of the report's rows and every index of them;
// then destroys its data key and deletes its files (FinishErasures). It
// fails when its own erasure is left unfinished, not another's. What
// the statistics read — codes, states, dates, field, unit, agency,
// deadlines, rating, the events' states — stays. The events' texts stay
// sealed under the destroyed key: unreadable, as in every backup.
func (db *DB) Erase(ctx context.Context, code string, e Erasure, check ErasureCheck) (Erasure, error) {
	err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		var keyID sql.NullString
		if err := tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, r.ID).Scan(&keyID); err != nil {
			return err
		}
		if !keyID.Valid {
			return fmt.Errorf("report %s: %w (%s)", code, ErrErased, r.ErasedAt.In(calendar.Vietnam).Format(time.RFC3339))
		}
		ds, err := tx.Deadlines(r.ID)
		if err != nil {
			return err
		}
		var open []Deadline
		for _, d := range ds {
			if d.State == "open" {
				open = append(open, d)
			}
		}
		if err := check(r, open); err != nil {
			return err
		}
		e.ReportCode = r.Code
		e.ID, err = tx.eraseReport(r.ID, keyID.String, e)
		if err != nil {
			return err
		}
		action := AccessErase
		if e.Cause == ErasureRetention {
			action = AccessRetention
		}
		return tx.LogAccess(Access{At: e.At, Action: action, ReportID: r.ID, OSUser: e.Actor, Reason: e.Reason})
	})
	if err != nil {
		return e, err
	}
	if _, err = db.FinishErasures(ctx, time.Now()); err != nil && db.erasureDone(ctx, e.ID) {
		err = nil // another erasure's, tried again at start and by the daily job
	}
	return e, err
}

// erasureDone reports whether the erasure with id is finished.
func (db *DB) erasureDone(ctx context.Context, id int64) bool {
	var done bool
	err := db.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT done_at IS NOT NULL FROM erasures WHERE id = ?`, id).Scan(&done)
	})
	return err == nil && done
}

// eraseReport empties a report's sealed and index columns, forgets its data
// key, and records the erasure with the names of its blob files.
func (t *Tx) eraseReport(reportID int64, keyID string, e Erasure) (int64, error) {
	names, err := t.reportBlobs(reportID)
	if err != nil {
		return 0, err
	}
	for _, l := range [][]sealedTable{sealedColumns, indexColumns} {
		for _, st := range l {
			if st.table == "events" {
				continue // append-only: its texts stay sealed under the destroyed key
			}
			set := make([]string, len(st.columns))
			for i, c := range st.columns {
				set[i] = c + " = " + emptyValue(st.table, c)
			}
			if _, err := t.exec(`UPDATE `+st.table+` SET `+strings.Join(set, ", ")+` WHERE `+st.report+` = ?`, reportID); err != nil {
				return 0, fmt.Errorf("store: erase %s: %w", st.table, err)
			}
		}
	}
	if _, err := t.exec(`UPDATE reports SET key_id = NULL, erased_at = ?, held_at = NULL WHERE id = ?`, e.At.Unix(), reportID); err != nil {
		return 0, fmt.Errorf("store: erase: %w", err)
	}
	// Mail still queued has lost its recipient and its content: it stays
	// as the record that it was owed.
	if _, err := t.exec(`UPDATE outbox SET state = 'suppressed' WHERE report_id = ? AND state = 'queued'`, reportID); err != nil {
		return 0, fmt.Errorf("store: erase: %w", err)
	}
	if t.keys == nil {
		t.keys = map[int64]*rowKey{}
	}
	t.keys[reportID] = &rowKey{tx: t, report: reportID, general: t.db.keys, erased: true}
	id, err := t.nextID("erasures")
	if err != nil {
		return 0, err
	}
	g := t.db.keys
	_, err = t.exec(`INSERT INTO erasures (id, report_id, at, cause, key_id, reason, actor, blobs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, reportID, e.At.Unix(), e.Cause, keyID, g.seal("erasures", "reason", id, e.Reason), g.seal("erasures", "actor", id, e.Actor),
		strings.Join(names, " "))
	if err != nil {
		return 0, fmt.Errorf("store: erasure: %w", err)
	}
	return id, nil
}

// emptyValue is what an erased column holds: NULL, or an empty value where
// the schema wants one.
func emptyValue(table, column string) string {
	switch table + "." + column {
	case "outbox.rcpt", "outbox.data", "outbox.rcpt_idx":
		return "x''"
	case "messages.raw_key":
		return "''"
	}
	return "NULL"
}

// reportBlobs returns the places of the blobs of a report's rows
// (blobRef.place): the names of their files, the ranges of their packs,
// each checked to hold its blob (Blobs.freeable).
func (t *Tx) reportBlobs(reportID int64) ([]string, error) {
	refs, err := t.reportRefs(reportID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var names []string
	for _, ref := range refs {
		if r, err := parseRef(ref); err == nil && !seen[r.place()] && t.db.blobs.freeable(r) {
			seen[r.place()] = true
			names = append(names, r.place())
		}
	}
	return names, nil
}

// reportRefs returns the blob references of a report's rows: its messages,
// attachments, the mail sent about it and the files that mail carried.
func (t *Tx) reportRefs(reportID int64) ([]string, error) {
	var refs []string
	ms, err := t.ReportMessages(reportID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		refs = append(refs, m.RawKey)
	}
	as, err := t.Attachments(reportID, "")
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		refs = append(refs, a.BlobKey)
	}
	mails, err := t.ReportMail(reportID)
	if err != nil {
		return nil, err
	}
	return append(refs, mailRefs(mails)...), nil
}

// mailRefs returns the blob references of mails: the bytes sent and the
// files carried.
func mailRefs(mails []Mail) []string {
	var refs []string
	for _, m := range mails {
		refs = append(refs, m.SentKey)
		for _, f := range m.Attachments {
			refs = append(refs, f.BlobKey)
		}
	}
	return refs
}

// ReportMessages returns the messages recorded for a report, oldest first.
func (t *Tx) ReportMessages(reportID int64) ([]Message, error) {
	rows, err := t.query(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
		WHERE m.report_id = ? ORDER BY m.id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	var out []Message
	for rows.Next() {
		m, err := t.scanMessage(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	return out, rows.Err()
}

// FinishErasures destroys the data keys and deletes the files of the
// erasures committed but not finished — after a crash between the two, or
// when the key store could not be written — and returns how many it
// finished. The key goes first: an erasure whose files cannot be deleted
// (an I/O error) has its key destroyed all the same, and holds up none of
// the erasures after it; its files are tried again at the next run. It
// is what makes an erasure complete: run after every erasure,
// at start and by the daily job. It ends with a truncating checkpoint
// (truncateWAL), so that the pages the erasures rewrote leave no older copy
// in the WAL.
func (db *DB) FinishErasures(ctx context.Context, now time.Time) (int, error) {
	type pending struct {
		id           int64
		keyID, blobs string
		at           int64
	}
	var todo []pending
	err := db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT id, key_id, blobs, at FROM erasures WHERE done_at IS NULL ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.id, &p.keyID, &p.blobs, &p.at); err != nil {
				return err
			}
			todo = append(todo, p)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("store: erasures: %w", err)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	n := 0
	var errs []error
	for _, p := range todo {
		if err := db.keystore.destroy(ctx, p.keyID, time.Unix(p.at, 0)); err != nil {
			return n, errors.Join(append(errs, err)...)
		}
		if err := db.removeNames(p.blobs); err != nil {
			errs = append(errs, err) // tried again with the next run; the erasures after it go on
			continue
		}
		err := db.Write(ctx, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE erasures SET done_at = ?, blobs = '' WHERE id = ?`, now.Unix(), p.id)
			return err
		})
		if err != nil {
			return n, errors.Join(append(errs, fmt.Errorf("store: erasures: %w", err))...)
		}
		n++
	}
	return n, errors.Join(append(errs, db.truncateWAL(ctx))...)
}

// removeNames deletes the blobs of an erasure's places.
func (db *DB) removeNames(places string) error {
	for _, name := range strings.Fields(places) {
		if err := db.blobs.removeName(name); err != nil {
			return err
		}
	}
	return nil
}

// ReconcileKeys destroys again the data keys of erased reports that the
// key store holds — a key store restored from a copy older than an
// erasure brings them back — and returns how many it found. The serve
// command runs it at start and the daily job with retention.
func (db *DB) ReconcileKeys(ctx context.Context) (int, error) {
	var keys []string
	var ats []int64
	err := db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT key_id, at FROM erasures WHERE done_at IS NOT NULL ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var at int64
			if err := rows.Scan(&k, &at); err != nil {
				return err
			}
			keys, ats = append(keys, k), append(ats, at)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("store: erasures: %w", err)
	}
	n := 0
	for i, k := range keys {
		has, err := db.keystore.has(ctx, k)
		if err != nil {
			return n, fmt.Errorf("key store: %w", err)
		}
		if !has {
			continue
		}
		if err := db.keystore.destroy(ctx, k, time.Unix(ats[i], 0)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Erasures returns a report's erasures, oldest first.
func (t *Tx) Erasures(reportID int64) ([]Erasure, error) {
	rows, err := t.query(`SELECT e.id, r.code, e.at, e.cause, e.reason, e.actor, e.done_at FROM erasures e
		JOIN reports r ON r.id = e.report_id WHERE e.report_id = ? ORDER BY e.id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: erasures: %w", err)
	}
	defer rows.Close()
	var out []Erasure
	for rows.Next() {
		var e Erasure
		var at int64
		var done sql.NullInt64
		var reason, actor []byte
		if err := rows.Scan(&e.ID, &e.ReportCode, &at, &e.Cause, &reason, &actor, &done); err != nil {
			return nil, fmt.Errorf("store: erasures: %w", err)
		}
		e.At, e.DoneAt = time.Unix(at, 0).UTC(), fromUnix(done)
		if e.Reason, err = t.db.keys.open("erasures", "reason", e.ID, reason); err != nil {
			return nil, err
		}
		if e.Actor, err = t.db.keys.open("erasures", "actor", e.ID, actor); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RetentionDue returns the codes of up to limit reports whose personal data
// is past retention: ended (published, closed or rejected) at or before
// cutoff, still holding personal data, not held, and with no deadline open.
func (t *Tx) RetentionDue(cutoff time.Time, limit int) ([]string, error) {
	rows, err := t.query(`SELECT code FROM reports r WHERE closed_at <= ? AND key_id IS NOT NULL AND held_at IS NULL
		AND state IN ('published', 'closed', 'rejected')
		AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.report_id = r.id AND d.state = 'open')
		ORDER BY closed_at, id LIMIT ?`, cutoff.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: retention: %w", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}
