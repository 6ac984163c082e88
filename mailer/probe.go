package mailer

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// Probe is what a look at the submission server found.
type Probe struct {
	StartTLS bool     // the server offered STARTTLS (in plain text, before it)
	Auth     []string // the mechanisms offered once the session was secured
	Mech     string   // the one the login used; "" without a username
}

// ProbeError is a failed step of Probe: "connect", "starttls" or "auth".
type ProbeError struct {
	Step string
	Err  error
}

func (e *ProbeError) Error() string { return fmt.Sprintf("smtp %s: %v", e.Step, e.Err) }
func (e *ProbeError) Unwrap() error { return e.Err }

// ErrNoStartTLS: the server does not offer STARTTLS, so the session would
// stay in plain text.
var ErrNoStartTLS = errors.New("the server does not offer STARTTLS")

// ErrNoAuth: the server offers no mechanism the sender can log in with.
var ErrNoAuth = errors.New("the server offers no AUTH mechanism phananh can use")

// authMechs are the mechanisms Probe tries, in order; go-mail's
// auto-discovery, which the worker uses, picks among the same.
var authMechs = []string{"SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN", "CRAM-MD5"}

// Probe connects as the worker would, secures the session as configured
// and logs in, one step at a time, so that a failure names its step. It
// sends no mail.
func (s SMTP) Probe(ctx context.Context) (Probe, error) {
	var p Probe
	c, err := s.dial(ctx)
	if err != nil {
		return p, &ProbeError{"connect", err}
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	p.StartTLS, _ = c.Extension("STARTTLS")
	if s.TLS == "starttls" {
		if !p.StartTLS {
			return p, &ProbeError{"starttls", ErrNoStartTLS}
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return p, &ProbeError{"starttls", err}
		}
	}
	if _, mechs := c.Extension("AUTH"); mechs != "" {
		p.Auth = strings.Fields(strings.ToUpper(mechs))
	}
	if s.Username != "" {
		i := slices.IndexFunc(authMechs, func(m string) bool { return slices.Contains(p.Auth, m) })
		if i < 0 {
			return p, &ProbeError{"auth", ErrNoAuth}
		}
		p.Mech = authMechs[i]
		if err := c.Auth(s.auth(p.Mech)); err != nil {
			return p, &ProbeError{"auth", err}
		}
	}
	c.Quit()
	return p, nil
}

func (s SMTP) dial(ctx context.Context) (*smtp.Client, error) {
	timeout := cmp(s.Timeout, 30*time.Second)
	d := &net.Dialer{Timeout: timeout}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(2 * timeout))
	if s.TLS == "tls" {
		tc := tls.Client(conn, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return nil, err
	}
	name, _ := os.Hostname()
	if err := c.Hello(cmp(name, "localhost")); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func cmp[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

func (s SMTP) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

func (s SMTP) auth(mech string) smtp.Auth {
	plainText := s.TLS == "none" // only ever to a loopback host: the configuration refuses others
	switch mech {
	case "SCRAM-SHA-256":
		return smtp.ScramSHA256Auth(s.Username, s.Password)
	case "SCRAM-SHA-1":
		return smtp.ScramSHA1Auth(s.Username, s.Password)
	case "LOGIN":
		return smtp.LoginAuth(s.Username, s.Password, s.Host, plainText)
	case "CRAM-MD5":
		return smtp.CRAMMD5Auth(s.Username, s.Password)
	default:
		return smtp.PlainAuth("", s.Username, s.Password, s.Host, plainText)
	}
}

// SendTest sends the test mail of `phananh check --send-test` to one
// address, through the same client and composition as the outbox's mail,
// and returns its Message-ID. Nothing is recorded in the store.
func SendTest(ctx context.Context, s SMTP, set *templates.Set, from Sender, to string, data templates.Check) (string, error) {
	_, domain, _ := strings.Cut(from.Address, "@")
	m := store.Mail{
		Kind: "check", To: to, Role: "admin", Lang: templates.Vietnamese, CreatedAt: time.Now(),
		MessageID: fmt.Sprintf("phananh.check.%d@%s", time.Now().UnixNano(), domain),
	}
	var err error
	if m.Data, err = json.Marshal(data); err != nil {
		return "", err
	}
	msg, err := Compose(set, from, m)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return "", err
	}
	sess, err := s.open(ctx)
	if err != nil {
		return "", fmt.Errorf("smtp: %s", logSafe(err))
	}
	defer sess.close()
	if err := sess.send(ctx, &smtpEnvelope{from: msg.From, rcpts: msg.Rcpts, utf8: needsUTF8(from.Address, to)}, &b, nil); err != nil {
		return "", fmt.Errorf("smtp: %s", logSafe(err))
	}
	return m.MessageID, nil
}
