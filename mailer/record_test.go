package mailer

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
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

// openFileDB opens a store in a folder of the test's, and returns it and
// its database file's path (for refuseRecords).
func openFileDB(t *testing.T) (*store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	db, err := store.Open(context.Background(), store.Options{Path: path, DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// TestAcceptedMailUnrecordedIsNotSentAgain: the server accepts a batch of
// mail, and the store cannot record it (the disk is full). Those mails are
// still queued, as far as the database knows; the worker, which knows
// better, does not send them again on every round while the disk stays
// full, and mail queued since goes once. Once the store works again, they
// are recorded as sent, each delivered once.
func TestAcceptedMailUnrecordedIsNotSentAgain(t *testing.T) {
	db, path := openFileDB(t)
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
	wantAllStates(t, db, "", "sent/1")
	wantAccepted(t, sink, 5)
}

// TestOutageInTheMiddleOfABatch: the server goes down while it takes the
// second mail of five, before it answers. The first is recorded sent; the
// second, which the server may have kept, and the three it never saw wait
// for their retry; when it is back each goes once more, the second with
// its Message-ID (SPEC 8.2), and nothing else is sent twice.
func TestOutageInTheMiddleOfABatch(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	var sink *smtptest.Server
	accepted := 0
	sink = sendTo(t, w, smtptest.Options{OnAccepted: func(smtptest.Received) {
		if accepted++; accepted == 2 {
			sink.SetDown(true)
		}
	}})
	acksTo(t, w, 5, "dan@example.com") // on one session, in order
	if n, err := w.sendDue(context.Background()); n != 1 || err != nil {
		t.Fatalf("during the outage: sent %d, %v; want 1", n, err)
	}
	wantStates(t, db, "during the outage, ", map[int64]string{1: "sent/1", 2: "queued/1", 3: "queued/1", 4: "queued/1", 5: "queued/1"})
	sink.SetDown(false)
	later := w.Now().Add(w.RetryMax)
	w.Now = func() time.Time { return later }
	if n, err := w.sendDue(context.Background()); n != 4 || err != nil {
		t.Fatalf("after the outage: sent %d, %v; want 4", n, err)
	}
	delivered := map[string]int{}
	for _, m := range sink.Messages() {
		delivered[m.MessageID]++
	}
	db.Read(context.Background(), func(tx *store.Tx) error {
		for id := int64(1); id <= 5; id++ {
			m, _ := tx.MailByID(id)
			want := map[bool]int{true: 2, false: 1}[id == 2]
			if m.State != store.MailSent || delivered["<"+m.MessageID+">"]+delivered[m.MessageID] != want {
				t.Errorf("mail %d: %s, delivered %d times; want sent, delivered %d", id, m.State, delivered[m.MessageID], want)
			}
		}
		return nil
	})
}

// TestSenderRefusedDelaysMail: the submission server refuses our sender
// for good (5xx to MAIL FROM: the account may not send as it, or its
// sending quota is spent) until its administrator puts it right. That
// refusal is the same for every mail and says nothing of this one: the
// mail waits for its retry, as in an outage, and goes once the server
// takes our sender again, rather than failing for good, every one of it.
func TestSenderRefusedDelaysMail(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	var refused atomic.Bool
	refused.Store(true)
	sink := sendTo(t, w, smtptest.Options{RefuseMail: func(string) int {
		if refused.Load() {
			return 550
		}
		return 0
	}})
	acks(t, w, 3)
	if n, err := w.sendDue(context.Background()); n != 0 || err != nil {
		t.Fatalf("while the sender is refused: sent %d, %v", n, err)
	}
	wantAllStates(t, db, "while the sender is refused, ", "queued/1")
	refused.Store(false)
	later := w.Now().Add(w.RetryMax)
	w.Now = func() time.Time { return later }
	if n, err := w.sendDue(context.Background()); n != 3 || err != nil {
		t.Fatalf("once the sender is taken: sent %d, %v; want 3", n, err)
	}
	wantAccepted(t, sink, 3)
}

// TestRecordRefusedWhileNextBatchSent: the store refuses the records of a
// batch (the disk is full) while the next batch is sent. Neither batch's
// accepted mails are sent again while the records stay refused, mail
// queued since goes once, and once the store works again every mail is
// recorded as sent, each delivered once.
func TestRecordRefusedWhileNextBatchSent(t *testing.T) {
	db, path := openFileDB(t)
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	acks(t, w, batch+batch/2)
	restore := refuseRecords(t, path)
	if n, err := w.sendDue(ctx); n != batch+batch/2 || err == nil {
		t.Fatalf("sent %d, %v: want %d and the records' failure", n, err, batch+batch/2)
	}
	if n, err := w.sendDue(ctx); n != 0 || err == nil {
		t.Errorf("with the records still refused: sent %d, %v; want nothing sent and the failure", n, err)
	}
	acks(t, w, 1)
	if n, err := w.sendDue(ctx); n != 1 || err == nil {
		t.Fatalf("a mail queued since: sent %d, %v; want it alone sent and the record's failure", n, err)
	}
	restore()
	if n, err := w.sendDue(ctx); n != 0 || err != nil {
		t.Fatalf("with the store back: sent %d, %v; want nothing more", n, err)
	}
	wantAllStates(t, db, "", "sent/1")
	wantAccepted(t, sink, batch+batch/2+1)
}

// TestOutcomeGroups: a batch's outcomes are recorded a report's mails
// together, in the order of each report's first outcome, and each mail
// about no report alone; a group names its outcomes' places in the list.
func TestOutcomeGroups(t *testing.T) {
	cases := []struct {
		reports []int64
		want    [][]int
	}{
		{nil, nil},
		{[]int64{7}, [][]int{{0}}},
		{[]int64{7, 7, 8, 8}, [][]int{{0, 1}, {2, 3}}},
		{[]int64{7, 8, 7, 9, 8}, [][]int{{0, 2}, {1, 4}, {3}}},
		{[]int64{0, 7, 0, 7}, [][]int{{0}, {1, 3}, {2}}},
	}
	for _, c := range cases {
		o := &outcomes{}
		for _, r := range c.reports {
			o.list = append(o.list, outcome{mail: store.Mail{ReportID: r}})
		}
		if got := o.groups(); !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("reports %v: groups %v, want %v", c.reports, got, c.want)
		}
	}
}

// TestStopWaitsForRecords: the worker is stopped while a batch's records
// wait for the writer and the next batch has been sent. Run returns only
// once both batches are recorded: a restart sends none of them again.
func TestStopWaitsForRecords(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	acks(t, w, batch+batch/2)
	held, release := make(chan struct{}), make(chan struct{})
	go db.Write(context.Background(), func(*store.Tx) error { close(held); <-release; return nil }) // the writer, busy
	<-held
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	for deadline := time.Now().Add(30 * time.Second); len(sink.Messages()) < batch+batch/2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
		t.Error("the worker stopped with its records still waiting for the writer")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	<-done
	wantAllStates(t, db, "once stopped, ", "sent/1")
	wantAccepted(t, sink, batch+batch/2)
}

// TestSentArchiveUnhashed: the bytes of a mail sent are archived without
// the keyed hash of their content (nothing looks a sent mail up by it),
// and read back whole through the reference the outbox keeps.
func TestSentArchiveUnhashed(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	acks(t, w, 2)
	if n, err := w.SendDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("sent %d, %v; want 2", n, err)
	}
	got := sink.Messages()
	for id := int64(1); id <= 2; id++ {
		var m store.Mail
		if err := db.Read(context.Background(), func(tx *store.Tx) (err error) { m, err = tx.MailByID(id); return err }); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(m.SentKey, "-"+strings.Repeat("0", 64)) {
			t.Errorf("mail %d archived as %.20q…%q, want no content hash", id, m.SentKey, m.SentKey[max(0, len(m.SentKey)-8):])
		}
		r, err := db.Blobs().Open(m.SentKey)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got, func(rc smtptest.Received) bool {
			return bytes.Equal(bytes.ReplaceAll(rc.Data, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
		}) {
			t.Errorf("mail %d's archive is not what the server took", id)
		}
	}
}

// BenchmarkArchiveSent archives a sent mail's bytes (a triage notice of
// 14 KB) as the outbox does, into a batch's memory.
func BenchmarkArchiveSent(b *testing.B) {
	db := openStore(b)
	body := &spill{dir: db.Blobs().TempDir()}
	body.Write(bytes.Repeat([]byte("Nội dung phản ánh, dòng thư.\r\n"), 14<<10/32))
	b.ReportAllocs()
	batch := db.Blobs().Batch()
	for i := 0; b.Loop(); i++ {
		if i%100 == 0 {
			batch = db.Blobs().Batch()
		}
		if _, err := archiveTo(batch, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSentLineAsInfo holds the line logSent writes of a mail sent to the
// line Logger.Info writes with the same fields, with the text and JSON
// handlers the daemon logs with, and to nothing at a level above Info.
func TestSentLineAsInfo(t *testing.T) {
	m := store.Mail{ID: 42, Kind: "triage", ReportCode: "PA-2026-000001", Role: "receiver"}
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			return slog.Attr{}
		}
		return a
	}
	for _, c := range []struct {
		name string
		make func(io.Writer, *slog.HandlerOptions) slog.Handler
	}{
		{"text", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }},
		{"json", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }},
	} {
		for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
			var got, want bytes.Buffer
			opts := &slog.HandlerOptions{Level: level, ReplaceAttr: noTime}
			(&Worker{Log: slog.New(c.make(&got, opts))}).logSent(m)
			slog.New(c.make(&want, opts)).Info("mail sent", "mail", m.ID, "kind", m.Kind, "report", m.ReportCode, "role", m.Role)
			if got.String() != want.String() {
				t.Errorf("%s, level %v: %q, want %q", c.name, level, got.String(), want.String())
			}
		}
	}
}

