package mailer

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"path/filepath"
	"testing"

	"haugiang.gov.vn/phananh/store"
)

// refuseRecords makes the database at path refuse, as a full disk does,
// every record that a mail was sent, until the returned func is called.
func refuseRecords(t *testing.T, path string) (restore func()) {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	exec := func(q string) {
		if _, err := c.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	exec(`CREATE TRIGGER full_disk BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'sent'
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`)
	return func() { exec(`DROP TRIGGER full_disk`) }
}

// TestAcceptedMailUnrecordedIsNotSentAgain: the server accepts a batch of
// mail, and the store cannot record it (the disk is full). Those mails are
// still queued, as far as the database knows; the worker, which knows
// better, does not send them again on every round while the disk stays
// full, and mail queued since goes once. Once the store works again, they
// are recorded as sent, each delivered once.
func TestAcceptedMailUnrecordedIsNotSentAgain(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	db, err := store.Open(context.Background(), store.Options{Path: path, DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	acks(t, w, 3)
	restore := refuseRecords(t, path)
	if n, err := w.sendDue(ctx); n != 3 || err == nil {
		t.Fatalf("sent %d, %v: want 3 and the record's failure", n, err)
	}
	acks(t, w, 1)
	if n, err := w.sendDue(ctx); n != 1 || err == nil {
		t.Fatalf("a mail queued since: sent %d, %v; want it alone sent and the record's failure", n, err)
	}
	for round := range 2 {
		if n, err := w.sendDue(ctx); n != 0 || err == nil {
			t.Errorf("round %d with the records still refused: sent %d, %v; want nothing sent and the failure", round, n, err)
		}
	}
	restore()
	acks(t, w, 1)
	if n, err := w.sendDue(ctx); n != 1 || err != nil {
		t.Fatalf("with the store back: sent %d, %v; want the new mail alone", n, err)
	}
	for id, s := range states(t, db) {
		if s != "sent/1" {
			t.Errorf("mail %d: %s, want sent/1", id, s)
		}
	}
	if got := len(sink.Messages()); got != 5 {
		t.Errorf("the server accepted %d mails, want 5", got)
	}
}
