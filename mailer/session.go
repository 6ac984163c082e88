package mailer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wneessen/go-mail/smtp"
)

// session is one connection to the submission server, kept open and used
// for mail after mail: each mail is one transaction (MAIL, RCPT, DATA)
// with no reset or reconnection between them. The connection is opened,
// secured and authenticated by go-mail, as the configuration says.
//
// The timeout bounds each wait, a stall, not a whole transaction: each
// command, each reply and each block of a mail's data written is given it
// anew (RFC 5321 4.5.3.2's per-command and per-block timeouts, Postfix's
// smtp_data_xfer_timeout), so that a mail of several MB goes through a
// slow link while a server that stops reading or answering still fails
// the attempt. The answer to a mail's ending dot is given longer
// (dataDoneTimeout). go-mail sets the connection's deadline as it opens the
// session, and its smtp.Client sets none for each command: the session
// sets it before each wait.
type session struct {
	c *smtp.Client
	// w buffers what the session writes ahead of the connection's own
	// small buffer (net/textproto's 4 KB): a mail of up to sendBuffer
	// bytes, its ending dot and the next envelope leave in one write.
	w       *bufio.Writer
	timeout time.Duration
	used    time.Time // the end of its last transaction
	broken  bool      // the connection failed: open another
	// stepwise sends each command after the reply to the one before,
	// even to a server that offers PIPELINING (tests).
	stepwise bool
	// ahead is the envelope sent behind the last mail's data, whose
	// replies are not read yet: the next mail's.
	ahead *smtpEnvelope
	// ext is what the server offers, read from its EHLO reply once
	// (extensions).
	ext *extensions
	// watched is the Done channel of the context whose end shortens the
	// wait for a mail's ending dot (watch), unwatch its registration's
	// stop, and ending says that the session waits for that reply.
	watched <-chan struct{}
	unwatch func() bool
	ending  atomic.Bool
}

// extensions are the SMTP extensions a session uses that the server
// offers.
type extensions struct {
	pipelining, eightBit, utf8 bool
}

// extensions returns what the server offers, asked of the client once a
// session: the server's EHLO reply is read when the session opens, and
// its map would be looked up, with a name made upper case, for every mail.
func (s *session) extensions() *extensions {
	if s.ext == nil {
		s.ext = &extensions{}
		s.ext.pipelining, _ = s.c.Extension("PIPELINING")
		s.ext.eightBit, _ = s.c.Extension("8BITMIME")
		s.ext.utf8, _ = s.c.Extension("SMTPUTF8")
	}
	return s.ext
}

// smtpEnvelope is what a mail's MAIL and RCPT commands say: its sender, its
// recipients, and whether it asks for SMTPUTF8.
type smtpEnvelope struct {
	from  string
	rcpts []string
	utf8  bool
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
	return &session{c: c, w: bufio.NewWriterSize(c.Text.W, sendBuffer), timeout: cmp(s.Timeout, 30*time.Second), used: time.Now()}, nil
}

// sendBuffer is how much of a mail the session holds before writing: a
// notice with a photo or two (the acknowledgement and the triage notice
// are 11 and 15 KB) goes out whole, with its ending dot and the next
// envelope, in one write; a larger mail goes in writes of this size.
const sendBuffer = 32 << 10

// flush writes what the session holds to the connection.
func (s *session) flush() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.c.Text.W.Flush()
}

// close ends the session politely when it can: not when the server may
// be reading a mail's data (an envelope sent ahead), where QUIT would be
// taken for data; closing the connection then drops that mail unsent.
// QUIT is given quitWait (the deadline of the session's last wait has
// passed when it was idle), at most the session's timeout, so that a
// silent server holds a stop for no longer.
func (s *session) close() {
	if s.unwatch != nil {
		s.unwatch()
	}
	if !s.broken && s.ahead == nil && s.c.UpdateDeadline(min(s.timeout, quitWait)) == nil {
		s.c.Quit()
	}
	s.c.Close()
}

