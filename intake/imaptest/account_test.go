package imaptest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestAccount(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"plain", Options{}},
		{"starttls", Options{TLS: StartTLS}},
		{"tls", Options{TLS: ImplicitTLS}},
		{"no move", Options{NoMove: true, TLS: StartTLS}},
		{"imap4rev1 no idle", Options{NoMove: true, NoUIDPlus: true, NoIdle: true, TLS: ImplicitTLS}},
		{"own account", Options{Username: "user@example.com", Password: "pass word"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.opt)
			if tt.opt.TLS != "" && s.CertPool() == nil {
				t.Error("no CertPool with TLS")
			}
			CheckAccount(t, dial(t, s.Config()), "Processed")
		})
	}
}

// CheckAccount exercises every method of an Account, with a mailbox of
// the given name that does not exist yet.
func CheckAccount(t *testing.T, a *Account, mailbox string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if d, err := a.Delimiter(ctx); err != nil || d != '/' {
		t.Errorf("Delimiter = %q, %v; want '/'", d, err)
	}
	if err := a.Create(ctx, mailbox); err != nil {
		t.Fatal(err)
	}
	if err := a.Create(ctx, mailbox); err != nil {
		t.Errorf("creating a mailbox twice: %v", err)
	}
	if names, err := a.List(ctx, mailbox); err != nil || !slices.Equal(names, []string{mailbox}) {
		t.Errorf("List(%q) = %q, %v", mailbox, names, err)
	}
	if n, err := a.Count(ctx, mailbox); err != nil || n != 0 {
		t.Errorf("Count of a new mailbox = %d, %v", n, err)
	}

	date := time.Date(2026, 3, 2, 9, 15, 0, 0, time.FixedZone("ICT", 7*3600))
	var uids []imap.UID
	for i := range 3 {
		uid, err := a.Append(ctx, mailbox, message(i), date.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		uids = append(uids, uid)
	}
	if got, err := a.UIDs(ctx, mailbox); err != nil || !slices.Equal(got, uids) {
		t.Errorf("UIDs = %v, %v; want %v", got, err, uids)
	}
	if n, err := a.Count(ctx, mailbox); err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
	for i, uid := range uids {
		got, err := a.Fetch(ctx, mailbox, uid)
		if err != nil || !bytes.Equal(got, message(i)) {
			t.Errorf("Fetch(%d) = %q, %v; want %q", uid, got, err, message(i))
		}
		when, err := a.InternalDate(ctx, mailbox, uid)
		if want := date.Add(time.Duration(i) * time.Hour); err != nil || !when.Equal(want) {
			t.Errorf("InternalDate(%d) = %v, %v; want %v", uid, when, err, want)
		}
	}
	if flags, err := a.Flags(ctx, mailbox, uids[0]); err != nil || slices.Contains(flags, imap.FlagSeen) {
		t.Errorf("flags after Fetch: %v, %v; want no \\Seen", flags, err)
	}
	if _, err := a.Fetch(ctx, mailbox, uids[2]+10); err == nil {
		t.Error("Fetch of a missing UID succeeded")
	}
	if _, err := a.Append(ctx, mailbox+"-missing", message(9), time.Time{}); err == nil {
		t.Error("Append to a missing mailbox succeeded")
	}

	if err := a.Delete(ctx, mailbox); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Count(ctx, mailbox); err == nil {
		t.Error("Count of a deleted mailbox succeeded")
	}
}

func TestAccountContext(t *testing.T) {
	s := newServer(t, Options{})
	a := dial(t, s.Config())
	s.HangNext("STATUS", 1)
	s.HangNext("SEARCH", 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := a.Count(ctx, "INBOX")
		done <- err
	}()
	for !s.hanging("SEARCH") {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil || ctx.Err() == nil {
		t.Fatalf("Count with a cancelled context: %v", err)
	}
}

func TestDeliver(t *testing.T) {
	s := newServer(t, Options{})
	date := time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC)
	uid, err := s.Deliver("INBOX", message(1), date)
	if err != nil {
		t.Fatal(err)
	}
	a := dial(t, s.Config())
	if got, err := a.InternalDate(context.Background(), "INBOX", uid); err != nil || !got.Equal(date) {
		t.Errorf("InternalDate = %v, %v; want %v", got, err, date)
	}
	if _, err := s.Deliver("Nowhere", message(2), date); err == nil {
		t.Error("delivery to a missing mailbox succeeded")
	}
}
