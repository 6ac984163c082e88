package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// Sent is a mail the SMTP server accepted, for MailsSent to record.
type Sent struct {
	Mail Mail      // as the outbox gave it (DueMail)
	At   time.Time // when the server accepted it
	Key  string    // the blob of the bytes it was given
}

// ErrRecordAlone is MailsSent's refusal of a group it does not record
// together: one of its mails is gone from the outbox, or its report was
// erased, has no data key or was given another since the mail was read.
// Nothing of the group is recorded; its caller records each mail with
// MailSent, which knows these cases, in a transaction of its own.
var ErrRecordAlone = errors.New("store: mails to record one at a time")

// sentChunk is the most mails one statement of MailsSent records. The
// statements are prepared once for each size they take, and a group is
// cut into chunks of powers of two, so that they are a few: 7 sizes, each
// an UPDATE of 5 values a row and an INSERT of 6, far below SQLite's
// bound on a statement's parameters.
const sentChunk = 64

// MailsSent records mails sent, in order, as MailSent records each — the
// outbox's rows updated, and for a mail about a report, the access log's
// entry of who received it, the entries' ids taken in the same order —
// with one UPDATE of the outbox and one INSERT into the access log for up
// to sentChunk mails, rather than two statements a mail. It records only
// what is MailSent's common case: when one of the mails is not (see
// ErrRecordAlone), it returns ErrRecordAlone. On any error it may have
// recorded part of the group: the transaction must fail with it, and the
// writer rolls it back.
func (t *Tx) MailsSent(sent []Sent) error {
	if len(sent) == 0 {
		return nil
	}
	rows, err := t.sentRows(sent)
	if err != nil {
		return err
	}
	for chunk := range inChunks(rows) {
		if err := t.updateSent(chunk); err != nil {
			return err
		}
	}
	var entries [][]any
	for _, r := range rows {
		if r.checked != "" {
			if t.keys == nil {
				t.keys = map[int64]*rowKey{}
			}
			t.keys[r.Mail.ReportID] = r.key // as sentAsRead leaves it
		}
	}
	for _, r := range rows {
		if r.Mail.ReportID == 0 {
			continue // mail about no report: periodic reports, answers to commands
		}
		e, err := t.accessEntry(Access{At: r.At, Action: AccessNotice, ReportID: r.Mail.ReportID, Role: r.Mail.Role,
			Recipient: r.Mail.To, MailID: r.Mail.ID})
		if err != nil {
			return err
		}
		if e.osUser != nil || e.reason != nil || e.query != nil {
			return fmt.Errorf("store: access log: a notice with values it does not have: %w", ErrRecordAlone)
		}
		entries = append(entries, []any{e.id, e.at, e.report, e.role, e.recipient, e.mail})
	}
	for chunk := range inChunks(entries) {
		if _, err := t.exec(noticeInsert(len(chunk)), flat(chunk, noticeColumns)...); err != nil {
			return fmt.Errorf("store: access log: %w", err)
		}
	}
	return nil
}

// sentRow is one mail of MailsSent: the key its record is sealed with,
// and the data key the report's row must name for the update (checked),
// when the key is the one the mail was read with.
type sentRow struct {
	*Sent
	sealed  []byte
	key     *rowKey
	checked string
}

// sentRows seals each mail's record of its sent bytes, with the key
// MailSent would seal it with: the one the mail was read with, for the
// first mail of a report whose key the transaction has not read (the
// update checks that the report's row still names it), the report's key
// as keyFor reads it otherwise.
func (t *Tx) sentRows(sent []Sent) ([]sentRow, error) {
	rows := make([]sentRow, len(sent))
	keyed := map[int64]*rowKey{} // the reports whose key an earlier mail of the group took
	for i := range sent {
		m, sentKey := &sent[i].Mail, sent[i].Key
		if err := t.packInPlace(sentKey); errors.Is(err, fs.ErrNotExist) {
			sentKey = "" // its archive swept (SweepOrphans): the mail is still sent
		}
		r := sentRow{Sent: &sent[i]}
		if k, ok := keyed[m.ReportID]; ok && m.ReportID != 0 {
			r.key = k
		} else if k := t.readKey(m); k != nil {
			r.key, r.checked = k, m.readKey
		} else {
			k, err := t.keyFor(m.ReportID)
			if err != nil {
				return nil, err
			}
			if m.ReportID != 0 && (k.erased || k.data == nil) {
				return nil, fmt.Errorf("mail %d: report #%d erased or without a data key: %w", m.ID, m.ReportID, ErrRecordAlone)
			}
			r.key = k
		}
		keyed[m.ReportID] = r.key
		r.sealed = r.key.seal("outbox", "sent", m.ID, sentKey)
		rows[i] = r
	}
	return rows, nil
}

