package mailer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSlowServerTakesLargeMail: a mail of 600 KB to a server that reads
// its data slowly but steadily, 4 KB every 10 ms (a second and a half or
// more in all), goes through with a timeout of 750 ms: the timeout bounds
// a stall, not the whole transfer, as Postfix's smtp_data_xfer_timeout
// and RFC 5321 4.5.3.2's per-block timeouts have it. A deadline over the
// whole transaction failed such a mail at every attempt.
func TestSlowServerTakesLargeMail(t *testing.T) {
	t.Parallel()
	srv := newSlowServer(t, -1)
	s := srv.open(t, 750*time.Millisecond)
	err := s.send(context.Background(), &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, largeMail(600<<10), nil)
	s.close()
	if err != nil {
		t.Errorf("send: %v; want the mail taken", err)
	}
	if got := srv.wait(t); got != "taken" {
		t.Errorf("the server saw the mail's data end %s; want taken", got)
	}
}

// TestStalledServerFailsTheAttempt: a server that stops reading in the
// middle of a mail's data fails the attempt within about the timeout,
// and the session is given up; the mail is not taken.
func TestStalledServerFailsTheAttempt(t *testing.T) {
	t.Parallel()
	srv := newSlowServer(t, 64<<10)
	s := srv.open(t, 300*time.Millisecond)
	start := time.Now()
	err := s.send(context.Background(), &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, largeMail(400<<10), nil)
	took := time.Since(start)
	s.close()
	var serr *sendError
	if !errors.As(err, &serr) || !errors.Is(err, os.ErrDeadlineExceeded) || !s.broken {
		t.Errorf("send: %v, session broken %v; want a timeout, the session given up", err, s.broken)
	}
	if took > 10*time.Second {
		t.Errorf("the attempt failed after %v; want about the timeout (300ms)", took)
	}
	if got := srv.wait(t); got != "stalled" {
		t.Errorf("the server saw the mail's data end %s; want stalled, not taken", got)
	}
}

// largeMail is a mail of about size bytes: a header and lines of text,
// as a notice carrying photos is mostly base64 lines.
func largeMail(size int) io.Reader {
	var b strings.Builder
	b.WriteString("Subject: =?UTF-8?Q?Th=C3=B4ng_b=C3=A1o?=\r\nContent-Type: text/plain\r\n\r\n")
	line := strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", 3)[:76] + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return strings.NewReader(b.String())
}

// slowServer is an SMTP server for one mail that reads the mail's data
// 4 KB every 10 ms, and stops reading after
// stall bytes of it when stall is not negative.
type slowServer struct {
	ln    net.Listener
	ended chan string   // how the server saw the mail's data end
	done  chan struct{} // closed when the test ends
}

func newSlowServer(t *testing.T, stall int) *slowServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &slowServer{ln: ln, ended: make(chan string, 1), done: make(chan struct{})}
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
		got := serveSlowly(c, stall)
		srv.ended <- got
		if got == "stalled" {
			<-srv.done // the connection stays open, unread
		}
	}()
	return srv
}

// open opens a session to the server with the timeout, on a socket whose
// send buffer is small: what the session writes reaches the server's
// reading soon, as it does over a slow link (on loopback the kernel would
// otherwise buffer megabytes).
func (srv *slowServer) open(t *testing.T, timeout time.Duration) *session {
	host, port, _ := strings.Cut(srv.ln.Addr().String(), ":")
	p, _ := strconv.Atoi(port)
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := new(net.Dialer).DialContext(ctx, network, addr)
		if err == nil {
			err = c.(*net.TCPConn).SetWriteBuffer(8192)
		}
		return c, err
	}
	s, err := SMTP{Host: host, Port: p, TLS: "none", Timeout: timeout, dialer: dial}.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wait returns how the server saw the mail's data end.
func (srv *slowServer) wait(t *testing.T) string {
	select {
	case got := <-srv.ended:
		return got
	case <-time.After(30 * time.Second):
		t.Fatal("the server still reads the mail")
		return ""
	}
}

