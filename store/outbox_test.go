package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestDueMailExcept reads the due mails past those the mailer holds, up
// to the limit, without opening the held ones: a held mail whose sealed
// data cannot be opened is no error.
func TestDueMailExcept(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	err := db.Write(ctx, func(tx *Tx) error {
		for i := range 4 {
			m, err := tx.Enqueue(Mail{Kind: "check", To: fmt.Sprintf("it%d@haugiang.gov.vn", i), Role: "admin", Data: []byte(`{}`)}, now)
			if err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		_, err := tx.exec(`UPDATE outbox SET data = x'00' WHERE id = ?`, ids[0])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	held := func(id int64) bool { return id == ids[0] || id == ids[2] }
	err = db.Read(ctx, func(tx *Tx) error {
		if _, err := tx.DueMail(now, 4); err == nil {
			t.Error("DueMail opened a mail whose data is broken without an error")
		}
		for limit, want := range [][]int64{{}, {ids[1]}, {ids[1], ids[3]}, {ids[1], ids[3]}} {
			due, err := tx.DueMailExcept(now, limit, 2, held)
			if err != nil {
				return err
			}
			var got []int64
			for _, m := range due {
				got = append(got, m.ID)
				if m.To == "" {
					t.Errorf("mail %d read without its recipient", m.ID)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("limit %d: got mails %v, want %v", limit, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDueMailExcept reads a batch of 100 due mails, the mailer's,
// while the 100 before them, sent, wait for their record: two mails of
// each of 100 reports, the acknowledgement and the triage notice.
func BenchmarkDueMailExcept(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now()
	held := map[int64]bool{}
	err := db.Write(ctx, func(tx *Tx) error {
		for i := range 100 {
			rep, err := tx.CreateReport(sample(now))
			if err != nil {
				return err
			}
			for _, kind := range []string{"ack", "triage"} {
				m, err := tx.Enqueue(Mail{ReportID: rep.ID, ReportCode: rep.Code, Kind: kind, To: "dan@example.com", Role: "citizen",
					Data: bytes.Repeat([]byte("x"), 1500)}, now)
				if err != nil {
					return err
				}
				held[m.ID] = i < 50
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		err := db.Read(ctx, func(tx *Tx) error {
			due, err := tx.DueMailExcept(now, 100, 100, func(id int64) bool { return held[id] })
			if len(due) != 100 {
				b.Fatalf("%d mails due", len(due))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestDueMailAfter reads the due mails past a mail in the outbox's order:
// later due, or due at once with a greater id.
func TestDueMailAfter(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	var ms []Mail
	err := db.Write(ctx, func(tx *Tx) error {
		for i, at := range []time.Time{now.Add(-time.Minute), now, now.Add(-2 * time.Minute), now, now.Add(time.Minute)} {
			m, err := tx.Enqueue(Mail{Kind: "check", To: fmt.Sprintf("it%d@haugiang.gov.vn", i), Role: "admin", Data: []byte(`{}`)}, at)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Read(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			after int
			want  []int64
		}{{2, []int64{ms[0].ID, ms[1].ID, ms[3].ID}}, {0, []int64{ms[1].ID, ms[3].ID}}, {1, []int64{ms[3].ID}}, {3, nil}} {
			due, err := tx.DueMailAfter(now, ms[c.after], 10, 0, nil)
			if err != nil {
				return err
			}
			var got []int64
			for _, m := range due {
				got = append(got, m.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("after mail %d: got mails %v, want %v", ms[c.after].ID, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDueMailKeysReadTogether: the due mails of reports whose keys are not
// cached are opened after one read of the key store for all their keys,
// and read as when each key is at hand: in the outbox's order, a mail
// whose report's key was destroyed (a database older than the erasure) as
// erased, a mail about no report under the general key.
func TestDueMailKeysReadTogether(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now()
	var keys []string
	for i := range 4 {
		r := sample(now)
		r.Citizen.Email = fmt.Sprintf("dan%d@example.com", i)
		r, _ = newReport(t, db, r, "ảnh")
		var key string
		err := db.Write(ctx, func(tx *Tx) error {
			if i == 1 {
				if _, err := tx.Enqueue(Mail{Kind: "check", To: "it@haugiang.gov.vn", Role: "admin", Data: []byte(`{}`)}, now); err != nil {
					return err
				}
			}
			return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, r.ID).Scan(&key)
		})
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	if err := db.keystore.destroy(ctx, keys[3], now); err != nil {
		t.Fatal(err)
	}
	read := func() ([]Mail, int64) {
		t.Helper()
		before := db.keystore.reads.Load()
		var due []Mail
		err := db.Read(ctx, func(tx *Tx) error {
			var err error
			due, err = tx.DueMail(now.Add(time.Minute), 10)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return due, db.keystore.reads.Load() - before
	}
	// Only the first report's key cached: the second's and third's read
	// together, the fourth's not found then, and read alone to learn that
	// it was destroyed.
	db.keystore.cacheMu.Lock()
	clear(db.keystore.cache)
	db.keystore.cacheMu.Unlock()
	if _, err := db.keystore.get(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	cold, reads := read()
	if reads != 2 {
		t.Errorf("the key store read %d times for 2 keys missing from the cache and 1 destroyed, want 2", reads)
	}
	var to []string
	for _, m := range cold {
		to = append(to, m.To)
	}
	if want := "[dan0@example.com dan1@example.com it@haugiang.gov.vn dan2@example.com ]"; fmt.Sprint(to) != want {
		t.Errorf("the mails went to %v, want %v", fmt.Sprint(to), want)
	}
	warm, _ := read()
	if !reflect.DeepEqual(cold, warm) {
		t.Errorf("the mails read with their keys read together:\n%+v\nwith their keys cached:\n%+v", cold, warm)
	}
}

// TestMailSentAsRead: a mail recorded sent with the data key its report
// had when the mail was read is recorded as with the key read again — its
// archive's reference sealed, its recipient in the access log — unless
// the report was erased since: then the record finds the report's row no
// longer naming that key (the key itself may still be cached: another
// process erased it), and the recipient is not logged.
func TestMailSentAsRead(t *testing.T) {
	for _, c := range []struct {
		name          string
		erase, asRead bool
		wantTo        string
	}{
		{"read", false, true, "dan@example.com"},
		{"erased since read", true, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openTest(t, t.TempDir(), testKey)
			ctx := context.Background()
			now := time.Now().Truncate(time.Second)
			r := sample(now)
			r.Citizen.Email = "dan@example.com"
			r, _ = newReport(t, db, r, "ảnh")
			archive := packedBlob(t, db, []byte("the mail's bytes"))
			var due []Mail
			err := db.Read(ctx, func(tx *Tx) error {
				var err error
				due, err = tx.DueMail(now, 10)
				return err
			})
			if err != nil || len(due) != 1 {
				t.Fatalf("%d mails due: %v", len(due), err)
			}
			if c.erase {
				err := db.Write(ctx, func(tx *Tx) error {
					var keyID string
					if err := tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, r.ID).Scan(&keyID); err != nil {
						return err
					}
					_, err := tx.eraseReport(r.ID, keyID, Erasure{At: now, Cause: ErasureRequest, Actor: "root"})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			rollback := errors.New("rolled back")
			err = db.Write(ctx, func(tx *Tx) error {
				if k, err := tx.sentAsRead(due[0], now, archive); err != nil || (k != nil) != c.asRead {
					t.Errorf("recorded with the key read: %v (%v), want %v", k != nil, err, c.asRead)
				}
				return rollback
			})
			if err != rollback {
				t.Fatal(err)
			}
			err = db.Write(ctx, func(tx *Tx) error { return tx.MailSent(due[0], now, archive) })
			if err != nil {
				t.Fatal(err)
			}
			var sent Mail
			var to []string
			err = db.Read(ctx, func(tx *Tx) error {
				var err error
				if sent, err = tx.MailByID(due[0].ID); err != nil {
					return err
				}
				return tx.AccessLog(AccessFilter{}, func(a Access) error {
					if a.Action == AccessNotice {
						to = append(to, a.Recipient)
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(to) != fmt.Sprint([]string{c.wantTo}) {
				t.Errorf("the access log's notices went to %q, want %q", to, c.wantTo)
			}
			if sent.State != MailSent || sent.Attempts != 1 || (!c.erase && sent.SentKey != archive) {
				t.Errorf("the mail reads %s after %d attempts, archived as %q, want sent after 1, as %q",
					sent.State, sent.Attempts, sent.SentKey, archive)
			}
		})
	}
}
