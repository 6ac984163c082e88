package store

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// Mail is one message owed to someone, kept in the outbox until the SMTP
// server accepts it and afterwards as the record of what was sent.
type Mail struct {
	ID         int64
	ReportID   int64  // 0 for mail about no single report
	ReportCode string // filled in by the store when read
	Kind       string // the template that renders it
	To         string // the recipient's address
	Role       string // citizen, receiver, handler, approver, leader, admin, escalation
	MessageID  string // our Message-ID, without angle brackets; minted by Enqueue when empty
	ReplyTo    string // the Reply-To address: a token-bearing reply address, "" for none
	InReplyTo  string
	References []string
	Lang       string          // vi or en
	Data       json.RawMessage // the template's data
	// Attachments are the stored files sent with the mail (the result
	// notice's documents and photos, SPEC 8.3).
	Attachments []MailFile
	State       string // queued, sent, failed, suppressed
	Attempts    int
	NextAt      time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time
	SentKey     string // the blob of the bytes the server accepted
	// ThreadIndex is the Thread-Index (base64) of a staff member's mail
	// in their conversation about a report; such mail has the
	// conversation's subject (see package mailer/thread).
	ThreadIndex string

	// readKey is the data key its report had when the mail was read
	// (scanMailsUpTo), "" when none or erased: MailSent seals with it
	// once its update finds the report's row still naming it.
	readKey string
}

// Mail states.
const (
	MailQueued     = "queued"
	MailSent       = "sent"
	MailFailed     = "failed"     // refused for good by the server
	MailSuppressed = "suppressed" // recorded, never sent (automatic-reply limit)
)

