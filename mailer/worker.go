package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"time"

	gomail "github.com/wneessen/go-mail"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// SMTP says how to reach the submission server.
type SMTP struct {
	Host     string
	Port     int
	TLS      string // "none", "starttls" or "tls"
	Username string
	Password string
	RootCAs  *x509.CertPool // nil: the system's
	Timeout  time.Duration
}

// Worker sends the outbox's due mail, one mail at a time, oldest first.
type Worker struct {
	DB        *store.DB
	Templates func() *templates.Set // the current set (reloaded on SIGHUP)
	From      Sender
	SMTP      SMTP
	Log       *slog.Logger
	// RetryMax caps the wait between two attempts of one mail.
	RetryMax time.Duration
	// Poll is how often the outbox is looked at when nothing wakes the
	// worker (mail queued by another process, such as `phananh ingest`).
	Poll time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	wake chan struct{}
}

const batch = 50

// Wake tells the worker that mail was queued.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default:
	}
}

func (w *Worker) wakeChan() chan struct{} {
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	return w.wake
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run sends due mail until ctx is done.
func (w *Worker) Run(ctx context.Context) error {
	wake := w.wakeChan()
	poll := w.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	for {
		if _, err := w.SendDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		wait := poll
		if next, err := w.nextAt(ctx); err == nil && !next.IsZero() {
			wait = min(max(next.Sub(w.now()), 0), poll)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (w *Worker) nextAt(ctx context.Context) (time.Time, error) {
	var next time.Time
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		next, err = tx.NextMailAt()
		return err
	})
	return next, err
}

// SendDue sends every mail due now, over one SMTP connection, and returns
// how many the server accepted.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		var due []store.Mail
		err := w.DB.Read(ctx, func(tx *store.Tx) error {
			var err error
			due, err = tx.DueMail(w.now(), batch)
			return err
		})
		if err != nil || len(due) == 0 {
			return sent, err
		}
		n, err := w.sendBatch(ctx, due)
		sent += n
		if err != nil || n == 0 {
			return sent, err
		}
	}
}

