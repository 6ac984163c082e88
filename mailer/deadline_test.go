package mailer

import (
	"context"
	"errors"
	"io"
	"os"
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
	srv := serve(t, script{slow: true, stall: -1})
	s := srv.open(t, 750*time.Millisecond, true)
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
	srv := serve(t, script{slow: true, stall: 64 << 10})
	s := srv.open(t, 300*time.Millisecond, true)
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

// TestServerScanningTheMail: a server that takes longer than the session's
// timeout to answer a mail's ending dot — it scans the mail first — has
// the mail taken, once: the answer to the dot is given dataDoneTimeout
// (RFC 5321 4.5.3.2.6), not the timeout of a command. Given up at the
// timeout, the attempt failed though the server went on to deliver the
// mail, and the retry sent it again.
func TestServerScanningTheMail(t *testing.T) {
	t.Parallel()
	srv := serve(t, script{stall: -1, dotAnswer: time.Second})
	s := srv.open(t, 300*time.Millisecond, false)
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
	srv := serve(t, script{stall: -1, dotAnswer: -1})
	s := srv.open(t, 300*time.Millisecond, false)
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

// TestStopShortensTheScanWaitOfALaterMail: the stop shortens the wait for
// the answer to a mail's ending dot on a session that has sent mails
// before under the same context, whether the daemon stops during that
// wait or before the mail is sent.
func TestStopShortensTheScanWaitOfALaterMail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		cancel func(context.CancelFunc) // after the first mail
	}{
		{"stop while waiting", func(cancel context.CancelFunc) { time.AfterFunc(200*time.Millisecond, cancel) }},
		{"stop before the mail", func(cancel context.CancelFunc) { cancel() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, script{stall: -1, dotAnswer: -1, answered: 1})
			s := srv.open(t, 300*time.Millisecond, false)
			defer s.close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			env := &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}
			if err := s.send(ctx, env, largeMail(4<<10), nil); err != nil {
				t.Fatalf("first mail: %v", err)
			}
			srv.wait(t)
			c.cancel(cancel)
			start := time.Now()
			err := s.send(ctx, env, largeMail(4<<10), nil)
			took := time.Since(start)
			var serr *sendError
			if !errors.As(err, &serr) || serr.stage != "end of data" || !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("send: %v; want a timeout at the end of data", err)
			}
			if took > 10*time.Second {
				t.Errorf("the stop waited %v for the server's answer; want about the timeout (300ms)", took)
			}
		})
	}
}

// TestIdleSessionQuits: a session closed after standing idle longer than
// its timeout still says QUIT: the deadline of its last wait has passed,
// and QUIT is given a wait of its own.
func TestIdleSessionQuits(t *testing.T) {
	t.Parallel()
	srv := serve(t, script{stall: -1})
	s := srv.open(t, 200*time.Millisecond, false)
	time.Sleep(400 * time.Millisecond) // idle past the timeout
	s.close()
	select {
	case <-srv.quit:
	case <-time.After(10 * time.Second):
		t.Error("the server saw the connection closed without QUIT")
	}
}
