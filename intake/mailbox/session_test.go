package mailbox

import (
	"context"
	"io"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
)

// overlapping holds the first batch's commit until the second batch is
// being read, and counts the inbox when the second batch's commit starts.
type overlapping struct {
	Processor
	inbox               *inbox
	batches, processed  atomic.Int32
	secondRead          chan struct{}
	once                sync.Once
	mu                  sync.Mutex
	waited              bool // the first commit waited in vain
	inboxAtSecondCommit int
}

func (o *overlapping) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source]) []intake.Result {
	k := o.batches.Add(1)
	rs := o.Processor.ProcessAll(ctx, func(yield func(intake.Source) bool) {
		for src := range srcs {
			if k == 2 {
				o.once.Do(func() { close(o.secondRead) })
			}
			if !yield(src) {
				return
			}
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		switch k {
		case 1:
			select {
			case <-o.secondRead:
			case <-time.After(30 * time.Second):
				o.waited = true
			}
		case 2:
			o.inboxAtSecondCommit = o.inbox.all()
		}
	})
	for _, r := range rs {
		if r.Err == nil {
			o.processed.Add(1)
		}
	}
	return rs
}

// TestBatchesOverlap reads the next batch while one commits, so that the
// parsing of one and the writing of the other use both cores; still, a
// batch commits only once the one before it is committed and moved.
func TestBatchesOverlap(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 4 {
		srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{})
	}
	o := &overlapping{Processor: newPipeline(t), inbox: dialInbox(t, srv), secondRead: make(chan struct{})}
	cfg := srv.Config()
	w := &Watcher{Addr: cfg.Addr(), TLS: "none", Username: cfg.Username, Password: cfg.Password, Mailbox: "INBOX",
		Processed: "Processed", Quarantine: "Quarantine", PollInterval: time.Second, BatchSize: 2,
		Processor: o, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	eventually(t, "the four messages processed", func() bool { return o.processed.Load() == 4 })
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.waited {
		t.Error("the second batch was not read while the first committed")
	}
	if o.inboxAtSecondCommit != 2 {
		t.Errorf("%d messages in the inbox when the second batch committed, want 2: the first batch moved", o.inboxAtSecondCommit)
	}
}

// eventually waits, for two minutes at most, until ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s", what)
		}
	}
}