// MailFile is a stored file a mail carries.
type MailFile struct {
	BlobKey string `json:"blob"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	// Inline files are shown in the mail's HTML, which refers to them as
	// "cid:CID" (the citizen's photos in the triage notice), or
	// "cid:NAME" when CID is empty (a report's chart); the others are
	// attachments.
	Inline bool   `json:"inline,omitempty"`
	CID    string `json:"cid,omitempty"`
}

type thread struct {
	ReplyTo    string   `json:"reply_to,omitempty"`
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	Index      string   `json:"thread_index,omitempty"`
}

// Enqueue writes a mail to the outbox in the current transaction, so it is
// owed exactly when the change that owes it is committed. A mail with State
// MailSuppressed is recorded but never sent.
func (t *Tx) Enqueue(m Mail, now time.Time) (Mail, error) {
	id, err := t.nextID("outbox")
	if err != nil {
		return m, err
	}
	m.ID = id
	if m.State == "" {
		m.State = MailQueued
	}
	if m.MessageID == "" {
		m.MessageID = t.db.NewMessageID(m.ReportCode, m.Kind)
	}
	if m.Lang == "" {
		m.Lang = "vi"
	}
	m.CreatedAt, m.NextAt = now, now
	k, err := t.keyFor(m.ReportID)
	if err != nil {
		return m, err
	}
	rcptIdx, rcptCap := t.indexOf(IndexEmail, m.To), t.indexOf(IndexMailbox, m.To)
	if k.keepsNothing() {
		// An erased report's mail keeps no recipient, no keyed hash of
		// it and no content (seal): it is recorded as owed, never sent,
		// as the erasure leaves the mail it finds queued.
		m.State, rcptIdx, rcptCap = MailSuppressed, []byte{}, nil
	}
	th := appendThread(nil, thread{m.ReplyTo, m.InReplyTo, m.References, m.ThreadIndex})
	var rid any
	if m.ReportID != 0 {
		rid = m.ReportID
	}
	var files []byte
	if len(m.Attachments) > 0 {
		// A batch's packed files a mail names are named by the rows of
		// the same transaction (AddAttachment checks them), or by rows
		// before it.
		for _, f := range m.Attachments {
			if err := t.fileInPlace(f.BlobKey); err != nil {
				return m, err
			}
		}
		b, err := json.Marshal(m.Attachments)
		if err != nil {
			return m, err
		}
		files = k.seal("outbox", "attachments", id, string(b))
	}
	// The values are sealed from their bytes into one pooled buffer, given
	// back once the statement has run.
	buf := getSealBuffer(sealedSize(len(m.To)) + sealedSize(len(th)) + sealedSize(len(m.Data)))
	defer putSealBuffer(buf)
	_, err = t.exec(`INSERT INTO outbox (id, report_id, kind, rcpt, rcpt_idx, rcpt_cap, rcpt_role, message_id, thread, lang, data,
		state, next_at, created_at, attachments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, rid, m.Kind, notNull(sealRow(k, buf, "outbox", "rcpt", id, m.To)), rcptIdx, rcptCap, m.Role, m.MessageID,
		sealRow(k, buf, "outbox", "thread", id, th), m.Lang, notNull(sealRow(k, buf, "outbox", "data", id, []byte(m.Data))),
		m.State, now.Unix(), now.Unix(), files)
	if err != nil {
		return m, fmt.Errorf("store: enqueue %s mail: %w", m.Kind, err)
	}
	return m, nil
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewMessageID mints a Message-ID (without angle brackets) for a mail about
// the report code: the code helps a human reading headers, the random part
// makes it unique.
func (db *DB) NewMessageID(code, kind string) string {
	b := make([]byte, 10)
	rand.Read(b)
	prefix := "phananh"
	if code != "" {
		prefix = code
	}
	return fmt.Sprintf("%s.%s.%s@%s", prefix, kind, idEncoding.EncodeToString(b), db.domain)
}

// DueMail returns up to limit queued mails whose next attempt is due.
func (t *Tx) DueMail(now time.Time, limit int) ([]Mail, error) {
	return t.DueMailExcept(now, limit, 0, nil)
}

// DueMailExcept is DueMail leaving out the mails that skip holds, at most
// held of them (the mailer's whose outcome it is recording): of those it
// decrypts nothing.
func (t *Tx) DueMailExcept(now time.Time, limit, held int, skip func(id int64) bool) ([]Mail, error) {
	if limit <= 0 {
		return nil, nil
	}
	return t.scanMailsUpTo(limit, skip, `o.state = 'queued' AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ?`, now.Unix(), limit+held)
}

// DueMailAfter is DueMailExcept reading only the mails past after in the
// outbox's order (due time, then id): the next batch read while after's
// is sent, the rows of the mails before it not scanned again.
func (t *Tx) DueMailAfter(now time.Time, after Mail, limit, held int, skip func(id int64) bool) ([]Mail, error) {
	if limit <= 0 {
		return nil, nil
	}
	at := after.NextAt.Unix()
	return t.scanMailsUpTo(limit, skip, `o.state = 'queued' AND o.next_at <= ? AND o.next_at >= ? AND (o.next_at > ? OR o.id > ?)
		ORDER BY o.next_at, o.id LIMIT ?`, now.Unix(), at, at, after.ID, limit+held)
}

// NextMailAt returns when the next queued mail is due, or the zero time.
func (t *Tx) NextMailAt() (time.Time, error) {
	var next sql.NullInt64
	err := t.queryRow(`SELECT min(next_at) FROM outbox WHERE state = 'queued'`).Scan(&next)
	return fromUnix(next), err
}

// MailByMessageID returns the mail we sent with a Message-ID.
func (t *Tx) MailByMessageID(messageID string) (Mail, error) {
	ms, err := t.mails(`o.message_id = ?`, strings.Trim(messageID, "<> "))
	if err != nil {
		return Mail{}, err
	}
	if len(ms) == 0 {
		return Mail{}, fmt.Errorf("mail %s: %w", messageID, ErrNotFound)
	}
	return ms[0], nil
}

// MailByID returns the outbox's mail with an id.
func (t *Tx) MailByID(id int64) (Mail, error) {
	ms, err := t.mails(`o.id = ?`, id)
	if err != nil {
		return Mail{}, err
	}
	if len(ms) == 0 {
		return Mail{}, fmt.Errorf("mail #%d: %w", id, ErrNotFound)
	}
	return ms[0], nil
}

// ReportMail returns every mail owed or sent about a report, oldest first.
func (t *Tx) ReportMail(reportID int64) ([]Mail, error) {
	return t.mails(`o.report_id = ? ORDER BY o.id`, reportID)
}

// MailsSince counts the mails of the given kinds written to an address's
// mailbox since a time to be sent — queued, sent or failed, not
// suppressed: the hourly caps of the automatic replies to a sender (SPEC
// 4.7) and of the answers to operators (SPEC 7.3). Every address that
// delivers to the same mailbox (fold.Mailbox: "an+1@" and "an+2@")
// counts as one.
func (t *Tx) MailsSince(to string, kinds []string, since time.Time) (int, error) {
	if len(kinds) == 0 {
		return 0, nil
	}
	args := make([]any, 2, 2+len(kinds))
	args[0], args[1] = t.indexOf(IndexMailbox, to), since.Unix()
	for _, kind := range kinds {
		args = append(args, kind)
	}
	var n int
	err := t.queryRow(mailsSinceQuery(len(kinds)), args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: mails since: %w", err)
	}
	return n, nil
}

// MailSent records that the SMTP server accepted m, as the outbox gave it
// (DueMail), and the blob of the bytes it was given; for a mail about a
// report, the access log records who received it. A mail's report,
// recipient and role are those it was written with, and the record takes
// them from m rather than reading them again. The report's key is the one
// m was read with, when the report's row still names it (sentAsRead);
// otherwise it is read, once for the mails of a report recorded in one
// transaction. A mail whose report was erased after it was read is
// recorded sent all the same — it went — but keeps no reference to the
// bytes archived, which are freed once the record commits, and its report
// is given no data key (rowKey.keepsNothing).
func (t *Tx) MailSent(m Mail, at time.Time, sentKey string) error {
	if err := t.packInPlace(sentKey); errors.Is(err, fs.ErrNotExist) {
		sentKey = "" // its archive swept (SweepOrphans): the mail is still sent
	}
	k, err := t.sentAsRead(m, at, sentKey)
	if err != nil {
		return err
	}
	if k == nil {
		if k, err = t.keyFor(m.ReportID); err != nil {
			return err
		}
		if k.keepsNothing() && sentKey != "" {
			// Its report was erased after the mail was read (another
			// process, or the retention job): the mail was sent all
			// the same, and is recorded so, but its archive, written
			// after the erasure listed the report's files, is named by
			// no row and freed.
			t.dropBlob(sentKey)
			sentKey = ""
		}
		err = t.mailUpdate(`UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, sent = ? WHERE id = ?`,
			at.Unix(), k.seal("outbox", "sent", m.ID, sentKey), m.ID)
		if err != nil {
			return err
		}
	}
	if m.ReportID == 0 {
		return nil // mail about no report: periodic reports, answers to commands
	}
	// The access log records that the mail, which carries the report's
	// personal data, went to its recipient — but not whom, once the
	// report is erased: the erasure emptied the mail's recipient, and no
	// record writes it again.
	to := m.To
	if k.erased {
		to = ""
	}
	return t.LogAccess(Access{At: at, Action: AccessNotice, ReportID: m.ReportID, Role: m.Role, Recipient: to, MailID: m.ID})
}

// sentAsRead records m sent, as MailSent does, with the data key its
// report had when m was read, rather than reading the report's row for it
// first: the update itself finds the report's row still naming that key,
// so that an erasure since (which took the key from the row) is not
// overlooked. It returns the key it sealed with, or nil when it recorded
// nothing: m's key was not read with it, or is the transaction's already,
// or is not at hand in the key store's cache, or the report's row names
// another key or none now, or m is gone — for MailSent to record it as
// before.
func (t *Tx) sentAsRead(m Mail, at time.Time, sentKey string) (*rowKey, error) {
	if m.readKey == "" || m.ReportID == 0 {
		return nil, nil
	}
	if _, ok := t.keys[m.ReportID]; ok {
		return nil, nil
	}
	aead := t.db.keystore.cached(m.readKey)
	if aead == nil {
		return nil, nil
	}
	k := &rowKey{tx: t, report: m.ReportID, general: t.db.keys, data: aead}
	res, err := t.exec(`UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = ?, sent = ?
		WHERE id = ? AND (SELECT key_id FROM reports WHERE id = ?) = ?`,
		at.Unix(), k.seal("outbox", "sent", m.ID, sentKey), m.ID, m.ReportID, m.readKey)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, nil
	}
	if t.keys == nil {
		t.keys = map[int64]*rowKey{}
	}
	t.keys[m.ReportID] = k
	return k, nil
}

