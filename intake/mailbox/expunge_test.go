package mailbox

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake/imaptest"
)

// syncBuffer is a log the watcher writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// inbox is another client of the account: it counts every message of the
// INBOX, those flagged \Deleted too, and deletes without expunging.
type inbox struct {
	t *testing.T
	c *imapclient.Client
}

func dialInbox(t *testing.T, srv *imaptest.Server) *inbox {
	cfg := srv.Config()
	c, err := imapclient.DialInsecure(cfg.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	return &inbox{t, c}
}

// all counts the INBOX's messages, \Deleted or not.
func (b *inbox) all() int {
	sel, err := b.c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		b.t.Fatal(err)
	}
	return int(sel.NumMessages)
}

// flagDeleted adds (op StoreFlagsAdd) or takes off (StoreFlagsDel) the
// \Deleted flag of the INBOX's message uid, as a mail program does before
// its own EXPUNGE, or when it undeletes.
func (b *inbox) flagDeleted(uid imap.UID, op imap.StoreFlagsOp) {
	if _, err := b.c.Select("INBOX", nil).Wait(); err != nil {
		b.t.Fatal(err)
	}
	flags := &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := b.c.Store(imap.UIDSetNum(uid), flags, nil).Close(); err != nil {
		b.t.Fatal(err)
	}
}

// TestExpungeWithoutUIDPlus runs the watcher against a server with neither
// MOVE nor UIDPLUS (older Exchange, some hosted IMAP): it copies each
// message, flags it \Deleted, and, once every \Deleted message of the
// INBOX is one it moved, expunges them, so that the INBOX does not keep
// every message ever processed. When another client has a message flagged
// \Deleted there, a plain EXPUNGE would remove it too: the watcher leaves
// the INBOX alone and warns, once.
func TestExpungeWithoutUIDPlus(t *testing.T) {
	for _, other := range []bool{false, true} {
		name := map[bool]string{false: "ours only", true: "another client's deleted message"}[other]
		t.Run(name, func(t *testing.T) {
			srv, err := imaptest.NewServer(imaptest.Options{NoMove: true, NoUIDPlus: true})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			box := dialInbox(t, srv)
			if other {
				uid, err := srv.Deliver("INBOX", []byte("From: a@example.com\r\nSubject: nháp\r\n\r\nthư của người khác\r\n"), time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				box.flagDeleted(uid, imap.StoreFlagsAdd)
			}
			for i := range 3 {
				if _, err := srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			var log syncBuffer
			proc := &counting{Processor: newPipeline(t)}
			cfg := srv.Config()
			w := &Watcher{Addr: cfg.Addr(), TLS: "none", Username: cfg.Username, Password: cfg.Password,
				Mailbox: "INBOX", Processed: "Processed", Quarantine: "Quarantine", PollInterval: 200 * time.Millisecond,
				Processor: proc, Log: slog.New(slog.NewTextHandler(&log, nil))}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan struct{})
			go func() { w.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			wait := func(what string, cond func() bool) {
				for !cond() {
					if ctx.Err() != nil {
						t.Fatalf("timed out waiting for %s; log:\n%s", what, log.String())
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			wait("the messages processed", func() bool { return proc.n.Load() == 3 })
			if !other {
				wait("an expunged INBOX", func() bool { return box.all() == 0 })
				return
			}
			warning := "not expunged"
			wait("the warning", func() bool { return strings.Contains(log.String(), warning) })
			if n := box.all(); n != 4 {
				t.Errorf("%d messages in the INBOX, want 4: the other client's and ours, flagged \\Deleted", n)
			}
			// More rounds with ours to expunge: no second warning. Then the
			// other client takes its message back: the watcher processes it
			// and expunges the INBOX.
			if _, err := srv.Deliver("INBOX", benchMessage(3, 2000), time.Time{}); err != nil {
				t.Fatal(err)
			}
			wait("the fourth message processed", func() bool { return proc.n.Load() == 4 })
			box.flagDeleted(1, imap.StoreFlagsDel)
			wait("an expunged INBOX", func() bool { return box.all() == 0 })
			if n := strings.Count(log.String(), warning); n != 1 {
				t.Errorf("warned %d times, want once:\n%s", n, log.String())
			}
		})
	}
}
