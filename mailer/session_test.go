package mailer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// acks queues n acknowledgements to distinct citizens.
func acks(t *testing.T, w *Worker, n int) {
	t.Helper()
	for i := range n {
		acksTo(t, w, 1, fmt.Sprintf("dan%d@example.com", i))
	}
}

// acksTo queues n acknowledgements to one address: a batch's mails to one
// recipient go on one session, in their order.
func acksTo(t *testing.T, w *Worker, n int, to string) {
	t.Helper()
	data, _ := json.Marshal(templates.Ack{Code: "PA-2026-000001"})
	for range n {
		enqueue(t, w, store.Mail{Kind: "ack", To: to, Role: "citizen", Data: data})
	}
}

// states returns the outbox's mails by id: state and attempts.
func states(t *testing.T, db *store.DB) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	db.Read(context.Background(), func(tx *store.Tx) error {
		for id := int64(1); ; id++ {
			m, err := tx.MailByID(id)
			if err != nil {
				return nil
			}
			out[id] = fmt.Sprintf("%s/%d", m.State, m.Attempts)
		}
	})
	return out
}

// wantStates fails t for each mail of want whose state and attempts in
// the outbox (states) are not those want gives it; when says when, in the
// failure.
func wantStates(t *testing.T, db *store.DB, when string, want map[int64]string) {
	t.Helper()
	got := states(t, db)
	for id, s := range want {
		if got[id] != s {
			t.Errorf("%smail %d: %s, want %s", when, id, got[id], s)
		}
	}
}

// wantAllStates fails t for each mail of the outbox whose state and
// attempts are not want.
func wantAllStates(t *testing.T, db *store.DB, when string, want string) {
	t.Helper()
	for id, s := range states(t, db) {
		if s != want {
			t.Errorf("%smail %d: %s, want %s", when, id, s, want)
		}
	}
}

// wantAccepted fails t unless the server accepted n mails.
func wantAccepted(t *testing.T, sink *smtptest.Server, n int) {
	t.Helper()
	if got := len(sink.Messages()); got != n {
		t.Errorf("the server accepted %d mails, want %d", got, n)
	}
}

// TestOneSessionForManyMails sends two rounds of mail, as the daemon does
// when new mail is queued: the worker's sessions, each opened once, carry
// them all, and each mail is recorded as sent once.
func TestOneSessionForManyMails(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	for round := range 2 {
		acks(t, w, 3)
		if n, err := w.sendDue(ctx); err != nil || n != 3 {
			t.Fatalf("round %d: sent %d, %v", round, n, err)
		}
	}
	if got := sink.Connections(); got != sessions {
		t.Errorf("%d connections for 6 mails, want %d", got, sessions)
	}
	if ok, _ := w.sess[0].c.Extension("PIPELINING"); !ok {
		t.Error("the sink offers no PIPELINING: the pipelined send went untested")
	}
	wantAllStates(t, db, "", "sent/1")
}

// TestBatchRecordedWhileNextSent: while a batch's outcomes wait for the
// writer to record them, the next batch is sent; each mail is still sent
// once and recorded as sent.
func TestBatchRecordedWhileNextSent(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	acks(t, w, batch+batch/2)
	held, release := make(chan struct{}), make(chan struct{})
	go db.Write(ctx, func(*store.Tx) error { close(held); <-release; return nil }) // the writer, busy
	<-held
	type result struct {
		n   int
		err error
	}
	done := make(chan result)
	go func() { n, err := w.sendDue(ctx); done <- result{n, err} }()
	deadline := time.Now().Add(30 * time.Second)
	for len(sink.Messages()) < batch+batch/2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := len(sink.Messages()); got != batch+batch/2 {
		t.Errorf("%d mails sent while the first batch's records waited for the writer, want %d", got, batch+batch/2)
	}
	close(release)
	if r := <-done; r.err != nil || r.n != batch+batch/2 {
		t.Fatalf("sent %d, %v", r.n, r.err)
	}
	wantAllStates(t, db, "", "sent/1")
	wantAccepted(t, sink, batch+batch/2)
}

// TestSessionClosedWhileIdle: the server closes the session while it is
// idle; the next mail finds out at its first command, which the server
// never took, and goes at once on a new session, not delayed.
func TestSessionClosedWhileIdle(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	defer w.hangUp()
	ctx := context.Background()
	acks(t, w, 1)
	if n, err := w.sendDue(ctx); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	sink.DropConnections()
	acks(t, w, 1)
	if n, err := w.sendDue(ctx); err != nil || n != 1 {
		t.Fatalf("after the server hung up: sent %d, %v", n, err)
	}
	if got := sink.Connections(); got != 2 {
		t.Errorf("%d connections, want 2", got)
	}
	if s := states(t, db); s[2] != "sent/1" {
		t.Errorf("the second mail is %s, want sent/1", s[2])
	}
}

// TestRefusalsOnOneSession: a mail refused for good fails, one refused for
// now waits for its retry, one whose acceptance the connection lost before
// we heard it waits too; the mails after them go on, and nothing is sent
// twice in the batch.
func TestRefusalsOnOneSession(t *testing.T) {
	for _, stepwise := range []bool{false, true} {
		t.Run(map[bool]string{false: "pipelined", true: "stepwise"}[stepwise], func(t *testing.T) {
			testRefusals(t, stepwise)
		})
	}
}

func testRefusals(t *testing.T, stepwise bool) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	w.stepwise = stepwise
	defer w.hangUp()
	acksTo(t, w, 5, "dan@example.com") // on one session, in order
	sink.FailNext(1, 550)
	if n, err := w.sendDue(context.Background()); err != nil || n != 4 {
		t.Fatalf("sent %d, %v", n, err)
	}
	sink.FailNext(1, 451)
	acksTo(t, w, 2, "dan@example.com")
	if n, err := w.sendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	wantStates(t, db, "", map[int64]string{1: "failed/1", 2: "sent/1", 3: "sent/1", 4: "sent/1", 5: "sent/1", 6: "queued/1", 7: "sent/1"})
	wantAccepted(t, sink, 5)
}

