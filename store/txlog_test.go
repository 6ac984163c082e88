package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestTxLoggerWritesWhatIsCommitted: what the transactions of a group log
// through Tx.Logger is written once each, for the run that was committed:
// not for the first run of those WriteEach runs again when one after them
// fails, not for the one that fails, nor for a transaction of Write that
// fails; with the attributes and groups the logger was given.
func TestTxLoggerWritesWhatIsCommitted(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	var out bytes.Buffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	logging := func(name string, fail bool) func(*Tx) error {
		return func(tx *Tx) error {
			tx.Logger(log).With("tx", name).WithGroup("g").Warn("security event", "n", 1)
			if _, err := tx.CreateReport(sample(at)); err != nil || !fail {
				return err
			}
			_, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('key_check', x'00')`) // there already
			return err
		}
	}
	errs := db.WriteEach(ctx, logging("a", false), logging("b", false), logging("c", true), logging("d", false))
	if errs[0] != nil || errs[1] != nil || errs[2] == nil || errs[3] != nil {
		t.Fatalf("errors %v: want the third alone failed", errs)
	}
	stop := errors.New("stop")
	if err := db.Write(ctx, func(tx *Tx) error { logging("e", false)(tx); return stop }); !errors.Is(err, stop) {
		t.Fatalf("Write: %v", err)
	}
	db.Read(ctx, func(tx *Tx) error { tx.Logger(log).Info("read"); return nil })
	want := "level=WARN msg=\"security event\" tx=a g.n=1\n" +
		"level=WARN msg=\"security event\" tx=b g.n=1\n" +
		"level=WARN msg=\"security event\" tx=d g.n=1\n" +
		"level=INFO msg=read\n"
	if got := out.String(); got != want {
		t.Errorf("logged:\n%s\nwant:\n%s", got, want)
	}
	if strings.Count(out.String(), "tx=a") != 1 {
		t.Errorf("a transaction run again logged twice")
	}
}
