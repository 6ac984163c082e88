package mailer

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

type fixture struct {
	db     *store.DB
	sink   *smtptest.Server
	worker *Worker
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(dir, "db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{5}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sink, err := smtptest.NewServer(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	set, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, sink: sink, now: time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)}
	f.worker = &Worker{DB: db, Templates: func() *templates.Set { return set },
		From: Sender{Address: "phananh@haugiang.gov.vn", Name: "Trung tâm Giám sát, điều hành"},
		SMTP: SMTP{Host: "127.0.0.1", Port: sink.Port(), TLS: "none", Timeout: 5 * time.Second},
		Log:  slog.New(slog.NewTextHandler(io.Discard, nil)), RetryMax: time.Hour, Now: func() time.Time { return f.now }}
	return f
}

// queueAck owes one acknowledgement of a new report.
func (f *fixture) queueAck(t *testing.T) store.Mail {
	t.Helper()
	var m store.Mail
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: f.now})
		if err != nil {
			return err
		}
		data, _ := json.Marshal(templates.Ack{Code: r.Code, ReceivedAt: f.now, Field: "Điện", Unit: "huyện Vị Thủy"})
		m, err = tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: "an@example.com", Role: "citizen",
			ReplyTo: "phananh+abc@haugiang.gov.vn", InReplyTo: "orig@mail.example.com", References: []string{"older@mail.example.com"},
			Data: data}, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendAndHeaders(t *testing.T) {
	f := newFixture(t)
	queued := f.queueAck(t)
	n, err := f.worker.SendDue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	got := f.sink.Messages()
	if len(got) != 1 || got[0].From != "phananh@haugiang.gov.vn" || got[0].To[0] != "an@example.com" || got[0].MessageID != queued.MessageID {
		t.Fatalf("accepted %+v", got)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	checks := map[string]bool{
		"subject tag":    strings.HasPrefix(subject, "["+queued.ReportCode+"] "),
		"in-reply-to":    m.Header.Get("In-Reply-To") == "<orig@mail.example.com>",
		"references":     m.Header.Get("References") == "<older@mail.example.com> <orig@mail.example.com>",
		"auto-submitted": m.Header.Get("Auto-Submitted") == "auto-replied",
		"reply-to":       strings.Contains(m.Header.Get("Reply-To"), "phananh+abc@haugiang.gov.vn"),
		"alternatives":   strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative"),
		"date":           m.Header.Get("Date") != "",
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s wrong:\n%s", name, got[0].Data)
		}
	}
	// The exact bytes accepted are archived, and the mail is recorded sent.
	var sent store.Mail
	f.db.Read(context.Background(), func(tx *store.Tx) error { sent, _ = tx.MailByMessageID(queued.MessageID); return nil })
	if sent.State != store.MailSent || sent.SentKey == "" {
		t.Fatalf("recorded %+v", sent)
	}
	rc, err := f.db.Blobs().Open(sent.SentKey)
	if err != nil {
		t.Fatal(err)
	}
	archived, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(bytes.ReplaceAll(archived, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(got[0].Data, []byte("\r\n"), []byte("\n"))) {
		t.Error("the archived copy differs from what the server accepted")
	}
	// Nothing is sent twice.
	if n, _ := f.worker.SendDue(context.Background()); n != 0 || len(f.sink.Messages()) != 1 {
		t.Errorf("a second pass sent %d", n)
	}
}

func TestTemporaryAndPermanentFailures(t *testing.T) {
	f := newFixture(t)
	queued := f.queueAck(t)
	f.sink.FailNext(1, 451)
	if n, _ := f.worker.SendDue(context.Background()); n != 0 {
		t.Fatalf("sent %d through a 451", n)
	}
	m := f.byID(t, queued.MessageID)
	if m.State != store.MailQueued || m.Attempts != 1 || !m.NextAt.After(f.now) || !strings.Contains(m.LastError, "451") {
		t.Fatalf("after a 451: %+v", m)
	}
	// Not due yet: nothing happens until the backoff has passed.
	if n, _ := f.worker.SendDue(context.Background()); n != 0 {
		t.Fatal("retried before the backoff")
	}
	f.now = m.NextAt
	if n, _ := f.worker.SendDue(context.Background()); n != 1 {
		t.Fatal("not retried after the backoff")
	}
	second := f.queueAck(t)
	f.sink.FailNext(1, 550)
	f.worker.SendDue(context.Background())
	if m := f.byID(t, second.MessageID); m.State != store.MailFailed {
		t.Errorf("after a 550: %s, want failed", m.State)
	}
}

func TestOutageDelaysAndLosesNothing(t *testing.T) {
	f := newFixture(t)
	var ids []string
	for range 3 {
		ids = append(ids, f.queueAck(t).MessageID)
	}
	f.sink.SetDown(true)
	if n, _ := f.worker.SendDue(context.Background()); n != 0 {
		t.Fatal("sent through an outage")
	}
	f.sink.SetDown(false)
	f.now = f.now.Add(time.Hour)
	if n, err := f.worker.SendDue(context.Background()); n != 3 || err != nil {
		t.Fatalf("after the outage: sent %d, %v", n, err)
	}
	for _, id := range ids {
		if m := f.byID(t, id); m.State != store.MailSent {
			t.Errorf("%s: %s", id, m.State)
		}
	}
}

func (f *fixture) byID(t *testing.T, messageID string) store.Mail {
	t.Helper()
	var m store.Mail
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		m, err = tx.MailByMessageID(messageID)
		return err
	})
	return m
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		attempts int
		limit    time.Duration
		want     time.Duration
	}{{0, time.Hour, 30 * time.Second}, {1, time.Hour, time.Minute}, {3, time.Hour, 4 * time.Minute},
		{10, time.Hour, time.Hour}, {1000, time.Hour, time.Hour}, {0, 2 * time.Second, 2 * time.Second}} {
		got := Backoff(c.attempts, c.limit)
		if got > c.want || got < c.want-c.want/10 {
			t.Errorf("Backoff(%d, %s) = %s, want %s less up to a tenth", c.attempts, c.limit, got, c.want)
		}
	}
}