// TestAcceptedButUnheard: the connection breaks after the server kept a
// mail and before it said so. The mail waits for its retry, to go again
// with the same Message-ID (SPEC 8.2), and the mail after it goes on a new
// session.
func TestAcceptedButUnheard(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	var sink *smtptest.Server
	dropped := false
	sink = sendTo(t, w, smtptest.Options{OnAccepted: func(smtptest.Received) {
		if !dropped {
			dropped = true
			sink.DropConnections()
		}
	}})
	acksTo(t, w, 2, "dan@example.com") // on one session, in order
	if n, err := w.sendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d, %v", n, err)
	}
	if s := states(t, db); s[1] != "queued/1" || s[2] != "sent/1" {
		t.Errorf("mails %v, want the first queued for its retry and the second sent", s)
	}
	msgs := sink.Messages()
	var queued store.Mail
	db.Read(context.Background(), func(tx *store.Tx) error { queued, _ = tx.MailByID(1); return nil })
	if len(msgs) != 2 || msgs[0].MessageID != queued.MessageID {
		t.Errorf("accepted %d mails, the first %s; want 2, the first the one queued again (%s)", len(msgs), msgs[0].MessageID, queued.MessageID)
	}
}

// sendTo starts an SMTP sink with opt, closed when the test ends, and
// points the worker at it.
func sendTo(t *testing.T, w *Worker, opt smtptest.Options) *smtptest.Server {
	t.Helper()
	sink, err := smtptest.NewServer(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	host, port, _ := strings.Cut(sink.Addr(), ":")
	w.SMTP.Host = host
	w.SMTP.Port, _ = strconv.Atoi(port)
	return sink
}

// TestRecipientRefused: the server refuses a recipient at RCPT, which a
// pipelined session learns with the replies to MAIL and DATA. That mail
// fails (550) or waits for its retry (450); the session is reset and the
// mails after it go on.
func TestRecipientRefused(t *testing.T) {
	for _, stepwise := range []bool{false, true} {
		t.Run(map[bool]string{false: "pipelined", true: "stepwise"}[stepwise], func(t *testing.T) {
			db := openStore(t)
			w, _ := newWorker(t, db, io.Discard)
			w.stepwise = stepwise
			defer w.hangUp()
			sink := sendTo(t, w, smtptest.Options{RefuseRcpt: func(to string) int {
				return map[string]int{"dan1@example.com": 550, "dan2@example.com": 450}[to]
			}})
			acks(t, w, 4)
			if n, err := w.sendDue(context.Background()); err != nil || n != 2 {
				t.Fatalf("sent %d, %v", n, err)
			}
			wantStates(t, db, "", map[int64]string{1: "sent/1", 2: "failed/1", 3: "queued/1", 4: "sent/1"})
			if sink.Connections() != sessions {
				t.Errorf("%d connections, want %d: one a session", sink.Connections(), sessions)
			}
		})
	}
}

// TestReplyAsReadResponse holds what session.reply makes of a server's
// reply — its error, and what it leaves to read — to what net/textproto's
// ReadResponse makes of it, for the replies it takes from the buffer and
// those it leaves to ReadResponse.
func TestReplyAsReadResponse(t *testing.T) {
	for _, c := range []struct {
		reply  string
		expect int
	}{
		{"250 2.0.0 OK\r\n", 250},
		{"250 2.0.0 OK\r\n250 next\r\n", 250},
		{"251 2.1.5 forwarded\r\n", 25},
		{"250 OK\r\n", 25},
		{"252 OK\r\n", 2},
		{"354 go on\r\n", 354},
		{"250 OK\r\n", 354},
		{"550 5.1.1 no such user\r\n", 25},
		{"451 4.3.0 try later\r\n250 next\r\n", 250},
		{"250-first\r\n250 second\r\n", 250},
		{"250-first\r\n550 second\r\n", 250},
		{"250 bare line feed\n", 250},
		{"250\r\n", 250},
		{"250x\r\n", 250},
		{"2a0 x\r\n", 250},
		{"099 x\r\n", 250},
		{"+50 x\r\n", 250},
		{"2500 x\r\n", 250},
		{"250 cut", 250},
		{"", 250},
	} {
		wantRest, wantErr := readResponse(c.reply, c.expect)
		client, server := net.Pipe()
		go func() {
			io.WriteString(server, "220 localhost\r\n"+c.reply)
			server.Close()
		}()
		sc, err := smtp.NewClient(client, "localhost")
		if err != nil {
			t.Fatal(err)
		}
		s := &session{c: sc}
		gotErr := s.reply(c.expect)
		rest, _ := io.ReadAll(sc.Text.R)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || errors.As(gotErr, new(*textproto.Error)) != errors.As(wantErr, new(*textproto.Error)) {
			t.Errorf("%q, expecting %d: %v, want %v", c.reply, c.expect, gotErr, wantErr)
		}
		if string(rest) != wantRest {
			t.Errorf("%q, expecting %d: %q left to read, want %q", c.reply, c.expect, rest, wantRest)
		}
		sc.Close()
	}
}

// readResponse is what net/textproto's ReadResponse(expect) makes of a
// reply: its error and what it leaves to read.
func readResponse(reply string, expect int) (string, error) {
	r := bufio.NewReader(strings.NewReader(reply))
	_, _, err := textproto.NewReader(r).ReadResponse(expect)
	rest, _ := io.ReadAll(r)
	return string(rest), err
}