// MailRetry records a failed attempt and when to try again.
func (t *Tx) MailRetry(id int64, next time.Time, reason string) error {
	k, err := t.keyOfRow("outbox", id)
	if err != nil {
		return err
	}
	return t.mailUpdate(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
		next.Unix(), k.seal("outbox", "last_error", id, reason), id)
}

// MailFailed records that the server refused a mail for good.
func (t *Tx) MailFailed(id int64, reason string) error {
	k, err := t.keyOfRow("outbox", id)
	if err != nil {
		return err
	}
	return t.mailUpdate(`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`,
		k.seal("outbox", "last_error", id, reason), id)
}

func (t *Tx) mailUpdate(query string, args ...any) error {
	res, err := t.exec(query, args...)
	if err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: outbox: %w", ErrNotFound)
	}
	return nil
}

func (t *Tx) mails(where string, args ...any) ([]Mail, error) {
	return t.scanMails(nil, where, args...)
}

// scanMails reads the outbox's mails where says, but for those skip
// holds, which it only scans.
func (t *Tx) scanMails(skip func(id int64) bool, where string, args ...any) ([]Mail, error) {
	return t.scanMailsUpTo(0, skip, where, args...)
}

// scanMailsUpTo is scanMails reading no further than the limit-th mail
// returned (none when 0): a row past it is not decrypted.
//
// A mail whose report's key is not in memory yet (keyAtHand) is opened
// once the rows are read, after one read of the key store for all such
// mails (keyStore.prefetch), rather than one read each: the mailer reads
// the mails of reports whose keys the cache dropped, in a backlog's drain.
func (t *Tx) scanMailsUpTo(limit int, skip func(id int64) bool, where string, args ...any) ([]Mail, error) {
	rows, err := t.query(`SELECT o.id, coalesce(o.report_id, 0), coalesce(r.code, ''), o.kind, o.rcpt, o.rcpt_role,
		o.message_id, o.thread, o.lang, o.data, o.state, o.attempts, o.next_at, o.last_error, o.created_at, o.sent_at,
		coalesce(o.sent_key, ''), o.sent, o.attachments, r.id IS NOT NULL, coalesce(r.key_id, ''), r.erased_at IS NOT NULL
		FROM outbox o LEFT JOIN reports r ON r.id = o.report_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []Mail
	if limit > 0 {
		out = make([]Mail, 0, limit)
	}
	var later []mailRow // the rows of out's mails whose keys are not at hand, in their order
	// One row's place, which Scan is given the fields of, for every row.
	var r mailRow
	for (limit == 0 || len(out) < limit) && rows.Next() {
		r = mailRow{}
		if err = r.scan(rows); err != nil {
			break
		}
		if skip != nil && skip(r.m.ID) {
			continue
		}
		if !t.keyAtHand(&r) {
			r.at = len(out)
			later = append(later, r.own())
			out = append(out, Mail{})
			continue
		}
		var m Mail
		if m, err = t.openRow(&r); err != nil {
			break
		}
		out = append(out, m)
	}
	if err == nil {
		err = rows.Err()
	}
	// The mails before a failure are opened first: the error returned is
	// the first mail's in the outbox's order, as when each is opened in
	// turn.
	if e := t.openLater(out, later); e != nil {
		return nil, e
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openLater opens the mails of rows, after one read of the key store for
// their reports' keys, into their places in out.
func (t *Tx) openLater(out []Mail, rows []mailRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.keyID
	}
	t.db.keystore.prefetch(t.ctx, ids)
	for i := range rows {
		m, err := t.openRow(&rows[i])
		if err != nil {
			return err
		}
		out[rows[i].at] = m
	}
	return nil
}

// mailRow is a row of the outbox as scanMailsUpTo selects it: its sealed
// columns as they are stored.
type mailRow struct {
	m                                       Mail
	rcpt, th, data, lastErr, files, sentRef sql.RawBytes
	next, created                           int64
	sent                                    sql.NullInt64
	// The mail's report: whether its row was found, its data key and
	// whether it was erased.
	found, erased bool
	keyID         string
	at            int // its mail's place in the mails returned, when opened later
}

// scan reads the row rows is at: the sealed columns as the driver holds
// them, valid until the next row (own copies them).
func (r *mailRow) scan(rows *txRows) error {
	m := &r.m
	if err := rows.Scan(&m.ID, &m.ReportID, &m.ReportCode, &m.Kind, &r.rcpt, &m.Role, &m.MessageID, &r.th, &m.Lang, &r.data,
		&m.State, &m.Attempts, &r.next, &r.lastErr, &r.created, &r.sent, &m.SentKey, &r.sentRef, &r.files,
		&r.found, &r.keyID, &r.erased); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

// own returns r with its sealed columns copied, to open after the next
// row is read.
func (r mailRow) own() mailRow {
	for _, b := range []*sql.RawBytes{&r.rcpt, &r.th, &r.data, &r.lastErr, &r.files, &r.sentRef} {
		if *b != nil {
			*b = bytes.Clone(*b)
		}
	}
	return r
}

// keyAtHand reports whether the key of r's report is known to the
// transaction or cached, so that opening r reads nothing more.
func (t *Tx) keyAtHand(r *mailRow) bool {
	if r.m.ReportID == 0 || !r.found || r.keyID == "" {
		return true
	}
	if _, ok := t.keys[r.m.ReportID]; ok {
		return true
	}
	return t.db.keystore.cached(r.keyID) != nil
}

// openRow opens the mail of r with its report's key, found from the
// report's row read with the mail.
func (t *Tx) openRow(r *mailRow) (Mail, error) {
	var k *rowKey
	var err error
	if r.m.ReportID != 0 && r.found {
		k, err = t.reportKey(r.m.ReportID, r.keyID, r.erased)
		if !r.erased {
			r.m.readKey = r.keyID
		}
	} else {
		k, err = t.keyFor(r.m.ReportID)
	}
	if err != nil {
		return r.m, err
	}
	return t.openMail(r.m, k, r.rcpt, r.th, r.data, r.lastErr, r.files, r.sentRef, r.next, r.created, r.sent)
}

// openMail fills in a mail scanned with its sealed columns opened with k.
func (t *Tx) openMail(m Mail, k *rowKey, rcpt, th, data, lastErr, files, sentRef []byte, next, created int64, sent sql.NullInt64) (Mail, error) {
	var err error
	m.NextAt, m.CreatedAt, m.SentAt = time.Unix(next, 0).UTC(), time.Unix(created, 0).UTC(), fromUnix(sent)
	if sentRef != nil { // else a version 1 blob, named in sent_key
		if m.SentKey, err = k.open("outbox", "sent", m.ID, sentRef); err != nil {
			return m, err
		}
	}
	var errs [5]error
	fs, e := k.open("outbox", "attachments", m.ID, files)
	errs[4] = e
	if fs != "" && e == nil {
		errs[4] = decodeFiles([]byte(fs), &m.Attachments)
	}
	m.To, errs[0] = k.open("outbox", "rcpt", m.ID, rcpt)
	ths, e := k.open("outbox", "thread", m.ID, th)
	errs[1] = e
	m.Data, errs[2] = k.openBytes("outbox", "data", m.ID, data)
	m.LastError, errs[3] = k.open("outbox", "last_error", m.ID, lastErr)
	if err := errors.Join(errs[:]...); err != nil {
		return m, err
	}
	var tr thread
	if ths != "" {
		if err := decodeThread([]byte(ths), &tr); err != nil {
			return m, fmt.Errorf("store: outbox %d thread: %w", m.ID, err)
		}
	}
	m.ReplyTo, m.InReplyTo, m.References, m.ThreadIndex = tr.ReplyTo, tr.InReplyTo, tr.References, tr.Index
	return m, nil
}

// mailsSinceQuery counts the mails of a number of kinds, each kind's by a
// search of the index of its own, and adds the counts: with `kind IN (…)`
// of three kinds or more, SQLite would build a temporary b-tree of the
// list at every query — before each acknowledgement. Its arguments are
// the recipient's index (?1), the time (?2) and the kinds (?3 on), each
// bound once however many searches name it: a blob bound is copied for
// the driver. The texts for up to four kinds are made once.
func mailsSinceQuery(kinds int) string {
	if kinds < len(mailsSinceQueries) {
		return mailsSinceQueries[kinds]
	}
	return mailsSinceText(kinds)
}

var mailsSinceQueries = [...]string{1: mailsSinceText(1), 2: mailsSinceText(2), 3: mailsSinceText(3), 4: mailsSinceText(4)}

func mailsSinceText(kinds int) string {
	var b strings.Builder
	b.WriteString(`SELECT `)
	for i := range kinds {
		if i > 0 {
			b.WriteString(` + `)
		}
		fmt.Fprintf(&b, `(SELECT count(*) FROM outbox WHERE rcpt_cap = ?1 AND kind = ?%d AND created_at >= ?2 AND state != 'suppressed')`, 3+i)
	}
	return b.String()
}