// quitWait is how long the server may take to answer QUIT.
const quitWait = 2 * time.Second

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
// nil error. With PIPELINING (RFC 2920), which submission servers offer,
// MAIL, RCPT and DATA go out together and their replies are read
// together; and the next mail's go out behind this one's data, in the same
// write as its ending dot, when next gives an envelope (next is called
// once the data is written, and may wait for the mail to be ready): one
// round trip a mail, but the first on a session or of a batch, instead of
// four; a mail's data, its ending dot and the next envelope in one write
// when the mail fits the session's buffer (sendBuffer). The mail whose
// envelope went ahead
// must be the next one sent on the session. A refused transaction is reset
// so that the session can go on; a failed connection marks the session
// broken.
func (s *session) send(ctx context.Context, env *smtpEnvelope, body io.Reader, next func() *smtpEnvelope) error {
	pipelined := s.extensions().pipelining && !s.stepwise
	var err error
	switch ahead := s.ahead; {
	case ahead == env:
		s.ahead = nil
		err = s.envelopeReplies(len(env.rcpts))
	case ahead != nil:
		// The server waits for another mail's data: the session can go no
		// further, and this mail has not reached it.
		s.broken = true
		return &sendError{"mail", errors.New("smtp: the session waits for another mail's data")}
	case pipelined:
		err = s.envelopePipelined(env)
	default:
		err = s.envelope(env)
	}
	if err != nil {
		return err
	}
	w := blockWriter{s: s, w: &dotWriter{w: s.w}}
	if _, err := io.Copy(w, body); err != nil {
		// The mail is not ended: the server, left waiting for the rest of
		// its data as the connection closes (the failure, of no reply,
		// breaks the session), takes nothing of it, where the ending dot
		// would have it deliver the mail cut short.
		return s.fail("data", err)
	}
	w.w.end()
	if pipelined && next != nil {
		if n := next(); n != nil && s.writeEnvelope(n) == nil {
			s.ahead = n
		}
	}
	if err := s.refresh(); err != nil {
		return s.fail("data", err)
	}
	if err := s.flush(); err != nil {
		return s.fail("data", err)
	}
	if err := s.endOfData(ctx); err != nil {
		return s.fail("end of data", err)
	}
	s.used = time.Now()
	return nil
}

// dataDoneTimeout is how long the server may take to answer a mail's
// ending dot: RFC 5321 4.5.3.2.6 gives it 10 minutes, Postfix's client
// (smtp_data_done_timeout) 600 s, because the server may scan the mail —
// its photos — before it answers. Given up sooner, a mail the server then
// delivers would be sent again.
const dataDoneTimeout = 10 * time.Minute

// endOfData reads the server's answer to a mail's ending dot, waiting the
// longer of the session's timeout and dataDoneTimeout; when ctx ends (the
// daemon stops), the wait is shortened to the session's timeout from then,
// so that a stop is not held for minutes by a server that scans slowly.
func (s *session) endOfData(ctx context.Context) error {
	s.watch(ctx)
	s.ending.Store(true)
	defer s.ending.Store(false)
	if err := s.c.UpdateDeadline(max(s.timeout, dataDoneTimeout)); err != nil {
		return err
	}
	// Ended before the wait was made long, the context's watch may have
	// found nothing to shorten.
	if ctx.Err() != nil {
		if err := s.refresh(); err != nil {
			return err
		}
	}
	return s.reply(250)
}

// reply reads the server's reply, as net/textproto's ReadResponse(expect)
// does, once the caller has given its wait a deadline; its error is
// ReadResponse's. A reply of one line with the code expected, whole in
// the connection's buffer — as a server's replies are as a rule — is
// taken from there, without the strings ReadResponse makes of it.
func (s *session) reply(expect int) error {
	if _, err := s.c.Text.R.Peek(1); err != nil {
		return err
	}
	if n := s.bufferedReply(expect); n > 0 {
		s.c.Text.R.Discard(n)
		return nil
	}
	_, _, err := s.c.Text.ReadResponse(expect)
	return err
}

// bufferedReply returns the length of the reply the connection's buffer
// begins with when it is one line, whole, of a code that expect accepts
// as ReadResponse does (a code, its first two digits, or its first); 0
// for any other, left to ReadResponse.
func (s *session) bufferedReply(expect int) int {
	r := s.c.Text.R
	b, _ := r.Peek(r.Buffered())
	end := bytes.IndexByte(b, '\n')
	if end < 4 || b[3] != ' ' {
		return 0
	}
	code := 0
	for _, c := range b[:3] {
		if c < '0' || c > '9' {
			return 0
		}
		code = code*10 + int(c-'0')
	}
	switch {
	case code < 100:
		return 0
	case expect < 10 && code/100 != expect,
		expect >= 10 && expect < 100 && code/10 != expect,
		expect >= 100 && code != expect:
		return 0
	}
	return end + 1
}

// watch has the session's wait for a mail's ending dot (ending) shortened
// to its timeout when ctx ends: registered once for a session and a
// context's end (its Done channel), not once a mail, as each registration
// takes locks and a goroutine's setting up in the context.
func (s *session) watch(ctx context.Context) {
	done := ctx.Done()
	if done == s.watched && (done == nil || s.unwatch != nil) {
		return
	}
	if s.unwatch != nil {
		s.unwatch()
		s.unwatch = nil
	}
	s.watched = done
	if done == nil {
		return // a context that never ends
	}
	s.unwatch = context.AfterFunc(ctx, func() {
		if s.ending.Load() {
			s.c.UpdateDeadline(s.timeout)
		}
	})
}

// refresh gives the next wait — a command written, a reply read, a block
// of data written — the session's timeout.
func (s *session) refresh() error { return s.c.UpdateDeadline(s.timeout) }

