package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"haugiang.gov.vn/phananh/intake"
)

// TestStopLeavesMessagesQuietly: a batch that the daemon's stop (SIGTERM)
// caught waiting for its turn leaves its messages in the mailbox, to read
// at the next start, as designed: one line at INFO says so, not an ERROR
// a message, which an operator would take for a fault at every restart.
// A message left for another cause is still an ERROR.
func TestStopLeavesMessagesQuietly(t *testing.T) {
	var log bytes.Buffer
	s := &session{w: &Watcher{Log: slog.New(slog.NewTextHandler(&log, nil))}}
	done := make(chan struct{})
	close(done)
	stopped := fmt.Errorf("intake: %w", context.Canceled)
	b := &batch{dests: map[string][]imap.UID{}, done: done, results: []intake.Result{
		{UID: 1, Err: stopped}, {UID: 2, Err: stopped}, {UID: 3, Err: errors.New("database or disk is full")},
	}}
	if err := s.moveAll(b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	var errs, infos []string
	for _, l := range lines {
		switch {
		case strings.Contains(l, "level=ERROR"):
			errs = append(errs, l)
		case strings.Contains(l, "level=INFO"):
			infos = append(infos, l)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "uid=3") {
		t.Errorf("errors logged %q, want the one for the full disk", errs)
	}
	if len(infos) != 1 || !strings.Contains(infos[0], "messages=2") {
		t.Errorf("infos logged %q, want one naming the two messages the stop left", infos)
	}
}
