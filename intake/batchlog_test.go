package intake

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// records is a slog.Handler that keeps the records logged to it.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }

func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.list = append(h.list, r.Clone())
	return nil
}

func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

// events returns the security events logged, as "event report", in order.
func (h *records) events() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, r := range h.list {
		if r.Message != "security event" {
			continue
		}
		var event, code string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "event":
				event = a.Value.String()
			case "report":
				code = a.Value.String()
			}
			return true
		})
		out = append(out, event+" "+code)
	}
	return out
}

// TestBatchLogsWhatIsCommittedOnce: the messages of a batch are committed
// together; when the store refuses one (its UID is recorded already), those
// before it are run again each alone. An unauthenticated command before it
// logs its security event once, the refused one — an unauthenticated
// command too — none: nothing of it was committed.
func TestBatchLogsWhatIsCommittedOnce(t *testing.T) {
	w := newWalker(t)
	logged := &records{}
	w.p.Log = slog.New(logged)
	w.ingest(outage)
	if _, err := w.p.Process(context.Background(), Source{Mailbox: "INBOX", UIDValidity: 7, UID: 9, ReceivedAt: w.at,
		Body: strings.NewReader(report("a@example.com", "a@x", "Mất điện", outage))}); err != nil {
		t.Fatal(err)
	}
	forged := func(id string) string {
		return eml([]string{"From: " + receiver, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "]", "Message-ID: <" + id + "@x>"}, "/accept\n")
	}
	logged.list = nil
	rs := w.processAll([]string{forged("f1"), forged("f2"), report("b@example.com", "b@x", "Mất điện ấp 1", "Ấp 1 xã Vị Đông, huyện Vị Thủy mất điện.\n")},
		1, 9, 3)
	if rs[0].Err != nil || rs[0].Outcome.Kind != KindCommand || rs[1].Err == nil || rs[2].Err != nil {
		t.Fatalf("results %+v: want the command, the second refused by the store, the report", rs)
	}
	want := "command-unauthenticated " + w.code
	if got := logged.events(); len(got) != 1 || got[0] != want {
		t.Errorf("security events %q, want %q once", got, want)
	}
}