// dataBlock is how much of a mail's data is written under one timeout:
// at most 32 KB reach the connection in a block, the session's buffer
// being of that size too (twice that for a mail all of dots and bare
// line ends), so that a link slower than about
// 1.2 KB a second at 30 s is taken for a stall. Blocks of 32 KB, io.Copy's,
// keep the writes as few as before: 4 KB blocks cost the sending of a 5 MB
// mail about twice the CPU on loopback.
const dataBlock = 32 << 10

// blockWriter writes a mail's data a block at a time, each block given
// the session's timeout anew: a write of a whole mail at once (its
// reader's WriteTo) would have to finish within one.
type blockWriter struct {
	s *session
	w *dotWriter
}

func (b blockWriter) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if err := b.s.refresh(); err != nil {
			return n, err
		}
		m, err := b.w.Write(p[n:min(len(p), n+dataBlock)])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// envelope sends MAIL, RCPT and DATA one at a time, each after the reply
// to the one before.
func (s *session) envelope(env *smtpEnvelope) error {
	s.c.SkipSMTPUTF8(!env.utf8)
	if err := s.refresh(); err != nil {
		return s.fail("mail", err)
	}
	if err := s.c.Mail(env.from); err != nil {
		return s.fail("mail", err)
	}
	for _, r := range env.rcpts {
		if err := s.refresh(); err != nil {
			return s.fail("rcpt", err)
		}
		if err := s.c.Rcpt(r); err != nil {
			return s.fail("rcpt", err)
		}
	}
	if err := s.refresh(); err != nil {
		return s.fail("data", err)
	}
	if _, _, err := s.command(354, "DATA"); err != nil {
		return s.fail("data", err)
	}
	return nil
}

// command sends one command and reads its reply.
func (s *session) command(expect int, line string) (int, string, error) {
	if err := s.c.Text.PrintfLine("%s", line); err != nil {
		return 0, "", err
	}
	return s.c.Text.ReadResponse(expect)
}

// envelopePipelined sends MAIL, RCPT and DATA in one write and reads
// their replies.
func (s *session) envelopePipelined(env *smtpEnvelope) error {
	if err := s.writeEnvelope(env); err != nil {
		return s.fail("mail", err)
	}
	if err := s.refresh(); err != nil {
		return s.fail("mail", err)
	}
	if err := s.flush(); err != nil {
		return s.fail("mail", err)
	}
	return s.envelopeReplies(len(env.rcpts))
}

// writeEnvelope writes MAIL, RCPT and DATA into the session's buffer.
func (s *session) writeEnvelope(env *smtpEnvelope) error {
	if strings.ContainsAny(env.from, "\r\n") || slices.ContainsFunc(env.rcpts, func(a string) bool { return strings.ContainsAny(a, "\r\n") }) {
		return errors.New("smtp: an address holds a line break")
	}
	ext := s.extensions()
	s.w.WriteString("MAIL FROM:")
	s.w.WriteString(env.from)
	if ext.eightBit {
		s.w.WriteString(" BODY=8BITMIME")
	}
	if ext.utf8 && env.utf8 {
		s.w.WriteString(" SMTPUTF8")
	}
	s.w.WriteString("\r\n")
	for _, r := range env.rcpts {
		s.w.WriteString("RCPT TO:")
		s.w.WriteString(r)
		s.w.WriteString("\r\n")
	}
	s.w.WriteString("DATA\r\n")
	return nil
}

// envelopeReplies reads the replies to MAIL, the n RCPTs and DATA, in
// order; the first refusal is the transaction's.
func (s *session) envelopeReplies(n int) error {
	var refused *sendError
	dataOpen := false
	// The replies: MAIL's, the n RCPTs', then DATA's.
	for i := range n + 2 {
		stage, expect := "mail", 250
		switch {
		case i == n+1:
			stage, expect = "data", 354
		case i > 0:
			stage, expect = "rcpt", 25
		}
		// A reply already buffered is read with no wait, which needs no
		// deadline of its own.
		var err error
		if s.bufferedReply(expect) == 0 {
			err = s.refresh()
		}
		if err == nil {
			err = s.reply(expect)
		}
		if err == nil {
			dataOpen = i == n+1
			continue
		}
		if c := (&sendError{stage, err}).code(); c == 0 || c == 421 {
			return s.fail(stage, err) // the connection failed or closes: read no more
		}
		if refused == nil {
			refused = &sendError{stage, err}
		}
	}
	if refused == nil {
		return nil
	}
	if dataOpen {
		// The server took DATA though it refused what came before:
		// there is no telling what it would do with the message.
		s.broken = true
		return refused
	}
	return s.fail(refused.stage, refused.err)
}

// fail notes a failed transaction: a refused one is reset so that the
// session can go on; a failed connection, or a server closing it (421),
// marks the session broken.
func (s *session) fail(stage string, err error) error {
	e := &sendError{stage, err}
	if e.code() == 0 || e.code() == 421 {
		s.broken = true
	} else if stage != "end of data" && (s.refresh() != nil || s.c.Reset() != nil) {
		s.broken = true
	}
	return e
}
