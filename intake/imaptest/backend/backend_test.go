package backend

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake/imaptest"
)

// TestE2EBackend runs the administrative client, IDLE and MOVE against the
// real server that the environment names (.ci/dovecot.sh); skipped without
// one.
func TestE2EBackend(t *testing.T) {
	if os.Getenv(EnvAddr) == "" {
		t.Skipf("%s is not set: no real IMAP server to test against", EnvAddr)
	}
	b := New(t, imaptest.Options{})
	if b.Server() != nil {
		t.Fatal("the environment names a server, yet the backend is in-process")
	}
	exercise(t, b)

	t.Run("clean-up", func(t *testing.T) {
		var inner *Backend
		t.Run("test", func(t *testing.T) {
			inner = New(t, imaptest.Options{})
			a := inner.Account(t)
			if err := a.Create(context.Background(), inner.Config().Processed); err != nil {
				t.Fatal(err)
			}
		})
		names, err := b.Account(t).List(context.Background(), inner.prefix+"*")
		if err != nil || len(names) > 0 {
			t.Errorf("left behind after the test: %q (%v)", names, err)
		}
	})
}

func TestInProcess(t *testing.T) {
	for name, opt := range map[string]imaptest.Options{
		"starttls":          {TLS: imaptest.StartTLS},
		"imap4rev1 no idle": {NoMove: true, NoUIDPlus: true, NoIdle: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(EnvAddr, "")
			b := New(t, opt)
			if b.Server() == nil {
				t.Fatal("no in-process server")
			}
			if (opt.TLS == imaptest.StartTLS) != (b.CAFile() != "") {
				t.Errorf("CAFile() = %q with TLS %q", b.CAFile(), opt.TLS)
			}
			if b.CAFile() != "" {
				cfg := b.Config()
				cfg.RootCAs = x509.NewCertPool()
				pem, err := os.ReadFile(b.CAFile())
				if err != nil || !cfg.RootCAs.AppendCertsFromPEM(pem) {
					t.Fatalf("CAFile: %v", err)
				}
				a, err := imaptest.Dial(context.Background(), cfg)
				if err != nil {
					t.Fatalf("with the certificate of CAFile: %v", err)
				}
				a.Close()
			}
			exercise(t, b)
		})
	}
}

func TestFromEnv(t *testing.T) {
	ca, err := imaptest.NewServer(imaptest.Options{TLS: imaptest.ImplicitTLS})
	if err != nil {
		t.Fatal(err)
	}
	ca.Close()
	tests := []struct {
		name    string
		env     map[string]string
		want    imaptest.Mode
		wantErr bool
	}{
		{"unset", map[string]string{}, "", false},
		{"starttls by default", map[string]string{EnvAddr: "127.0.0.1:143", EnvUser: "u", EnvPassword: "p"}, imaptest.StartTLS, false},
		{"tls", map[string]string{EnvAddr: "127.0.0.1:993", EnvUser: "u", EnvPassword: "p", EnvTLS: "tls", EnvInsecure: "1"}, imaptest.ImplicitTLS, false},
		{"no password", map[string]string{EnvAddr: "127.0.0.1:143", EnvUser: "u"}, "", true},
		{"bad address", map[string]string{EnvAddr: "localhost", EnvUser: "u", EnvPassword: "p"}, "", true},
		{"bad mode", map[string]string{EnvAddr: "127.0.0.1:143", EnvUser: "u", EnvPassword: "p", EnvTLS: "ssl"}, "", true},
		{"missing CA file", map[string]string{EnvAddr: "127.0.0.1:143", EnvUser: "u", EnvPassword: "p", EnvCAFile: "/nonexistent.pem"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{EnvAddr, EnvUser, EnvPassword, EnvTLS, EnvCAFile, EnvInsecure} {
				t.Setenv(k, tt.env[k])
			}
			cfg, external, err := FromEnv()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if external != (tt.env[EnvAddr] != "") || cfg.TLS != tt.want || cfg.InsecureSkipVerify != (tt.env[EnvInsecure] == "1") {
				t.Errorf("FromEnv() = %+v, external %v", cfg, external)
			}
		})
	}
}

