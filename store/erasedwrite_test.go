package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestWritesAfterErasure: what is written about a report after its
// erasure — the record of a mail the outbox gave out before it and the
// SMTP server accepted after, its retries and failures, an event, a
// notice in the access log, a file, a message, a mail queued — gives the
// erased report no new data key and keeps nothing of it readable: the
// values sealed for it are not kept, the files written for it are freed,
// a mail queued for it is never sent. The mail accepted is still recorded
// sent, once. The steps run in the order of the race: the mail read, the
// report erased (by another process: its key and files destroyed), then
// the write.
func TestWritesAfterErasure(t *testing.T) {
	const secret = "dan.secret@example.com"
	for _, c := range []struct {
		name string
		// write writes about the erased report r; blob is a file of
		// the store the write names, mail the mail read before the
		// erasure.
		write func(tx *Tx, r Report, mail Mail, blob string, now time.Time) error
		// freed: the write named blob, which must be freed.
		freed bool
		check func(t *testing.T, tx *Tx, r Report, mail Mail)
	}{
		{name: "mail sent", freed: true,
			write: func(tx *Tx, r Report, m Mail, blob string, now time.Time) error { return tx.MailSent(m, now, blob) },
			check: func(t *testing.T, tx *Tx, r Report, m Mail) {
				sent, err := tx.MailByID(m.ID)
				if err != nil || sent.State != MailSent || sent.Attempts != 1 || sent.SentKey != "" {
					t.Errorf("the mail reads %s after %d attempts, archived as %q (%v): want sent after 1, no archive",
						sent.State, sent.Attempts, sent.SentKey, err)
				}
				var notices int
				tx.AccessLog(AccessFilter{Code: r.Code}, func(a Access) error {
					if a.Action == AccessNotice {
						notices++
						if a.Recipient != "" {
							t.Errorf("the notice names its recipient %q", a.Recipient)
						}
					}
					return nil
				})
				if notices != 1 {
					t.Errorf("%d notices in the access log, want 1", notices)
				}
			}},
		{name: "mail retried",
			write: func(tx *Tx, r Report, m Mail, _ string, now time.Time) error {
				return tx.MailRetry(m.ID, now.Add(time.Minute), "452 mailbox "+secret+" full")
			}},
		{name: "mail failed",
			write: func(tx *Tx, r Report, m Mail, _ string, now time.Time) error {
				return tx.MailFailed(m.ID, "550 no such user "+secret)
			}},
		{name: "event",
			write: func(tx *Tx, r Report, _ Mail, _ string, now time.Time) error {
				return tx.AppendEvent(r.ID, Event{At: now, Actor: secret, Command: "/status " + secret, From: r.State, To: r.State,
					Detail: map[string]string{"note": secret}})
			}},
		{name: "access log",
			write: func(tx *Tx, r Report, m Mail, _ string, now time.Time) error {
				return tx.LogAccess(Access{At: now, Action: AccessNotice, ReportID: r.ID, Role: "citizen", Recipient: secret, MailID: m.ID})
			}},
		{name: "attachment", freed: true,
			write: func(tx *Tx, r Report, _ Mail, blob string, now time.Time) error {
				_, err := tx.AddAttachment(r.ID, Attachment{Role: "reply", Name: secret + ".jpg", Type: "image/jpeg", BlobKey: blob,
					Photo: &Photo{HasGPS: true, Lat: 9.78, Lon: 105.47}})
				return err
			}},
		{name: "message", freed: true,
			write: func(tx *Tx, r Report, _ Mail, blob string, now time.Time) error {
				_, err := tx.RecordMessage(Message{RawKey: blob, RawSize: 10, Sender: secret, Kind: "reply", ReportCode: r.Code,
					ReceivedAt: now, ProcessedAt: now})
				return err
			}},
		{name: "mail queued",
			write: func(tx *Tx, r Report, _ Mail, _ string, now time.Time) error {
				_, err := tx.Enqueue(Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "already-rated", To: secret, Role: "citizen",
					Data: []byte(`{"email":"` + secret + `"}`)}, now)
				return err
			},
			check: func(t *testing.T, tx *Tx, r Report, _ Mail) {
				ms, err := tx.ReportMail(r.ID)
				if err != nil || len(ms) != 2 || ms[1].State != MailSuppressed {
					t.Errorf("the report's mails %+v (%v): want the one queued after the erasure suppressed", ms, err)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openTest(t, dir, testKey)
			ctx := context.Background()
			now := time.Now().Truncate(time.Second)
			r, _ := newReport(t, db, sample(now), "ảnh")
			closeReport(t, db, r.Code, now)
			content := []byte("the bytes of " + c.name)
			blob := packedBlob(t, db, content)
			var due []Mail
			if err := db.Read(ctx, func(tx *Tx) (err error) { due, err = tx.DueMail(now.Add(time.Hour), 10); return err }); err != nil || len(due) != 1 {
				t.Fatalf("%d mails due: %v", len(due), err)
			}
			if _, err := db.Erase(ctx, r.Code, Erasure{At: now, Cause: ErasureRequest, Actor: "dpo"}, allowAll); err != nil {
				t.Fatal(err)
			}
			if err := db.Write(ctx, func(tx *Tx) error { return c.write(tx, r, due[0], blob, now) }); err != nil {
				t.Fatal(err)
			}
			err := db.Read(ctx, func(tx *Tx) error {
				var keyID *string
				if err := tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, r.ID).Scan(&keyID); err != nil {
					return err
				}
				if keyID != nil {
					t.Errorf("the erased report was given a new data key %s", *keyID)
				}
				if c.check != nil {
					c.check(t, tx, r, due[0])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := read(db.Blobs().Open, blob)
			if c.freed && err == nil {
				t.Errorf("the file written for the erased report still reads %q", got)
			}
			if !c.freed && (err != nil || string(got) != string(content)) {
				t.Errorf("a file the write did not name reads %q, %v", got, err)
			}
			for _, f := range scanTree(t, dir, []string{secret}) {
				t.Error(f)
			}
			if _, err := db.Erase(ctx, r.Code, Erasure{At: now, Cause: ErasureRequest}, allowAll); !errors.Is(err, ErrErased) {
				t.Errorf("the report erased again: %v, want ErrErased", err)
			}
		})
	}
}

// TestWriteToRestoredErasedReport: a database restored from a backup
// older than a report's erasure, with today's key store, names the key the
// erasure destroyed. A write about the report keeps nothing of it and
// gives it no new key: the report is marked erased as of the key's
// destruction, and its row still names the destroyed key, which the next
// erasure's records destroy again.
func TestWriteToRestoredErasedReport(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	r, _ := newReport(t, db, sample(time.Now()), "ảnh")
	closeReport(t, db, r.Code, time.Now())
	var keyID string
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, r.ID).Scan(&keyID) })
	erasedAt := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	old, backup := eraseAfterBackup(t, db, dir, r, erasedAt)
	const secret = "dan.secret@example.com"
	err := old.Write(ctx, func(tx *Tx) error {
		return tx.AppendEvent(r.ID, Event{At: time.Now(), Actor: secret, Command: "/status", From: "closed", To: "closed"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var gotKey string
	var gotErased int64
	old.Read(ctx, func(tx *Tx) error {
		return tx.queryRow(`SELECT key_id, erased_at FROM reports WHERE id = ?`, r.ID).Scan(&gotKey, &gotErased)
	})
	if gotKey != keyID || gotErased != erasedAt.Unix() {
		t.Errorf("the report's row names key %s, erased at %d; want the destroyed key %s, erased at %d",
			gotKey, gotErased, keyID, erasedAt.Unix())
	}
	if _, ev, _, _ := readReport(t, old, r.Code); len(ev) != 2 || ev[1].To != "closed" || ev[1].Actor != "" || ev[1].Command != "" {
		t.Errorf("the events read %+v: want the new one's states, and nothing of what it sealed", ev)
	}
	for _, f := range scanTree(t, backup, []string{secret}) {
		t.Error(f)
	}
}

// TestHoldOnErasedReport: a report whose data key was destroyed reads as
// erased, as of the key's destruction, even from a database restored from
// a backup older than the erasure; and a hold put on it is refused with
// ErrErased rather than stored without its reason, which nothing may seal
// any more (SPEC 10.5: nothing is left to hold).
func TestHoldOnErasedReport(t *testing.T) {
	erasedAt := time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		// erase erases the report r of db and returns the database to
		// hold it in.
		erase func(t *testing.T, db *DB, dir string, r Report) *DB
	}{
		{name: "erased", erase: func(t *testing.T, db *DB, _ string, r Report) *DB {
			if _, err := db.Erase(context.Background(), r.Code, Erasure{At: erasedAt, Cause: ErasureRequest}, allowAll); err != nil {
				t.Fatal(err)
			}
			return db
		}},
		{name: "restored from before the erasure", erase: func(t *testing.T, db *DB, dir string, r Report) *DB {
			old, _ := eraseAfterBackup(t, db, dir, r, erasedAt)
			return old
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openTest(t, dir, testKey)
			r, _ := newReport(t, db, sample(time.Now()), "ảnh")
			closeReport(t, db, r.Code, time.Now())
			db = c.erase(t, db, dir, r)
			ctx := context.Background()
			err := db.Write(ctx, func(tx *Tx) error {
				r, err := tx.Report(r.Code)
				if err != nil {
					return err
				}
				if !r.ErasedAt.Equal(erasedAt) {
					t.Errorf("the report reads erased at %v, want %v", r.ErasedAt, erasedAt)
				}
				r.Hold, r.HeldAt = "khiếu nại đang giải quyết", time.Now()
				return tx.UpdateReport(r, time.Now())
			})
			if !errors.Is(err, ErrErased) {
				t.Errorf("a hold on the erased report: %v, want ErrErased", err)
			}
			var held *int64
			db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT held_at FROM reports WHERE id = ?`, r.ID).Scan(&held) })
			if held != nil {
				t.Errorf("the erased report is held since %d", *held)
			}
		})
	}
}

// eraseAfterBackup backs db (in dir) up, erases r from db at at, and opens
// the backup — a database restored from before the erasure — with
// today's key store, which no longer holds r's key. It returns the opened
// backup, closed at the test's end, and its folder.
func eraseAfterBackup(t *testing.T, db *DB, dir string, r Report, at time.Time) (*DB, string) {
	t.Helper()
	ctx := context.Background()
	backup := filepath.Join(t.TempDir(), "backup")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Erase(ctx, r.Code, Erasure{At: at, Cause: ErasureRequest}, allowAll); err != nil {
		t.Fatal(err)
	}
	old, err := Open(ctx, Options{Path: filepath.Join(backup, "phananh.db"), DataDir: filepath.Join(backup, "data"),
		KeysPath: filepath.Join(dir, "phananh-keys.db"), Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { old.Close() })
	return old, backup
}

// TestMessagesAboutErasedReportExpire: a message recorded about a report
// after its erasure (a citizen's reply to its thread, a staff command about
// it) keeps its keyed hashes — Message-ID, sender, content, digest, signed
// keys — for duplicate and replay detection, as a message about no report
// does, and loses them with the strays' retention (EraseStrays): nothing
// else would empty them, since the report's erasure is over and the report
// is given no key to erase again.
func TestMessagesAboutErasedReportExpire(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	r, _ := newReport(t, db, sample(time.Now()), "ảnh")
	closeReport(t, db, r.Code, time.Now())
	if _, err := db.Erase(ctx, r.Code, Erasure{At: time.Now(), Cause: ErasureRequest}, allowAll); err != nil {
		t.Fatal(err)
	}
	processed := time.Now().Add(-time.Hour)
	var id int64
	err := db.Write(ctx, func(tx *Tx) (err error) {
		id, err = tx.RecordMessage(Message{Sender: "dan.secret@example.com", MessageID: "<reply-1@example.com>", Digest: "d1",
			SignedKeys: []string{"k1"}, RawSize: 10, Kind: "reply", ReportCode: r.Code, ReceivedAt: processed, ProcessedAt: processed})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	hashes := func() (n int) {
		t.Helper()
		err := db.Read(ctx, func(tx *Tx) error {
			return tx.queryRow(`SELECT (message_id_idx IS NOT NULL) + (sender_idx IS NOT NULL) + (sender_cap IS NOT NULL)
				+ (digest_idx IS NOT NULL) + (SELECT count(key_idx) FROM signed_keys WHERE message_id = m.id)
				FROM messages m WHERE id = ?`, id).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := hashes(); n != 5 {
		t.Fatalf("the message keeps %d of its 5 keyed hashes before its retention, want all", n)
	}
	if _, err := db.EraseStrays(ctx, processed.Add(-time.Minute), 10); err != nil {
		t.Fatal(err)
	}
	if n := hashes(); n != 5 {
		t.Errorf("the strays' retention before the message's end took %d of its 5 keyed hashes", 5-n)
	}
	if _, err := db.EraseStrays(ctx, processed, 10); err != nil {
		t.Fatal(err)
	}
	if n := hashes(); n != 0 {
		t.Errorf("the message keeps %d keyed hashes past its retention, want none", n)
	}
}
