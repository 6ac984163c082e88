package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// sentGroup makes a store holding reports mails and three mails about no
// report, each queued, and returns it with the group of their records as
// the mailer gives them: read back by one read of the outbox (with the
// key each report had then), but for every fifth report's, which are as
// Enqueue returned them (read with no key); accepted a second apart, each
// with an archive of its own, in the order of the outbox. Two stores made
// alike hold the same rows but for their keys and archives.
func sentGroup(t *testing.T, reports int, now time.Time) (*DB, []Sent) {
	t.Helper()
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	queued := map[int64]Mail{}
	fns := make([]func(*Tx) error, reports+3)
	for i := range reports {
		fns[i] = func(tx *Tx) error {
			r := sample(now)
			r.Citizen.Email = fmt.Sprintf("dan%d@example.com", i)
			r, err := tx.CreateReport(r)
			if err != nil {
				return err
			}
			for _, m := range []Mail{{Kind: "ack", To: r.Citizen.Email, Role: "citizen"}, {Kind: "triage", To: "tiepnhan@haugiang.gov.vn", Role: "receiver"}} {
				m.ReportID, m.ReportCode, m.Data = r.ID, r.Code, []byte(`{}`)
				m.MessageID = fmt.Sprintf("%s.%s@haugiang.gov.vn", r.Code, m.Kind)
				if m, err = tx.Enqueue(m, now); err != nil {
					return err
				}
				if i%5 == 0 {
					queued[m.ID] = m
				}
			}
			return nil
		}
	}
	for i := range 3 {
		fns[reports+i] = func(tx *Tx) error {
			_, err := tx.Enqueue(Mail{Kind: "check", To: "it@haugiang.gov.vn", Role: "admin", Data: []byte(`{}`),
				MessageID: fmt.Sprintf("check%d@haugiang.gov.vn", i)}, now)
			return err
		}
	}
	for _, err := range db.WriteEach(ctx, fns...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	var due []Mail
	err := db.Read(ctx, func(tx *Tx) error {
		var err error
		due, err = tx.DueMail(now, 2*reports+3)
		return err
	})
	if err != nil || len(due) != 2*reports+3 {
		t.Fatalf("%d mails due, %v", len(due), err)
	}
	slices.SortFunc(due, func(a, b Mail) int { return int(a.ID - b.ID) })
	sent := make([]Sent, len(due))
	for i, m := range due {
		if q, ok := queued[m.ID]; ok {
			m = q
		}
		sent[i] = Sent{Mail: m, At: now.Add(time.Duration(i) * time.Second), Key: packedBlob(t, db, fmt.Appendf(nil, "mail %d", m.ID))}
	}
	return db, sent
}

// recordEach records a group as MailSent did it in the mailer: the mails
// of a report, in a transaction of their own.
func recordEach(t *testing.T, db *DB, sent []Sent) {
	t.Helper()
	var fns []func(*Tx) error
	for len(sent) > 0 {
		n := 1
		for n < len(sent) && sent[0].Mail.ReportID != 0 && sent[n].Mail.ReportID == sent[0].Mail.ReportID {
			n++
		}
		report := sent[:n]
		sent = sent[n:]
		fns = append(fns, func(tx *Tx) error {
			for _, s := range report {
				if err := tx.MailSent(s.Mail, s.At, s.Key); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, err := range db.WriteEach(context.Background(), fns...) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// sentRecords is what a store holds of a group's records: every column of
// the outbox and the access log, the sealed ones opened (and their kind
// of seal and length compared), a mail's archive named by its place in
// the group.
func sentRecords(t *testing.T, db *DB, sent []Sent) (rows []string) {
	t.Helper()
	archive := map[string]int{}
	for i, s := range sent {
		archive[s.Key] = i
	}
	err := db.Read(context.Background(), func(tx *Tx) error {
		raw, err := tx.query(`SELECT id, coalesce(report_id, 0), kind, length(rcpt), hex(rcpt_idx), rcpt_role, message_id,
			length(thread), lang, length(data), state, attempts, next_at, coalesce(length(last_error), -1), created_at,
			coalesce(sent_at, -1), coalesce(hex(substr(sent, 1, 1)), ''), coalesce(length(sent), -1) FROM outbox ORDER BY id`)
		if err != nil {
			return err
		}
		defer raw.Close()
		var ids []int64
		for raw.Next() {
			v, err := scanValues(raw, 18)
			if err != nil {
				return err
			}
			ids = append(ids, v[0].(int64))
			rows = append(rows, fmt.Sprintf("%#v", v))
		}
		for _, id := range ids {
			m, err := tx.MailByID(id)
			if err != nil {
				return err
			}
			i, ok := archive[m.SentKey]
			m.SentKey, m.readKey = fmt.Sprint(i, ok), ""
			rows = append(rows, fmt.Sprintf("%+v", m))
		}
		raw, err = tx.query(`SELECT id, at, action, coalesce(report_id, 0), coalesce(length(os_user), -1),
			coalesce(length(reason), -1), role, hex(substr(recipient, 1, 1)), length(recipient), coalesce(length(query), -1),
			coalesce(mail_id, 0) FROM access_log ORDER BY id`)
		if err != nil {
			return err
		}
		defer raw.Close()
		for raw.Next() {
			v, err := scanValues(raw, 11)
			if err != nil {
				return err
			}
			rows = append(rows, fmt.Sprintf("%#v", v))
		}
		return tx.AccessLog(AccessFilter{}, func(a Access) error {
			rows = append(rows, fmt.Sprintf("%+v", a))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMailsSentAsEach records a group of mails sent together (MailsSent),
// and the same group one at a time, a transaction a report (MailSent), in
// two stores made alike: every column of the outbox and the access log is
// the same, the ids of the access log's entries among them. The group
// spans chunks of every size.
func TestMailsSentAsEach(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	const reports = 2*sentChunk + 1 // 2*64 + 2 + 3 mails: chunks of 64, 64, 64, 8, 4, 2, 1
	each, eachSent := sentGroup(t, reports, now)
	recordEach(t, each, eachSent)
	together, togetherSent := sentGroup(t, reports, now)
	err := together.Write(context.Background(), func(tx *Tx) error { return tx.MailsSent(togetherSent) })
	if err != nil {
		t.Fatal(err)
	}
	want, got := sentRecords(t, each, eachSent), sentRecords(t, together, togetherSent)
	if len(want) != 2*(2*reports+3)+2*2*reports {
		t.Fatalf("%d rows of records, want every mail's and every notice's", len(want))
	}
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			t.Fatalf("recorded together, row %d:\n%v\none at a time:\n%v", i, at(got, i), at(want, i))
		}
	}
}

// scanValues scans a row of n columns into their values.
func scanValues(rows interface{ Scan(...any) error }, n int) ([]any, error) {
	v, ptrs := make([]any, n), make([]any, n)
	for i := range v {
		ptrs[i] = &v[i]
	}
	return v, rows.Scan(ptrs...)
}

func at(rows []string, i int) string {
	if i < len(rows) {
		return rows[i]
	}
	return "(none)"
}

// TestMailsSentRecordsAloneWhatItCannot: a group with a mail MailsSent
// does not record together — gone from the outbox, its report erased
// since it was read, or erased and the mail read with no key — is refused
// with ErrRecordAlone, and nothing of it is recorded.
func TestMailsSentRecordsAloneWhatItCannot(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	for _, c := range []struct {
		name   string
		mail   int // of the group
		change func(tx *Tx, m Mail) error
	}{
		{"mail gone", 3, func(tx *Tx, m Mail) error {
			_, err := tx.exec(`DELETE FROM outbox WHERE id = ?`, m.ID)
			return err
		}},
		{"report erased since read", 3, eraseOf},
		{"report erased, mail read with no key", 0, eraseOf},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, sent := sentGroup(t, 5, now)
			ctx := context.Background()
			if err := db.Write(ctx, func(tx *Tx) error { return c.change(tx, sent[c.mail].Mail) }); err != nil {
				t.Fatal(err)
			}
			before := sentRecords(t, db, sent)
			err := db.Write(ctx, func(tx *Tx) error { return tx.MailsSent(sent) })
			if !errors.Is(err, ErrRecordAlone) {
				t.Errorf("MailsSent: %v, want ErrRecordAlone", err)
			}
			if after := sentRecords(t, db, sent); !reflect.DeepEqual(after, before) {
				t.Errorf("the refused group changed the store")
			}
		})
	}
}

// eraseOf erases the report of m.
func eraseOf(tx *Tx, m Mail) error {
	var keyID string
	if err := tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, m.ReportID).Scan(&keyID); err != nil {
		return err
	}
	_, err := tx.eraseReport(m.ReportID, keyID, Erasure{At: m.CreatedAt, Cause: ErasureRequest, Actor: "root"})
	return err
}

// TestSentUpdateSearchesByID: the UPDATE of MailsSent, of each size, finds
// each mail's row, and its report's, by its id, whatever the outbox holds:
// it never scans the outbox.
func TestSentUpdateSearchesByID(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	for n := 1; n <= sentChunk; n *= 2 {
		args := make([]any, 5*n)
		for i := range args {
			args[i] = 1
		}
		plan := explain(t, db, sentUpdate(n), args...)
		for _, want := range []string{"SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)", "SEARCH reports USING INTEGER PRIMARY KEY (rowid=?)"} {
			if !strings.Contains(plan, want) || strings.Contains(plan, "SCAN outbox") {
				t.Errorf("%d mails: plan\n%s\nwithout %q", n, plan, want)
			}
		}
	}
}

// TestMailsSentLargeGroupInterleaved records a group of a thousand mails
// whose reports' mails are not side by side (every report's
// acknowledgement, then every report's triage notice) together, and the
// same group a mail at a time in that order, in two stores made alike:
// what they hold is the same, the access log's ids among it, and no
// statement binds more parameters than SQLite takes.
func TestMailsSentLargeGroupInterleaved(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	const reports = 499 // 998 mails and 3 about no report
	interleave := func(sent []Sent) []Sent {
		var out []Sent
		for _, odd := range []int{0, 1} {
			for i, s := range sent {
				if i%2 == odd {
					out = append(out, s)
				}
			}
		}
		return out
	}
	each, eachSent := sentGroup(t, reports, now)
	eachSent = interleave(eachSent)
	fns := make([]func(*Tx) error, len(eachSent))
	for i, s := range eachSent {
		fns[i] = func(tx *Tx) error { return tx.MailSent(s.Mail, s.At, s.Key) }
	}
	for _, err := range each.WriteEach(context.Background(), fns...) {
		if err != nil {
			t.Fatal(err)
		}
	}
	together, togetherSent := sentGroup(t, reports, now)
	togetherSent = interleave(togetherSent)
	err := together.Write(context.Background(), func(tx *Tx) error { return tx.MailsSent(togetherSent) })
	if err != nil {
		t.Fatal(err)
	}
	want, got := sentRecords(t, each, eachSent), sentRecords(t, together, togetherSent)
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			t.Fatalf("recorded together, row %d:\n%v\none at a time:\n%v", i, at(got, i), at(want, i))
		}
	}
}