// sendBatch sends mails over one connection, or two when some need
// SMTPUTF8: those go over a connection that asks for it, the others over
// one that does not (RFC 6531 asks it only of mail that needs it, and a
// server returns the mail that it cannot deliver with a DSN in the format
// the submission asked for: RFC 3464, or RFC 6533's global one).
func (w *Worker) sendBatch(ctx context.Context, due []store.Mail) (int, error) {
	var ascii, intl []store.Mail
	for _, m := range due {
		if needsUTF8(w.From.Address, m.To) {
			intl = append(intl, m)
		} else {
			ascii = append(ascii, m)
		}
	}
	sent := 0
	for _, group := range []struct {
		mails []store.Mail
		utf8  bool
	}{{ascii, false}, {intl, true}} {
		if len(group.mails) == 0 {
			continue
		}
		n, err := w.sendOver(ctx, group.mails, group.utf8)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// needsUTF8 reports whether an envelope address is not all ASCII.
func needsUTF8(addrs ...string) bool {
	for _, a := range addrs {
		for i := 0; i < len(a); i++ {
			if a[i] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// sendOver sends mails over one connection. A connection that cannot be
// opened delays them all; a refusal delays or fails just that mail.
func (w *Worker) sendOver(ctx context.Context, due []store.Mail, utf8 bool) (int, error) {
	client, err := w.SMTP.client(utf8)
	if err != nil {
		return 0, err
	}
	if err := client.DialWithContext(ctx); err != nil {
		w.Log.Warn("smtp unreachable, mail delayed", "server", w.SMTP.Host, "queued", len(due), "err", err)
		for _, m := range due {
			if err := w.retry(ctx, m, err); err != nil {
				return 0, err
			}
		}
		return 0, nil
	}
	defer client.Close()
	sent := 0
	for _, m := range due {
		if ctx.Err() != nil {
			return sent, nil
		}
		ok, err := w.send(ctx, client, m)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// send sends one mail and records the outcome. It reports whether the
// server accepted it.
func (w *Worker) send(ctx context.Context, client *gomail.Client, m store.Mail) (bool, error) {
	msg, err := Compose(w.Templates(), w.From, m)
	if err != nil {
		// A mail that cannot be rendered will not render next time either.
		w.Log.Error("mail cannot be rendered", "mail", m.ID, "kind", m.Kind, "err", logSafe(err))
		return false, w.record(ctx, func(tx *store.Tx) error { return tx.MailFailed(m.ID, err.Error()) })
	}
	release, err := w.attach(msg, m)
	if errors.Is(err, store.ErrNoBlob) {
		w.Log.Error("mail's file missing from the data folder", "mail", m.ID, "kind", m.Kind, "err", err)
		return false, w.record(ctx, func(tx *store.Tx) error { return tx.MailFailed(m.ID, err.Error()) })
	}
	if err != nil {
		w.Log.Warn("mail's files unreadable, mail delayed", "mail", m.ID, "kind", m.Kind, "err", err)
		return false, w.retry(ctx, m, err)
	}
	defer release()
	if err := client.Send(msg); err != nil {
		var serr *gomail.SendError
		if errors.As(err, &serr) && !serr.IsTemp() && serr.ErrorCode() >= 500 {
			w.Log.Error("mail refused", "mail", m.ID, "kind", m.Kind, "code", serr.ErrorCode())
			return false, w.record(ctx, func(tx *store.Tx) error { return tx.MailFailed(m.ID, err.Error()) })
		}
		w.Log.Warn("mail delayed", "mail", m.ID, "kind", m.Kind, "attempt", m.Attempts+1, "err", logSafe(err))
		client.Reset()
		return false, w.retry(ctx, m, err)
	}
	// The server has the mail. Keep the exact bytes it was given: the
	// message's boundaries were fixed by the send, so this is that copy.
	key, err := w.archive(msg)
	if err != nil {
		w.Log.Error("sent mail not archived", "mail", m.ID, "err", err)
	}
	w.Log.Info("mail sent", "mail", m.ID, "kind", m.Kind, "report", m.ReportCode, "role", m.Role)
	return true, w.record(ctx, func(tx *store.Tx) error { return tx.MailSent(m.ID, w.now(), key) })
}

// logSafe describes an error for the log without the addresses its text
// may hold: for the server's refusal, the SMTP reply code (go-mail's error
// text lists the recipients); otherwise the error with every quoted value
// and anything shaped like an address left out (net/mail quotes the
// address it could not parse). The full text is kept, sealed, with the
// mail.
func logSafe(err error) string {
	var serr *gomail.SendError
	if errors.As(err, &serr) {
		return fmt.Sprintf("%s: smtp %d %s", serr.Reason, serr.ErrorCode(), serr.EnhancedStatusCode())
	}
	s := quoted.ReplaceAllString(err.Error(), `"…"`)
	return addressLike.ReplaceAllString(s, "…")
}

var (
	quoted      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	addressLike = regexp.MustCompile(`[^\s"<>()\[\],;:]*@[^\s"<>()\[\],;:]*`)
)

// archive stores a message's bytes in the blob store.
func (w *Worker) archive(msg *gomail.Msg) (string, error) {
	b, err := w.DB.Blobs().Create()
	if err != nil {
		return "", err
	}
	if _, err := msg.WriteTo(b); err != nil {
		b.Abort()
		return "", err
	}
	return b.Commit()
}

func (w *Worker) retry(ctx context.Context, m store.Mail, cause error) error {
	next := w.now().Add(Backoff(m.Attempts, w.RetryMax))
	return w.record(ctx, func(tx *store.Tx) error { return tx.MailRetry(m.ID, next, cause.Error()) })
}

// record writes an outcome even while ctx is being cancelled: a mail the
// server accepted must be recorded as sent if at all possible.
func (w *Worker) record(ctx context.Context, fn func(*store.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return w.DB.Write(ctx, fn)
}

// Backoff is the wait before attempt number attempts+1: 30 seconds doubling
// up to limit, with a tenth of jitter so that a recovered server is not hit
// by every mail at once.
func Backoff(attempts int, limit time.Duration) time.Duration {
	d := min(30*time.Second, limit)
	for range min(attempts, 20) {
		d *= 2
		if d >= limit {
			d = limit
			break
		}
	}
	return d - time.Duration(rand.Int64N(int64(d/10)+1))
}

// client makes a client for the submission server; utf8 says whether it
// asks for SMTPUTF8 when the server offers it.
func (s SMTP) client(utf8 bool) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.Timeout), gomail.WithoutNoop(),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12})}
	if !utf8 {
		opts = append(opts, gomail.WithoutSMTPUTF8())
	}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp: unknown tls mode %q", s.TLS)
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return c, nil
}
