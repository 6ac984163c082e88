package mailer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// session is one connection to the submission server, kept open and used
// for mail after mail: each mail is one transaction (MAIL, RCPT, DATA)
// with no reset or reconnection between them. The connection is opened,
// secured and authenticated by go-mail, as the configuration says.
type session struct {
	c       *smtp.Client
	timeout time.Duration
	used    time.Time // the end of its last transaction
	broken  bool      // the connection failed: open another
}

// open connects to the server.
func (s SMTP) open(ctx context.Context) (*session, error) {
	client, err := s.client(true)
	if err != nil {
		return nil, err
	}
	c, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &session{c: c, timeout: cmp(s.Timeout, 30*time.Second), used: time.Now()}, nil
}

// close ends the session politely when it can.
func (s *session) close() {
	if !s.broken {
		s.c.Quit()
	}
	s.c.Close()
}

// sendError is a transaction that failed: at which command, and whether
// the server refused it (a reply) or the connection failed.
type sendError struct {
	stage string // "mail", "rcpt", "data" or "end of data"
	err   error
}

func (e *sendError) Error() string { return fmt.Sprintf("smtp %s: %v", e.stage, e.err) }
func (e *sendError) Unwrap() error { return e.err }

// code is the server's reply code, 0 when the connection failed instead.
func (e *sendError) code() int {
	var reply *textproto.Error
	if errors.As(e.err, &reply) {
		return reply.Code
	}
	return 0
}

// permanent reports whether the server refused the mail for good (5xx).
func (e *sendError) permanent() bool { return e.code() >= 500 }

// unsent reports whether the mail certainly did not reach the server, on
// a connection that was already unusable: the server closed it while it
// was idle (no reply at all, or 421, to the MAIL command). Sending it again
// on a new connection cannot double it.
func (e *sendError) unsent() bool {
	return e.stage == "mail" && (e.code() == 0 || e.code() == 421)
}

// send runs one mail transaction and reports the server's acceptance as a
// nil error; utf8 says whether it asks for SMTPUTF8 (when the server
// offers it). A refused transaction is reset so that the session can go
// on; a failed connection marks the session broken.
func (s *session) send(from string, rcpts []string, utf8 bool, body io.Reader) error {
	fail := func(stage string, err error) error {
		e := &sendError{stage, err}
		if e.code() == 0 || e.code() == 421 {
			s.broken = true
		} else if stage != "end of data" && s.c.Reset() != nil {
			s.broken = true
		}
		return e
	}
	if err := s.c.UpdateDeadline(s.timeout); err != nil {
		return fail("mail", err)
	}
	s.c.SkipSMTPUTF8(!utf8)
	if err := s.c.Mail(from); err != nil {
		return fail("mail", err)
	}
	for _, r := range rcpts {
		if err := s.c.Rcpt(r); err != nil {
			return fail("rcpt", err)
		}
	}
	w, err := s.c.Data()
	if err != nil {
		return fail("data", err)
	}
	if _, err := io.Copy(w, body); err != nil {
		w.Close()
		return fail("data", err)
	}
	if err := w.Close(); err != nil {
		return fail("end of data", err)
	}
	s.used = time.Now()
	return nil
}
