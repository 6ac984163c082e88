package imaptest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// newServer starts a server closed at the end of the test.
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

// dial opens an Account closed at the end of the test.
func dial(t *testing.T, cfg Config) *Account {
	t.Helper()
	a, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// client opens a raw go-imap client, logged in, closed at the end of the test.
func client(t *testing.T, s *Server, handler *imapclient.UnilateralDataHandler) *imapclient.Client {
	t.Helper()
	cfg := s.Config()
	opts := &imapclient.Options{TLSConfig: cfg.TLSConfig(), UnilateralDataHandler: handler}
	var c *imapclient.Client
	var err error
	switch cfg.TLS {
	case StartTLS:
		c, err = imapclient.DialStartTLS(cfg.Addr(), opts)
	case ImplicitTLS:
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
	return c
}

func message(n int) []byte {
	return []byte("From: a@example.com\r\nTo: phananh@haugiang.gov.vn\r\nSubject: test " +
		string(rune('0'+n)) + "\r\nMessage-ID: <" + string(rune('0'+n)) + "@example.com>\r\n\r\nBody " +
		string(rune('0'+n)) + "\r\n")
}

func TestCapabilities(t *testing.T) {
	tests := []struct {
		name    string
		opt     Options
		want    []imap.Cap
		notWant []imap.Cap
	}{
		{"default", Options{}, []imap.Cap{imap.CapMove, imap.CapUIDPlus, imap.CapIdle}, []imap.Cap{imap.CapStartTLS}},
		{"no move", Options{NoMove: true}, []imap.Cap{imap.CapUIDPlus, imap.CapIdle}, []imap.Cap{imap.CapMove}},
		{"imap4rev1", Options{NoMove: true, NoUIDPlus: true}, []imap.Cap{imap.CapIdle}, []imap.Cap{imap.CapMove, imap.CapUIDPlus}},
		{"no idle", Options{NoIdle: true}, []imap.Cap{imap.CapMove, imap.CapUIDPlus}, []imap.Cap{imap.CapIdle}},
		{"no idle, tls", Options{NoIdle: true, TLS: ImplicitTLS}, []imap.Cap{imap.CapMove}, []imap.Cap{imap.CapIdle, imap.CapStartTLS}},
		{"starttls", Options{TLS: StartTLS}, []imap.Cap{imap.CapMove, imap.CapIdle}, []imap.Cap{imap.CapStartTLS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := client(t, newServer(t, tt.opt), nil)
			caps, err := c.Capability().Wait()
			if err != nil {
				t.Fatal(err)
			}
			for _, cap := range tt.want {
				if !caps.Has(cap) {
					t.Errorf("missing %s in %v", cap, caps)
				}
			}
			for _, cap := range tt.notWant {
				if caps.Has(cap) {
					t.Errorf("unexpected %s in %v", cap, caps)
				}
			}
		})
	}
}

func TestNewServerRefuses(t *testing.T) {
	for _, opt := range []Options{{TLS: "ssl"}, {NoIdle: true, TLS: StartTLS}} {
		if s, err := NewServer(opt); err == nil {
			s.Close()
			t.Errorf("NewServer(%+v) = nil error", opt)
		}
	}
}

func TestStartTLSRequiredBeforeLogin(t *testing.T) {
	s := newServer(t, Options{TLS: StartTLS})
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cfg := s.Config()
	err = c.Login(cfg.Username, cfg.Password).Wait()
	var ierr *imap.Error
	if !errors.As(err, &ierr) || ierr.Code != imap.ResponseCodePrivacyRequired {
		t.Fatalf("LOGIN before STARTTLS: %v, want NO [PRIVACYREQUIRED]", err)
	}
}

func TestWrongPassword(t *testing.T) {
	cfg := newServer(t, Options{}).Config()
	cfg.Password = "wrong"
	if a, err := Dial(context.Background(), cfg); err == nil {
		a.Close()
		t.Fatal("login with a wrong password succeeded")
	}
}

// TestMoveExpungesOnce: the client hears of each moved message once.
func TestMoveExpungesOnce(t *testing.T) {
	s := newServer(t, Options{})
	a := dial(t, s.Config())
	ctx := context.Background()
	if err := a.Create(ctx, "Processed"); err != nil {
		t.Fatal(err)
	}
	var uids []imap.UID
	for i := range 3 {
		uid, err := a.Append(ctx, "INBOX", message(i), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		uids = append(uids, uid)
	}

	expunges := 0
	c := client(t, s, &imapclient.UnilateralDataHandler{Expunge: func(uint32) { expunges++ }})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.Move(imap.UIDSetNum(uids[1]), "Processed").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Mailbox().NumMessages; got != 2 || expunges != 1 {
		t.Errorf("after moving 1 of 3: client counts %d messages, heard %d EXPUNGE; want 2 and 1", got, expunges)
	}
	if dest, ok := data.DestUIDs.(imap.UIDSet); !ok || len(dest) != 1 {
		t.Errorf("COPYUID destination %v, want one UID", data.DestUIDs)
	}
	if got, _ := a.UIDs(ctx, "INBOX"); !slices.Equal(got, []imap.UID{uids[0], uids[2]}) {
		t.Errorf("INBOX UIDs %v, want %v", got, []imap.UID{uids[0], uids[2]})
	}
	if n, _ := a.Count(ctx, "Processed"); n != 1 {
		t.Errorf("Processed holds %d messages, want 1", n)
	}
}

// TestMoveFallback walks the path of a client on a server without MOVE:
// COPY, STORE \Deleted, then UID EXPUNGE where UIDPLUS allows it.
func TestMoveFallback(t *testing.T) {
	for _, uidPlus := range []bool{true, false} {
		name := map[bool]string{true: "uidplus", false: "imap4rev1"}[uidPlus]
		t.Run(name, func(t *testing.T) {
			s := newServer(t, Options{NoMove: true, NoUIDPlus: !uidPlus})
			a := dial(t, s.Config())
			ctx := context.Background()
			if err := a.Create(ctx, "Processed"); err != nil {
				t.Fatal(err)
			}
			uid, err := a.Append(ctx, "INBOX", message(1), time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			other, err := a.Append(ctx, "INBOX", message(2), time.Time{})
			if err != nil {
				t.Fatal(err)
			}

			c := client(t, s, nil)
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			set := imap.UIDSetNum(uid)
			if _, err := c.Copy(set, "Processed").Wait(); err != nil {
				t.Fatal(err)
			}
			deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
			if err := c.Store(set, deleted, nil).Close(); err != nil {
				t.Fatal(err)
			}
			if uidPlus {
				if err := c.UIDExpunge(set).Close(); err != nil {
					t.Fatal(err)
				}
			}

			if got, _ := a.UIDs(ctx, "INBOX"); !slices.Equal(got, []imap.UID{other}) {
				t.Errorf("INBOX UIDs not \\Deleted: %v, want [%d]", got, other)
			}
			if n, _ := a.Count(ctx, "Processed"); n != 1 {
				t.Errorf("Processed holds %d messages, want 1", n)
			}
			flags, err := a.Flags(ctx, "INBOX", uid)
			switch {
			case uidPlus && err == nil:
				t.Errorf("the moved message is still in INBOX with flags %v", flags)
			case !uidPlus && !slices.Contains(flags, imap.FlagDeleted):
				t.Errorf("the original's flags %v (%v), want \\Deleted", flags, err)
			}
		})
	}
}

// TestIdleHearsNewMail: mail added by another connection, or delivered,
// reaches a client in IDLE as EXISTS.
func TestIdleHearsNewMail(t *testing.T) {
	for _, mode := range []Mode{TLSNone, StartTLS, ImplicitTLS} {
		t.Run(string(mode), func(t *testing.T) {
			s := newServer(t, Options{TLS: mode})
			exists := make(chan uint32, 10)
			c := client(t, s, &imapclient.UnilateralDataHandler{
				Mailbox: func(data *imapclient.UnilateralDataMailbox) {
					if data.NumMessages != nil {
						exists <- *data.NumMessages
					}
				},
			})
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			idle, err := c.Idle()
			if err != nil {
				t.Fatal(err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			a := dial(t, s.Config())
			if _, err := a.Append(ctx, "INBOX", message(1), time.Time{}); err != nil {
				t.Fatal(err)
			}
			waitExists(ctx, t, exists, 1)
			if _, err := s.Deliver("INBOX", message(2), time.Time{}); err != nil {
				t.Fatal(err)
			}
			waitExists(ctx, t, exists, 2)

			if err := idle.Close(); err != nil {
				t.Fatal(err)
			}
			if err := idle.Wait(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestIdleAnnouncesMailQueuedBefore: mail that arrived between the
// client's last command and IDLE is announced as IDLE begins.
func TestIdleAnnouncesMailQueuedBefore(t *testing.T) {
	s := newServer(t, Options{})
	exists := make(chan uint32, 10)
	c := client(t, s, &imapclient.UnilateralDataHandler{
		Mailbox: func(data *imapclient.UnilateralDataMailbox) {
			if data.NumMessages != nil {
				exists <- *data.NumMessages
			}
		},
	})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliver("INBOX", message(1), time.Time{}); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	waitExists(ctx, t, exists, 1)
}

func waitExists(ctx context.Context, t *testing.T, exists <-chan uint32, want uint32) {
	t.Helper()
	for {
		select {
		case n := <-exists:
			if n == want {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no EXISTS %d during IDLE", want)
		}
	}
}

func TestDropConnections(t *testing.T) {
	s := newServer(t, Options{TLS: StartTLS})
	ctx := context.Background()
	a := dial(t, s.Config())
	if _, err := a.Append(ctx, "INBOX", message(1), time.Time{}); err != nil {
		t.Fatal(err)
	}
	c := client(t, s, nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}

	s.DropConnections()

	<-c.Closed() // an idling client, which sends nothing, sees the drop
	idle.Close()
	if _, err := a.Count(ctx, "INBOX"); err == nil {
		t.Error("Count succeeded on a dropped connection")
	}
	b := dial(t, s.Config())
	if n, err := b.Count(ctx, "INBOX"); err != nil || n != 1 {
		t.Errorf("after reconnecting: %d messages (%v), want 1", n, err)
	}
}

func TestFailNext(t *testing.T) {
	s := newServer(t, Options{})
	ctx := context.Background()
	a := dial(t, s.Config())
	uid, err := a.Append(ctx, "INBOX", message(1), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	s.FailNext("FETCH", 2)
	for range 2 {
		_, err := a.Fetch(ctx, "INBOX", uid)
		var ierr *imap.Error
		if !errors.As(err, &ierr) || ierr.Code != imap.ResponseCodeUnavailable {
			t.Fatalf("Fetch with a fault: %v, want NO [UNAVAILABLE]", err)
		}
	}
	if got, err := a.Fetch(ctx, "INBOX", uid); err != nil || !bytes.Equal(got, message(1)) {
		t.Fatalf("Fetch after the faults: %q, %v", got, err)
	}
}

func TestHangNext(t *testing.T) {
	s := newServer(t, Options{})
	a := dial(t, s.Config())
	s.HangNext("SEARCH", 1)
	done := make(chan error, 1)
	go func() {
		_, err := a.Count(context.Background(), "INBOX")
		done <- err
	}()
	for !s.hanging("SEARCH") {
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("Count returned during the hang: %v", err)
	default:
	}
	s.DropConnections()
	if err := <-done; err == nil {
		t.Fatal("Count succeeded through a hang")
	}
}

// hanging reports whether a command held by HangNext has arrived.
func (s *Server) hanging(command string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults[command].n == 0
}

func TestFaultUnknownCommand(t *testing.T) {
	s := newServer(t, Options{})
	defer func() {
		if recover() == nil {
			t.Error("FailNext of an unknown command did not panic")
		}
	}()
	s.FailNext("IDLE", 1)
}

func TestWithoutCap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"* CAPABILITY IMAP4rev1 IDLE MOVE\r\n", "* CAPABILITY IMAP4rev1 MOVE\r\n"},
		{"* CAPABILITY IMAP4rev1 MOVE IDLE\r\n", "* CAPABILITY IMAP4rev1 MOVE\r\n"},
		{"A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n", "A1 OK [CAPABILITY IMAP4rev1] Logged in\r\n"},
		{"* OK [CAPABILITY IMAP4rev1 IDLE UNSELECT] IMAP server ready\r\n", "* OK [CAPABILITY IMAP4rev1 UNSELECT] IMAP server ready\r\n"},
		{"* CAPABILITY IMAP4rev1 X-IDLE IDLEX\r\n", "* CAPABILITY IMAP4rev1 X-IDLE IDLEX\r\n"},
		{"* 1 FETCH (BODY[] {6}\r\n IDLE \r\n)\r\n", "* 1 FETCH (BODY[] {6}\r\n IDLE \r\n)\r\n"},
		{"A2 OK IDLE done\r\n", "A2 OK IDLE done\r\n"},
		{"* CAPABILITY IDLE", "* CAPABILITY IDLE"},
	}
	for _, tt := range tests {
		if got := string(withoutCap([]byte(tt.in), imap.CapIdle)); got != tt.want {
			t.Errorf("withoutCap(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
