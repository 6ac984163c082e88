package smtptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	gomail "github.com/wneessen/go-mail"
)

func newServer(t *testing.T, opt Options) *Server {
	t.Helper()
	s, err := NewServer(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// dial connects a go-smtp client the way the server's mode wants.
func dial(s *Server) (*smtp.Client, error) {
	pool := x509.NewCertPool() // from CertPEM, which thus matches CertPool
	pool.AppendCertsFromPEM(s.CertPEM())
	config := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	switch s.opt.TLS {
	case StartTLS:
		return smtp.DialStartTLS(s.Addr(), config)
	case ImplicitTLS:
		return smtp.DialTLS(s.Addr(), config)
	}
	return smtp.Dial(s.Addr())
}

// send delivers one message; auth may be nil.
func send(s *Server, auth sasl.Client, data string) error {
	c, err := dial(s)
	if err != nil {
		return err
	}
	defer c.Close()
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	return c.SendMail("phananh@haugiang.gov.vn", []string{"a@example.com", "b@example.com"}, strings.NewReader(data))
}

const mail1 = "From: phananh@haugiang.gov.vn\r\nTo: a@example.com\r\nSubject: [PA-2026-000042] Tiep nhan\r\n" +
	"Message-ID: <PA-2026-000042.1@haugiang.gov.vn>\r\n\r\nXin chao.\r\n.a line that starts with a dot\r\n"

func waitFor(t *testing.T, s *Server, n int) []Received {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msgs, err := s.WaitFor(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestAccept(t *testing.T) {
	for _, mode := range []Mode{TLSNone, StartTLS, ImplicitTLS} {
		t.Run(string(mode), func(t *testing.T) {
			s := newServer(t, Options{TLS: mode})
			if (mode == TLSNone) != (s.CertPool() == nil) {
				t.Errorf("CertPool() = %v in mode %s", s.CertPool(), mode)
			}
			if err := send(s, nil, mail1); err != nil {
				t.Fatal(err)
			}
			msgs := waitFor(t, s, 1)
			got := msgs[0]
			if got.From != "phananh@haugiang.gov.vn" || !slices.Equal(got.To, []string{"a@example.com", "b@example.com"}) {
				t.Errorf("envelope %q -> %q", got.From, got.To)
			}
			if string(got.Data) != mail1 {
				t.Errorf("Data = %q, want %q", got.Data, mail1)
			}
			if got.MessageID != "PA-2026-000042.1@haugiang.gov.vn" {
				t.Errorf("MessageID = %q", got.MessageID)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	s := newServer(t, Options{Username: "phananh", Password: "mật khẩu", TLS: StartTLS})
	var serr *smtp.SMTPError
	if err := send(s, nil, mail1); !errors.As(err, &serr) || serr.Code != smtp.ErrAuthRequired.Code {
		t.Errorf("without AUTH: %v, want %d", err, smtp.ErrAuthRequired.Code)
	}
	if err := send(s, sasl.NewPlainClient("", "phananh", "wrong"), mail1); !errors.As(err, &serr) || serr.Code != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
	if err := send(s, sasl.NewPlainClient("", "phananh", "mật khẩu"), mail1); err != nil {
		t.Errorf("right password: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages kept, want 1", n)
	}
}

// TestGoMail sends through go-mail, the mailer's client, with STARTTLS and
// AUTH PLAIN.
func TestGoMail(t *testing.T) {
	s := newServer(t, Options{Username: "phananh", Password: "secret", TLS: StartTLS})
	c, err := gomail.NewClient("127.0.0.1", gomail.WithPort(s.Port()),
		gomail.WithTLSPolicy(gomail.TLSMandatory),
		gomail.WithTLSConfig(&tls.Config{ServerName: "127.0.0.1", RootCAs: s.CertPool()}),
		gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername("phananh"), gomail.WithPassword("secret"))
	if err != nil {
		t.Fatal(err)
	}
	m := gomail.NewMsg()
	if err := m.From("phananh@haugiang.gov.vn"); err != nil {
		t.Fatal(err)
	}
	if err := m.To("nguoidan@example.com"); err != nil {
		t.Fatal(err)
	}
	m.Subject("[PA-2026-000042] Đã tiếp nhận phản ánh")
	m.SetMessageIDWithValue("PA-2026-000042.2@haugiang.gov.vn")
	m.SetBodyString(gomail.TypeTextPlain, "Xin cảm ơn.")
	if err := c.DialAndSend(m); err != nil {
		t.Fatal(err)
	}
	got := waitFor(t, s, 1)[0]
	if got.MessageID != "PA-2026-000042.2@haugiang.gov.vn" || !slices.Equal(got.To, []string{"nguoidan@example.com"}) {
		t.Errorf("got %q to %q", got.MessageID, got.To)
	}
}

func TestSetDown(t *testing.T) {
	s := newServer(t, Options{})
	open, err := dial(s)
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()

	s.SetDown(true)
	if err := open.Mail("phananh@haugiang.gov.vn", nil); err == nil {
		t.Error("a connection open before the outage still works")
	}
	var serr *smtp.SMTPError
	if err := send(s, nil, mail1); !errors.As(err, &serr) || serr.Code != 421 {
		t.Errorf("during the outage: %v, want 421", err)
	}
	s.SetDown(false)
	if err := send(s, nil, mail1); err != nil {
		t.Errorf("after the outage: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages kept, want 1", n)
	}
}

func TestFailNext(t *testing.T) {
	s := newServer(t, Options{})
	tests := []struct {
		code      int
		temporary bool
	}{{451, true}, {451, true}, {550, false}}
	s.FailNext(2, 451)
	for i, tt := range tests {
		if i == 2 {
			s.FailNext(1, 550)
		}
		err := send(s, nil, mail1)
		var serr *smtp.SMTPError
		if !errors.As(err, &serr) || serr.Code != tt.code || serr.Temporary() != tt.temporary {
			t.Errorf("send %d: %v, want %d", i, err, tt.code)
		}
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d refused messages kept", n)
	}
	if err := send(s, nil, mail1); err != nil {
		t.Errorf("after the failures: %v", err)
	}
}

// TestOnAccepted cuts the connection once the message is kept: the server
// has the message, and the sender does not know.
func TestOnAccepted(t *testing.T) {
	var srv atomic.Pointer[Server]
	seen := make(chan string, 1)
	s := newServer(t, Options{OnAccepted: func(r Received) {
		seen <- r.MessageID
		srv.Load().DropConnections()
	}})
	srv.Store(s)
	if err := send(s, nil, mail1); err == nil {
		t.Error("the sender heard that its mail was accepted")
	}
	msgs := s.Messages()
	if len(msgs) != 1 || <-seen != msgs[0].MessageID {
		t.Errorf("kept %d messages, OnAccepted saw another", len(msgs))
	}
}

func TestDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	s := newServer(t, Options{Dir: dir})
	mail2 := "From: phananh@haugiang.gov.vn\r\nTo: a@example.com\r\nMessage-ID: <a/b c@x>\r\n\r\nHai.\r\n"
	mail3 := "From: phananh@haugiang.gov.vn\r\nTo: a@example.com\r\n\r\nNo id.\r\n"
	for _, m := range []string{mail1, mail2, mail3} {
		if err := send(s, nil, m); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"0001-PA-2026-000042.1@haugiang.gov.vn.eml": mail1,
		"0002-a_b_c@x.eml":                          mail2,
		"0003-no-message-id.eml":                    mail3,
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d files, want %d", len(entries), len(want))
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, []byte(data)) {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct{ id, want string }{
		{"PA-2026-000042.1@haugiang.gov.vn", "PA-2026-000042.1@haugiang.gov.vn"},
		{"../../etc/passwd", "_._.._etc_passwd"},
		{"a b\x00c\\d", "a_b_c_d"},
		{"tiếng", "ti___ng"},
		{"", "no-message-id"},
		{strings.Repeat("x", 300), strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		if got := fileName(tt.id); got != tt.want {
			t.Errorf("fileName(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestWaitForGivesUp(t *testing.T) {
	s := newServer(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if msgs, err := s.WaitFor(ctx, 1); err == nil || !errors.Is(err, context.Canceled) || len(msgs) != 0 {
		t.Errorf("WaitFor with a cancelled context: %d messages, %v", len(msgs), err)
	}
}

func TestRefusedOptions(t *testing.T) {
	if s, err := NewServer(Options{TLS: "ssl"}); err == nil {
		s.Close()
		t.Error("NewServer accepted TLS mode ssl")
	}
	s := newServer(t, Options{})
	defer func() {
		if recover() == nil {
			t.Error("FailNext(1, 250) did not panic")
		}
	}()
	s.FailNext(1, 250)
}
