package mailer

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNextEnvelopeBehindData: on a session with PIPELINING, each mail's
// MAIL, RCPT and DATA go out behind the data of the mail before it (RFC
// 2920 lets the message's content begin a group): one round trip a mail.
// The server here answers a mail's ending only once the next command has
// come, as a server may answer a group at its end; a client that waited
// for that answer before sending on would wait until its timeout.
func TestNextEnvelopeBehindData(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	const mails = 4
	srv := newGroupServer(t, mails)
	host, port, _ := strings.Cut(srv.ln.Addr().String(), ":")
	w.SMTP.Host, w.SMTP.Timeout = host, 2*time.Second
	w.SMTP.Port, _ = strconv.Atoi(port)
	acksTo(t, w, mails, "dan@example.com") // on one session
	if n, err := w.sendDue(context.Background()); err != nil || n != mails {
		t.Fatalf("sent %d, %v; want %d", n, err, mails)
	}
	wantAllStates(t, db, "", "sent/1")
	if got := srv.taken(); got != mails {
		t.Errorf("the server took %d mails, want %d", got, mails)
	}
}

// groupServer is an SMTP server that withholds the reply to the end of
// each mail's data, but the last one's, until the next command comes.
type groupServer struct {
	ln    net.Listener
	last  int // the mail whose ending is answered at once
	mu    sync.Mutex
	mails int
}

func newGroupServer(t *testing.T, last int) *groupServer {
	s := &groupServer{last: last}
	s.ln = listen(t, func(c net.Conn) { s.serve(c) })
	return s
}

// listen listens on the loopback until the test ends, serving each
// connection on a goroutine of its own.
func listen(t *testing.T, serve func(net.Conn)) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln
}

func (s *groupServer) taken() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mails
}

func (s *groupServer) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	w.WriteString("220 localhost ESMTP\r\n")
	w.Flush()
	held := false // a mail's ending not yet answered
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if held {
			w.WriteString("250 taken\r\n")
			held = false
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			w.WriteString("250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
		case strings.HasPrefix(cmd, "DATA"):
			w.WriteString("354 go on\r\n")
			w.Flush()
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			s.mu.Lock()
			s.mails++
			held = s.mails < s.last
			s.mu.Unlock()
			if !held {
				w.WriteString("250 taken\r\n")
			}
		case cmd == "QUIT":
			w.WriteString("221 bye\r\n")
			w.Flush()
			return
		default: // MAIL, RCPT, RSET, NOOP
			w.WriteString("250 OK\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}

// TestMailInOneWrite: a mail that fits the session's buffer leaves in one
// write with its ending dot and the next mail's envelope; the session's
// other writes are its greeting, the first envelope and QUIT.
func TestMailInOneWrite(t *testing.T) {
	db := openStore(t)
	w, sink := newWorker(t, db, io.Discard)
	var mu sync.Mutex
	writes := 0
	w.SMTP.dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := new(net.Dialer).DialContext(ctx, network, addr)
		return countingConn{c, func() { mu.Lock(); writes++; mu.Unlock() }}, err
	}
	const mails = 5
	acksTo(t, w, mails, "dan@example.com") // on one session
	if n, err := w.SendDue(context.Background()); err != nil || n != mails {
		t.Fatalf("sent %d, %v; want %d", n, err, mails)
	}
	if got := len(sink.Messages()); got != mails {
		t.Fatalf("the server took %d mails, want %d", got, mails)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := mails + 3; writes > want {
		t.Errorf("%d writes for %d mails, want at most %d (EHLO, the first envelope, a write a mail, QUIT)", writes, mails, want)
	}
}

// countingConn calls wrote at each write.
type countingConn struct {
	net.Conn
	wrote func()
}

func (c countingConn) Write(p []byte) (int, error) {
	c.wrote()
	return c.Conn.Write(p)
}
