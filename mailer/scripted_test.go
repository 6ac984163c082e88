package mailer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script says how a scriptedServer behaves in one session.
type script struct {
	// slow reads the mail's data 4 KB every 10 ms; stall, when it is not
	// negative, stops reading after stall bytes of it.
	slow  bool
	stall int
	// dotAnswer is how long the server takes to answer the ending dot (it
	// scans the mail); negative: it never answers, but for the first
	// answered mails' (at once).
	dotAnswer time.Duration
	answered  int
}

// scriptedServer is an SMTP server for one session of the session's tests:
// it offers PIPELINING and 8BITMIME, takes one connection, answers every
// command with 250, and tells how it saw the mail's data end: "taken" at
// the ending dot, "cut" when the connection closed before it, "stalled"
// when it stopped reading, "before DATA" when no data came.
type scriptedServer struct {
	ln    net.Listener
	ended chan string   // how the mail's data ended
	quit  chan struct{} // closed when the client says QUIT
	done  chan struct{} // closed when the test ends
}

// serve starts a server that follows sc until the test ends.
func serve(t *testing.T, sc script) *scriptedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &scriptedServer{ln: ln, ended: make(chan string, 1), quit: make(chan struct{}), done: make(chan struct{})}
	t.Cleanup(func() {
		close(srv.done)
		ln.Close()
	})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srv.ended <- err.Error()
			return
		}
		defer c.Close()
		srv.session(c, sc)
	}()
	return srv
}

// session speaks SMTP on c as sc says.
func (srv *scriptedServer) session(c net.Conn, sc script) {
	slow := &slowReader{r: c, slow: sc.slow, stall: sc.stall}
	r := bufio.NewReaderSize(slow, 4096)
	fmt.Fprint(c, "220 localhost ESMTP\r\n")
	mail, taken := false, 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if !mail {
				srv.ended <- "before DATA"
			}
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			fmt.Fprint(c, "250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
		case cmd == "QUIT":
			fmt.Fprint(c, "221 bye\r\n")
			close(srv.quit)
			return
		case cmd == "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			mail, slow.data = true, true
			ended := readData(r)
			slow.data = false
			srv.ended <- ended
			if ended == "taken" {
				taken++
			}
			if ended == "stalled" || (ended == "taken" && sc.dotAnswer < 0 && taken > sc.answered) {
				<-srv.done // the connection stays open, unread or unanswered
				return
			}
			if ended != "taken" {
				return
			}
			time.Sleep(max(sc.dotAnswer, 0))
			fmt.Fprint(c, "250 taken\r\n")
		default:
			fmt.Fprint(c, "250 OK\r\n")
		}
	}
}

// readData reads a mail's data up to its ending dot and says how it ended.
func readData(r *bufio.Reader) string {
	for {
		l, err := r.ReadString('\n')
		switch {
		case errors.Is(err, errStalled):
			return "stalled"
		case err != nil:
			return "cut"
		case l == ".\r\n":
			return "taken"
		}
	}
}

// open opens a session to the server with the timeout. With smallBuffer,
// the socket's send buffer is small: what the session writes reaches the
// server's reading soon, as it does over a slow link (on loopback the
// kernel would otherwise buffer megabytes).
func (srv *scriptedServer) open(t *testing.T, timeout time.Duration, smallBuffer bool) *session {
	t.Helper()
	host, port, _ := strings.Cut(srv.ln.Addr().String(), ":")
	p, _ := strconv.Atoi(port)
	conf := SMTP{Host: host, Port: p, TLS: "none", Timeout: timeout}
	if smallBuffer {
		conf.dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := new(net.Dialer).DialContext(ctx, network, addr)
			if err == nil {
				err = c.(*net.TCPConn).SetWriteBuffer(8192)
			}
			return c, err
		}
	}
	s, err := conf.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wait returns how the server saw the mail's data end.
func (srv *scriptedServer) wait(t *testing.T) string {
	t.Helper()
	select {
	case got := <-srv.ended:
		return got
	case <-time.After(30 * time.Second):
		t.Fatal("the server still reads the mail")
		return ""
	}
}

var errStalled = errors.New("the server stops reading")

// slowReader reads a mail's data (once data is set) 4 KB at a time, 10 ms
// apart when slow, and stops after stall bytes when stall is not negative.
type slowReader struct {
	r     io.Reader
	data  bool // the data has begun
	slow  bool
	stall int
	read  int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if !s.data || !s.slow {
		return s.r.Read(p)
	}
	if s.stall >= 0 && s.read >= s.stall {
		return 0, errStalled
	}
	time.Sleep(10 * time.Millisecond)
	n, err := s.r.Read(p[:min(len(p), 4096)])
	s.read += n
	return n, err
}
