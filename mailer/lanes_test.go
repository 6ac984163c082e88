package mailer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestLanesKeepEachRecipientsOrder: a batch's mails are shared out between
// the sessions by recipient, each recipient's on one session in their
// order, the sessions about evenly loaded.
func TestLanesKeepEachRecipientsOrder(t *testing.T) {
	to := []string{"a@example.com", "B@example.com", "c@example.com", "b+1@example.com", "Dân <a@example.com>",
		"d@example.com", "A@Example.com", "b@example.com", "e@example.com"}
	due := make([]store.Mail, len(to))
	for i, a := range to {
		due[i] = store.Mail{ID: int64(i + 1), To: a}
	}
	ls := lanes(due, 2)
	if len(ls) != 2 {
		t.Fatalf("%d lanes, want 2", len(ls))
	}
	lane := map[string]int{}
	for l, idx := range ls {
		for k, i := range idx {
			if k > 0 && idx[k-1] >= i {
				t.Errorf("lane %d out of order: %v", l, idx)
			}
			rcpt := mailboxOf(due[i].To)
			if was, ok := lane[rcpt]; ok && was != l {
				t.Errorf("%s's mails on lanes %d and %d", rcpt, was, l)
			}
			lane[rcpt] = l
		}
	}
	if a, b := mailboxOf("Dân <An+1@Example.com>"), mailboxOf("an@example.com"); a != b {
		t.Errorf("%q and %q: two mailboxes, want one", a, b)
	}
	laneOf := map[int]int{}
	for l, idx := range ls {
		for _, i := range idx {
			laneOf[i] = l
		}
	}
	for _, same := range [][]int{{0, 4, 6}, {1, 3, 7}} { // a@'s mails, b@'s
		for _, i := range same[1:] {
			if laneOf[i] != laneOf[same[0]] {
				t.Errorf("mails to %q and %q on lanes %d and %d, want one", due[same[0]].To, due[i].To, laneOf[same[0]], laneOf[i])
			}
		}
	}
	if n := len(ls[0]) + len(ls[1]); n != len(due) || len(ls[0]) < 4 || len(ls[1]) < 4 {
		t.Errorf("lanes of %d and %d mails, want every mail once, shared 4 and 5", len(ls[0]), len(ls[1]))
	}
}

// TestSeveralMailsInFlight: two recipients' mails go on two sessions at
// once — the server answers the first mail of each only when both have
// come —, and each reply is recorded as it said: 250 sent, 550 failed, 451
// queued for its retry; a mail whose data the server took and whose reply
// never came (the connection dropped) is queued, never recorded as sent,
// and goes again with its Message-ID; the mail after it on that session
// goes on a new session. Nothing else is sent twice.
func TestSeveralMailsInFlight(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	srv := newReplyServer(t, map[string][]string{
		"a@example.com": {"250", "550", "250"},
		"b@example.com": {"451", "drop", "250"},
	})
	srv.mu.Lock() // a connection may come in already: the listener is open
	srv.pair = true
	srv.mu.Unlock()
	host, port, _ := strings.Cut(srv.ln.Addr().String(), ":")
	w.SMTP.Host, w.SMTP.Timeout = host, 10*time.Second
	w.SMTP.Port, _ = strconv.Atoi(port)
	for range 3 {
		acksTo(t, w, 1, "a@example.com") // mails 1, 3, 5
		acksTo(t, w, 1, "b@example.com") // mails 2, 4, 6
	}
	if n, err := w.sendDue(context.Background()); err != nil || n != 3 {
		t.Fatalf("sent %d, %v; want 3", n, err)
	}
	if !srv.together() {
		t.Error("the first mails of the two recipients were not in flight together")
	}
	wantStates(t, db, "", map[int64]string{1: "sent/1", 2: "queued/1", 3: "failed/1", 4: "queued/1", 5: "sent/1", 6: "sent/1"})

	later := w.Now().Add(w.RetryMax)
	w.Now = func() time.Time { return later }
	if n, err := w.sendDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("the retries: sent %d, %v; want 2", n, err)
	}
	wantStates(t, db, "after the retries, ", map[int64]string{1: "sent/1", 2: "sent/2", 3: "failed/1", 4: "sent/2", 5: "sent/1", 6: "sent/1"})
	took := srv.took()
	db.Read(context.Background(), func(tx *store.Tx) error {
		for id, want := range map[int64]int{1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1} {
			m, _ := tx.MailByID(id)
			if got := took["<"+m.MessageID+">"]; got != want {
				t.Errorf("mail %d: its data taken %d times with its Message-ID, want %d", id, got, want)
			}
		}
		return nil
	})
}