// TestOneReportsRecordRefused: the store refuses the record of one mail
// of a batch (a trigger stands for what fails it). The records of the
// batch, written together, fail with it; those of the other reports are
// then written a report at a time, and only that report's mails wait for
// the next round, which records them: each mail recorded sent once, and
// each notice in the access log once.
func TestOneReportsRecordRefused(t *testing.T) {
	db, path := openFileDB(t)
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	for i := range 3 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: w.Now(), Lang: "vi",
				Citizen: store.Citizen{Email: fmt.Sprintf("dan%d@example.com", i), Name: "Nguyễn Văn Dân"}, Content: "Đèn đường hỏng."})
			if err != nil {
				return err
			}
			data, _ := json.Marshal(templates.Ack{Code: r.Code})
			for _, to := range []string{r.Citizen.Email, "tiepnhan@haugiang.gov.vn"} {
				if _, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: to, Role: "citizen", Data: data}, w.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Exec(`CREATE TRIGGER refused BEFORE UPDATE OF state ON outbox WHEN NEW.id = 4
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	if n, err := w.sendDue(ctx); n != 6 || err == nil {
		t.Fatalf("sent %d, %v: want 6 and the record's failure", n, err)
	}
	wantStates(t, db, "with mail 4's record refused: ", map[int64]string{1: "sent/1", 2: "sent/1", 3: "queued/0", 4: "queued/0", 5: "sent/1", 6: "sent/1"})
	wantNotices(t, db, "with mail 4's record refused: ", 1, 2, 5, 6)
	if _, err := c.Exec(`DROP TRIGGER refused`); err != nil {
		t.Fatal(err)
	}
	if n, err := w.sendDue(ctx); n != 0 || err != nil {
		t.Fatalf("with the store back: sent %d, %v; want nothing more", n, err)
	}
	wantAllStates(t, db, "", "sent/1")
	wantNotices(t, db, "", 1, 2, 3, 4, 5, 6)
	wantAccepted(t, sink, 6)
}

// wantNotices fails t unless the access log's notices name the mails of
// ids, each once, in any order (their records' order is their mails'
// order of sending); when says when. ids is sorted.
func wantNotices(t *testing.T, db *store.DB, when string, ids ...int64) {
	t.Helper()
	var got []int64
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		return tx.AccessLog(store.AccessFilter{}, func(a store.Access) error {
			if a.Action == store.AccessNotice {
				got = append(got, a.MailID)
			}
			return nil
		})
	})
	slices.Sort(got)
	if err != nil || !slices.Equal(got, ids) {
		t.Errorf("%snotices of mails %v (%v), want %v", when, got, err, ids)
	}
}