// exercise checks, on any server, what the end-to-end tests rely on.
func exercise(t *testing.T, b *Backend) {
	cfg := b.Config()
	if cfg.Mailbox != b.Name("INBOX") || cfg.Processed == cfg.Mailbox || cfg.Quarantine == cfg.Processed {
		t.Fatalf("mailbox names %q %q %q", cfg.Mailbox, cfg.Processed, cfg.Quarantine)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a := b.Account(t)

	t.Run("account", func(t *testing.T) {
		if err := a.Create(ctx, cfg.Processed); err != nil {
			t.Fatal(err)
		}
		date := time.Date(2026, 3, 2, 9, 15, 0, 0, time.FixedZone("ICT", 7*3600))
		uid, err := a.Append(ctx, cfg.Mailbox, message("Đường hư hỏng"), date)
		if err != nil {
			t.Fatal(err)
		}
		if uids, err := a.UIDs(ctx, cfg.Mailbox); err != nil || !slices.Equal(uids, []imap.UID{uid}) {
			t.Errorf("UIDs = %v, %v; want [%d]", uids, err, uid)
		}
		if got, err := a.Fetch(ctx, cfg.Mailbox, uid); err != nil || !bytes.Equal(got, message("Đường hư hỏng")) {
			t.Errorf("Fetch = %q, %v", got, err)
		}
		if got, err := a.InternalDate(ctx, cfg.Mailbox, uid); err != nil || !got.Equal(date) {
			t.Errorf("InternalDate = %v, %v; want %v", got, err, date)
		}
		if flags, err := a.Flags(ctx, cfg.Mailbox, uid); err != nil || slices.Contains(flags, imap.FlagSeen) {
			t.Errorf("Flags = %v, %v; want no \\Seen", flags, err)
		}
		if n, err := a.Count(ctx, cfg.Processed); err != nil || n != 0 {
			t.Errorf("Count(%s) = %d, %v; want 0", cfg.Processed, n, err)
		}
	})

	t.Run("idle", func(t *testing.T) {
		c, exists := idleClient(t, cfg)
		if !c.Caps().Has(imap.CapIdle) {
			t.Skip("the server has no IDLE")
		}
		idle, err := c.Idle()
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		n, err := a.Count(ctx, cfg.Mailbox)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Append(ctx, cfg.Mailbox, message("Cây đổ"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		for got := range exists {
			if got == uint32(n+1) {
				return
			}
		}
		t.Fatal("no EXISTS during IDLE")
	})

	// Mail that arrives between a client's last command and IDLE is
	// announced as IDLE begins.
	t.Run("idle after delivery", func(t *testing.T) {
		c, exists := idleClient(t, cfg)
		if !c.Caps().Has(imap.CapIdle) {
			t.Skip("the server has no IDLE")
		}
		n, err := a.Count(ctx, cfg.Mailbox)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Append(ctx, cfg.Mailbox, message("Ngập nước"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		idle, err := c.Idle()
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		for got := range exists {
			if got == uint32(n+1) {
				return
			}
		}
		t.Fatal("no EXISTS during IDLE")
	})

	t.Run("move", func(t *testing.T) {
		if err := a.Create(ctx, cfg.Processed); err != nil {
			t.Fatal(err)
		}
		before, err := a.UIDs(ctx, cfg.Mailbox)
		if err != nil || len(before) == 0 {
			t.Fatalf("UIDs = %v, %v", before, err)
		}
		moved, kept := before[0], before[1:]
		c, _ := idleClient(t, cfg)
		set := imap.UIDSetNum(moved)
		if c.Caps().Has(imap.CapMove) {
			if _, err := c.Move(set, cfg.Processed).Wait(); err != nil {
				t.Fatal(err)
			}
		} else {
			if _, err := c.Copy(set, cfg.Processed).Wait(); err != nil {
				t.Fatal(err)
			}
			deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
			if err := c.Store(set, deleted, nil).Close(); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := a.UIDs(ctx, cfg.Mailbox); err != nil || !slices.Equal(got, kept) {
			t.Errorf("after moving %d: UIDs = %v, %v; want %v", moved, got, err, kept)
		}
		if n, err := a.Count(ctx, cfg.Processed); err != nil || n != 1 {
			t.Errorf("Count(%s) = %d, %v; want 1", cfg.Processed, n, err)
		}
	})
}

// idleClient opens a go-imap client with cfg.Mailbox selected; the channel
// receives the message counts the server announces, and is closed when the
// connection closes, or after 40 s (Dovecot looks for news at least every
// 30 s even where it cannot be told of them).
func idleClient(t *testing.T, cfg imaptest.Config) (*imapclient.Client, <-chan uint32) {
	t.Helper()
	exists := make(chan uint32, 100)
	opts := &imapclient.Options{
		TLSConfig: cfg.TLSConfig(),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					exists <- *data.NumMessages
				}
			},
		},
	}
	var c *imapclient.Client
	var err error
	switch cfg.TLS {
	case imaptest.StartTLS:
		c, err = imapclient.DialStartTLS(cfg.Addr(), opts)
	case imaptest.ImplicitTLS:
		c, err = imapclient.DialTLS(cfg.Addr(), opts)
	default:
		c, err = imapclient.DialInsecure(cfg.Addr(), opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(cfg.Mailbox, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	out := make(chan uint32)
	go func() {
		defer close(out)
		timeout := time.After(40 * time.Second)
		for {
			select {
			case n := <-exists:
				select {
				case out <- n:
				case <-timeout:
					return
				}
			case <-c.Closed():
				return
			case <-timeout:
				return
			}
		}
	}()
	return c, out
}

func message(subject string) []byte {
	return []byte("From: Nguyễn Văn A <a@example.com>\r\nTo: phananh@haugiang.gov.vn\r\n" +
		"Subject: " + subject + "\r\nMessage-ID: <" + subject + "@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + subject + "\r\n")
}