// TestRelayLimitsConnections: a relay that lets a client open one session
// at a time greets the second with 421. The batch goes on the first
// session, every mail sent once, none delayed; the next batch does not ask
// for a second session again.
func TestRelayLimitsConnections(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	srv := newReplyServer(t, nil)
	srv.mu.Lock() // a connection may come in already: the listener is open
	srv.limit = 1
	srv.mu.Unlock()
	host, port, _ := strings.Cut(srv.ln.Addr().String(), ":")
	w.SMTP.Host, w.SMTP.Timeout = host, 10*time.Second
	w.SMTP.Port, _ = strconv.Atoi(port)
	for round := range 2 {
		acks(t, w, 4)
		if n, err := w.sendDue(context.Background()); err != nil || n != 4 {
			t.Fatalf("round %d: sent %d, %v; want 4", round, n, err)
		}
	}
	wantAllStates(t, db, "", "sent/1")
	if got := srv.connections(); got != 2 {
		t.Errorf("%d connections asked for, want 2: the session, and one more refused once", got)
	}
}

// replyServer is an SMTP server, with PIPELINING, that answers each mail's
// ending dot as its recipient's script says, mail after mail: a reply
// code, or "drop" (the data taken, the connection closed unanswered);
// "250" once a script is spent. When paired, it answers the first mail's
// end of each session only when the first mails of two sessions have
// come, or after a while.
type replyServer struct {
	ln      net.Listener
	mu      sync.Mutex
	scripts map[string][]string
	taken   map[string]int // the mails whose data it read, by Message-ID
	both    chan struct{}  // closed when two sessions have a mail's data in
	pair    bool           // a session's first mail waits for another's (first)
	limit   int            // the most sessions open at once; 0: no limit
	open    int            // sessions open
	dialed  int            // connections asked for
	waiting int            // sessions whose first mail waits for another's
	joined  bool           // two sessions' first mails were in flight together
}

func newReplyServer(t *testing.T, scripts map[string][]string) *replyServer {
	if scripts == nil {
		scripts = map[string][]string{}
	}
	s := &replyServer{scripts: scripts, taken: map[string]int{}, both: make(chan struct{})}
	s.ln = listen(t, func(c net.Conn) { s.serve(c) })
	return s
}

func (s *replyServer) paired() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pair
}

func (s *replyServer) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dialed
}

func (s *replyServer) together() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.joined
}

func (s *replyServer) took() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.taken
}

// next returns the reply to a mail to rcpt whose data came.
func (s *replyServer) next(rcpt, messageID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taken[messageID]++
	sc := s.scripts[rcpt]
	if len(sc) == 0 {
		return "250"
	}
	s.scripts[rcpt] = sc[1:]
	return sc[0]
}

// first waits, for a session's first mail, until another session's first
// mail comes while it waits, or for a while.
func (s *replyServer) first() {
	s.mu.Lock()
	if s.waiting > 0 && !s.joined {
		s.joined = true
		close(s.both)
	}
	s.waiting++
	s.mu.Unlock()
	select {
	case <-s.both:
	case <-time.After(5 * time.Second):
	}
	s.mu.Lock()
	s.waiting--
	s.mu.Unlock()
}

func (s *replyServer) serve(c net.Conn) {
	defer c.Close()
	s.mu.Lock()
	s.dialed++
	full := s.limit > 0 && s.open >= s.limit
	if !full {
		s.open++
		defer func() { s.mu.Lock(); s.open--; s.mu.Unlock() }()
	}
	s.mu.Unlock()
	if full {
		fmt.Fprint(c, "421 4.7.0 too many connections from your address\r\n")
		return
	}
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	w.WriteString("220 localhost ESMTP\r\n")
	w.Flush()
	rcpt, mails := "", 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			w.WriteString("250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpt = strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<>")
			w.WriteString("250 OK\r\n")
		case cmd == "DATA":
			w.WriteString("354 go on\r\n")
			w.Flush()
			data := bufio.NewReader(textproto.NewReader(r).DotReader())
			h, err := textproto.NewReader(data).ReadMIMEHeader()
			if err != nil {
				return
			}
			if _, err := io.Copy(io.Discard, data); err != nil {
				return
			}
			if mails++; mails == 1 && s.paired() {
				s.first()
			}
			reply := s.next(rcpt, h.Get("Message-Id"))
			if reply == "drop" {
				return
			}
			fmt.Fprintf(w, "%s %s\r\n", reply, map[bool]string{true: "taken", false: "refused"}[reply == "250"])
		case cmd == "QUIT":
			w.WriteString("221 bye\r\n")
			w.Flush()
			return
		default: // MAIL, RSET, NOOP
			w.WriteString("250 OK\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}