// serveSlowly speaks SMTP on c for one mail and reads its data slowly;
// it says how the data ended: "taken" at the ending dot, "cut" when the
// connection closed before it, "stalled" when it stopped reading.
func serveSlowly(c net.Conn, stall int) string {
	slow := &slowReader{r: c, stall: stall}
	r := bufio.NewReaderSize(slow, 4096)
	fmt.Fprint(c, "220 localhost ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "before DATA"
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			fmt.Fprint(c, "250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
		case cmd == "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			slow.data = true
			for {
				l, err := r.ReadString('\n')
				if errors.Is(err, errStalled) {
					return "stalled"
				}
				if err != nil {
					return "cut"
				}
				if l == ".\r\n" {
					fmt.Fprint(c, "250 taken\r\n")
					return "taken"
				}
			}
		default:
			fmt.Fprint(c, "250 OK\r\n")
		}
	}
}

var errStalled = errors.New("the server stops reading")

// slowReader reads the mail's data 4 KB at a time, 10 ms apart, and
// stops after stall bytes when stall is not negative.
type slowReader struct {
	r     io.Reader
	data  bool // the data has begun
	stall int
	read  int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if !s.data {
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

// TestServerScanningTheMail: a server that takes longer than the session's
// timeout to answer a mail's ending dot — it scans the mail first — has
// the mail taken, once: the answer to the dot is given dataDoneTimeout
// (RFC 5321 4.5.3.2.6), not the timeout of a command. Given up at the
// timeout, the attempt failed though the server went on to deliver the
// mail, and the retry sent it again.
func TestServerScanningTheMail(t *testing.T) {
	t.Parallel()
	addr := scanningServer(t, time.Second)
	s := openTo(t, addr, 300*time.Millisecond)
	err := s.send(context.Background(), &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, largeMail(4<<10), nil)
	s.close()
	if err != nil {
		t.Errorf("send: %v; want the mail taken after the server's scan", err)
	}
}

// TestStopShortensTheScanWait: when the daemon stops while the server has
// not answered a mail's ending dot, the wait ends within the session's
// timeout, not dataDoneTimeout's ten minutes; the mail counts as not sent.
func TestStopShortensTheScanWait(t *testing.T) {
	t.Parallel()
	addr := scanningServer(t, -1)
	s := openTo(t, addr, 300*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := s.send(ctx, &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, largeMail(4<<10), nil)
	took := time.Since(start)
	s.close()
	var serr *sendError
	if !errors.As(err, &serr) || serr.stage != "end of data" || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("send: %v; want a timeout at the end of data", err)
	}
	if took > 10*time.Second {
		t.Errorf("the stop waited %v for the server's answer; want about the timeout (300ms)", took)
	}
}

// scanningServer is an SMTP server for one mail that answers its ending
// dot after delay, or never when delay is negative; it returns its
// address.
func scanningServer(t *testing.T, delay time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		close(done)
		ln.Close()
	})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		fmt.Fprint(c, "220 localhost ESMTP\r\n")
		data := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case data && line == ".\r\n":
				data = false
				if delay < 0 {
					<-done
					return
				}
				time.Sleep(delay)
				fmt.Fprint(c, "250 taken\r\n")
			case data:
			case cmd == "DATA":
				data = true
				fmt.Fprint(c, "354 go on\r\n")
			case strings.HasPrefix(cmd, "EHLO"):
				fmt.Fprint(c, "250-localhost\r\n250 8BITMIME\r\n")
			default:
				fmt.Fprint(c, "250 OK\r\n")
			}
		}
	}()
	return ln.Addr().String()
}

// openTo opens a session to the server at addr with the timeout.
func openTo(t *testing.T, addr string, timeout time.Duration) *session {
	host, port, _ := strings.Cut(addr, ":")
	p, _ := strconv.Atoi(port)
	s, err := SMTP{Host: host, Port: p, TLS: "none", Timeout: timeout}.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIdleSessionQuits: a session closed after standing idle longer than
// its timeout still says QUIT: the deadline of its last wait has passed,
// and QUIT is given a wait of its own.
func TestIdleSessionQuits(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	quit := make(chan bool, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			quit <- false
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		fmt.Fprint(c, "220 localhost ESMTP\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				quit <- false
				return
			}
			if strings.EqualFold(strings.TrimSpace(line), "QUIT") {
				fmt.Fprint(c, "221 bye\r\n")
				quit <- true
				return
			}
			fmt.Fprint(c, "250 OK\r\n")
		}
	}()
	s := openTo(t, ln.Addr().String(), 200*time.Millisecond)
	time.Sleep(400 * time.Millisecond) // idle past the timeout
	s.close()
	if !<-quit {
		t.Error("the server saw the connection closed without QUIT")
	}
}
