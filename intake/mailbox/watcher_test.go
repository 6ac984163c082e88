package mailbox

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

func newPipeline(t testing.TB) *intake.Pipeline {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(dir, "db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{1}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cal, _ := calendar.New(calendar.Default(), "")
	keys, _ := token.NewKeys(bytes.Repeat([]byte{2}, 32), nil, 24*time.Hour)
	table := routing.Default()
	return &intake.Pipeline{DB: db, Routing: func() *routing.Table { return table }, Calendar: cal, Limits: parse.DefaultLimits(),
		Tokens: keys, Address: "phananh@haugiang.gov.vn", RepliesPerHour: 5, DuplicateWindow: 24 * time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// TestTLSModes runs the watcher against a server in each TLS mode, trusting
// the server's certificate, and against one whose certificate it does not
// trust: there it must not log in at all.
func TestTLSModes(t *testing.T) {
	for _, mode := range []imaptest.Mode{imaptest.TLSNone, imaptest.StartTLS, imaptest.ImplicitTLS} {
		for _, trusted := range []bool{true, false} {
			if mode == imaptest.TLSNone && !trusted {
				continue
			}
			t.Run(string(mode)+map[bool]string{true: "", false: "-untrusted"}[trusted], func(t *testing.T) {
				srv, err := imaptest.NewServer(imaptest.Options{TLS: mode})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				srv.Deliver("INBOX", benchMessage(1, 2000), time.Time{})
				proc := &counting{Processor: newPipeline(t)}
				cfg := srv.Config()
				w := &Watcher{Addr: cfg.Addr(), TLS: string(mode), Username: cfg.Username, Password: cfg.Password,
					Mailbox: "INBOX", Processed: "Processed", Quarantine: "Quarantine", PollInterval: time.Second,
					Processor: proc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				if trusted {
					w.RootCAs = srv.CertPool()
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				go w.Run(ctx)
				if !trusted {
					time.Sleep(1500 * time.Millisecond)
					if proc.n.Load() != 0 || w.Connected() {
						t.Fatal("the watcher worked with a server whose certificate it does not trust")
					}
					return
				}
				for proc.n.Load() < 1 {
					if ctx.Err() != nil {
						t.Fatal("the message was not processed")
					}
					time.Sleep(20 * time.Millisecond)
				}
			})
		}
	}
}