// readKey is the key m was read with, as sentAsRead takes it: nil when m
// was not read with one, its report's key is the transaction's already,
// or the key store's cache no longer holds it.
func (t *Tx) readKey(m *Mail) *rowKey {
	if m.readKey == "" || m.ReportID == 0 {
		return nil
	}
	if _, ok := t.keys[m.ReportID]; ok {
		return nil
	}
	aead := t.db.keystore.cached(m.readKey)
	if aead == nil {
		return nil
	}
	return &rowKey{tx: t, report: m.ReportID, general: t.db.keys, data: aead}
}

// updateSent records a chunk of mails sent by one UPDATE, or returns
// ErrRecordAlone when it did not update each of their rows.
func (t *Tx) updateSent(rows []sentRow) error {
	args := make([]any, 0, 5*len(rows))
	for _, r := range rows {
		var report, key any
		if r.checked != "" {
			report, key = r.Mail.ReportID, r.checked
		}
		args = append(args, r.Mail.ID, r.At.Unix(), r.sealed, report, key)
	}
	res, err := t.exec(sentUpdate(len(rows)), args...)
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(rows)) {
		return fmt.Errorf("store: outbox: %d of %d mails updated: %w", n, len(rows), ErrRecordAlone)
	}
	return nil
}

// inChunks cuts rows into chunks of powers of two of at most sentChunk, the
// largest first.
func inChunks[T any](rows []T) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(rows) > 0 {
			n := sentChunk
			for n > len(rows) {
				n /= 2
			}
			if !yield(rows[:n]) {
				return
			}
			rows = rows[n:]
		}
	}
}

// flat is rows' values, a row after another, for a statement of
// len(rows) rows of width values.
func flat(rows [][]any, width int) []any {
	args := make([]any, 0, width*len(rows))
	for _, r := range rows {
		args = append(args, r...)
	}
	return args
}

// The statements of MailsSent for each size of chunk: sentUpdates[i] and
// noticeInserts[i] are of 1<<i rows.
var sentUpdates, noticeInserts [7]string

func init() {
	for i := range sentUpdates {
		n := 1 << i
		sentUpdates[i] = `UPDATE OR FAIL outbox SET state = 'sent', attempts = attempts + 1, sent_at = v.column2, sent = v.column3
		FROM (VALUES ` + values(n, 5) + `) AS v
		WHERE outbox.id = v.column1 AND (v.column4 IS NULL OR (SELECT key_id FROM reports WHERE id = v.column4) = v.column5)`
		noticeInserts[i] = `INSERT INTO access_log (id, at, action, report_id, role, recipient, mail_id) VALUES ` +
			strings.Repeat(noticeRow+", ", n-1) + noticeRow
	}
	if 1<<(len(sentUpdates)-1) != sentChunk {
		panic("store: MailsSent's statements do not match sentChunk")
	}
}

// sentUpdate is the UPDATE of n mails recorded sent: a row of values a
// mail — its id, the time, the sealed reference of its bytes, and for a
// mail recorded with the key it was read with, its report and that key,
// which the report's row must name.
func sentUpdate(n int) string { return sentUpdates[log2(n)] }

// noticeInsert is the INSERT of n entries of the access log of mails
// sent (AccessNotice), of noticeColumns values each: an entry's id, time,
// report, recipient's role, sealed recipient and mail. They have no OS
// user, reason or query: the statement leaves them NULL, as LogAccess
// writes them, and binds no value for them.
func noticeInsert(n int) string { return noticeInserts[log2(n)] }

const (
	noticeColumns = 6
	noticeRow     = "(?, ?, 'notice', ?, ?, ?, ?)"
)

func log2(n int) int {
	i := 0
	for n > 1 {
		n, i = n/2, i+1
	}
	return i
}

// values is n rows of width parameters, as VALUES lists them.
func values(n, width int) string {
	row := "(" + strings.Repeat("?, ", width-1) + "?)"
	return strings.Repeat(row+", ", n-1) + row
}
