package store

import (
	"fmt"
	"time"
)

// Access is one entry of the access log (SPEC 10.5): who read or handled a
// report's personal data, when, and why. Entries are never changed or
// deleted.
type Access struct {
	ID         int64
	At         time.Time
	Action     string // one of the Access… actions
	ReportID   int64  // 0 for a subject search that found nothing
	ReportCode string // filled in by the store when read
	// OSUser is the operating-system user who ran the command, or the
	// daemon's for notices and retention.
	OSUser string
	Reason string // the reason given with the command
	// Role and Recipient name who a notice went to (its address); Query is
	// what a subject search looked for.
	Role      string
	Recipient string
	Query     string
	MailID    int64
	MessageID string // the notice's Message-ID, filled in by the store when read
}

// The actions of the access log.
const (
	AccessShow      = "show"      // phananh show
	AccessExport    = "export"    // phananh export: the whole record, decrypted
	AccessSubject   = "subject"   // phananh subject: a person's reports found by address or phone
	AccessErase     = "erase"     // phananh erase
	AccessRetention = "retention" // erased by the daily job past retention
	AccessHold      = "hold"      // an admin's hold put
	AccessRelease   = "release"   // an admin's hold released
	AccessNotice    = "notice"    // a mail that carried the report's personal data, accepted by the SMTP server
)

// LogAccess appends an entry to the access log. The OS user, the reason,
// the recipient and the query are sealed: a citizen's own address under
// the report's data key, so that an erasure takes it too, the rest under
// the general key, so that the log outlives the data it speaks of.
func (t *Tx) LogAccess(a Access) error {
	e, err := t.accessEntry(a)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO access_log (id, at, action, report_id, os_user, reason, role, recipient, query, mail_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.id, e.at, e.action, e.report, e.osUser, e.reason, e.role, e.recipient, e.query, e.mail)
	if err != nil {
		return fmt.Errorf("store: access log: %w", err)
	}
	return nil
}

// accessValues are the values of an entry's row, as LogAccess writes it.
type accessValues struct {
	id, at                           int64
	action, role                     string
	report, mail                     any // NULL for none
	osUser, reason, recipient, query []byte
}

// accessEntry takes the id of a new entry of the access log and returns
// its row's values, sealed as LogAccess describes.
func (t *Tx) accessEntry(a Access) (accessValues, error) {
	id, err := t.nextID("access_log")
	if err != nil {
		return accessValues{}, err
	}
	g := t.db.keys
	personal, err := t.keyFor(a.ReportID)
	if err != nil {
		return accessValues{}, err
	}
	e := accessValues{id: id, at: a.At.Unix(), action: a.Action, role: a.Role}
	if a.Role == "citizen" {
		e.recipient = personal.seal("access_log", "recipient", id, a.Recipient)
	} else {
		e.recipient = g.seal("access_log", "recipient", id, a.Recipient)
	}
	e.osUser, e.reason = g.seal("access_log", "os_user", id, a.OSUser), g.seal("access_log", "reason", id, a.Reason)
	e.query = personal.seal("access_log", "query", id, a.Query)
	if a.ReportID != 0 {
		e.report = a.ReportID
	}
	if a.MailID != 0 {
		e.mail = a.MailID
	}
	return e, nil
}

// AccessFilter selects entries of the access log: of one report (Code) and
// at or after Since; the zero filter selects all.
type AccessFilter struct {
	Code  string
	Since time.Time
}

// AccessLog returns the entries a filter selects, oldest first, to fn.
func (t *Tx) AccessLog(f AccessFilter, fn func(Access) error) error {
	q := `SELECT a.id, a.at, a.action, coalesce(a.report_id, 0), coalesce(r.code, ''), a.os_user, a.reason, a.role,
		a.recipient, a.query, coalesce(a.mail_id, 0), coalesce(o.message_id, '') FROM access_log a
		LEFT JOIN reports r ON r.id = a.report_id LEFT JOIN outbox o ON o.id = a.mail_id WHERE a.at >= ?`
	args := []any{f.Since.Unix()}
	if f.Since.IsZero() {
		args[0] = int64(-1 << 62)
	}
	if f.Code != "" {
		id, err := t.reportID(f.Code)
		if err != nil {
			return err
		}
		q += ` AND a.report_id = ?`
		args = append(args, id)
	}
	rows, err := t.query(q+` ORDER BY a.id`, args...)
	if err != nil {
		return fmt.Errorf("store: access log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := t.scanAccess(rows)
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (t *Tx) scanAccess(rows *txRows) (Access, error) {
	var a Access
	var at int64
	var user, reason, recipient, query []byte
	if err := rows.Scan(&a.ID, &at, &a.Action, &a.ReportID, &a.ReportCode, &user, &reason, &a.Role, &recipient, &query, &a.MailID, &a.MessageID); err != nil {
		return a, fmt.Errorf("store: access log: %w", err)
	}
	a.At = time.Unix(at, 0).UTC()
	k, err := t.keyFor(a.ReportID)
	if err != nil {
		return a, err
	}
	g := t.db.keys
	if a.OSUser, err = g.open("access_log", "os_user", a.ID, user); err != nil {
		return a, err
	}
	if a.Reason, err = g.open("access_log", "reason", a.ID, reason); err != nil {
		return a, err
	}
	if a.Recipient, err = k.open("access_log", "recipient", a.ID, recipient); err != nil {
		return a, err
	}
	if a.Query, err = k.open("access_log", "query", a.ID, query); err != nil {
		return a, err
	}
	return a, nil
}
