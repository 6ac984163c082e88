package mailbox

import (
	"context"
	"io"
	"iter"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
)

// overlapping holds the first batch's transaction open until the second
// batch's files are durable, and notes whether the first batch had
// committed when the second's transaction ran.
type overlapping struct {
	Processor
	batches, processed atomic.Int32
	firstCommitted     atomic.Bool
	secondSynced       chan struct{}
	waited             atomic.Bool // the first transaction waited in vain
	outOfOrder         atomic.Bool // the second transaction ran before the first was committed
}

func (o *overlapping) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	k := o.batches.Add(1)
	rs := o.Processor.ProcessAll(ctx, srcs, turn)
	if k == 1 {
		o.firstCommitted.Store(true)
	}
	for _, r := range rs {
		if r.Err == nil {
			o.processed.Add(1)
		}
	}
	return rs
}

// hook sets the pipeline's hooks that hold and watch the transactions.
func (o *overlapping) hook(p *intake.Pipeline) {
	var synced, transactions atomic.Int32
	p.AfterBlobs = func() {
		if synced.Add(1) == 2 {
			close(o.secondSynced)
		}
	}
	p.BeforeCommit = func() {
		switch transactions.Add(1) {
		case 1:
			select {
			case <-o.secondSynced:
			case <-time.After(30 * time.Second):
				o.waited.Store(true)
			}
		case 2:
			o.outOfOrder.Store(!o.firstCommitted.Load())
		}
	}
}

// TestBatchesOverlap reads the next batch and syncs its files while the
// batch before it is committed, so that the parsing and the fsyncs of one
// run beside the transaction of the other; still, a batch's transaction
// runs only once the one before it is committed.
func TestBatchesOverlap(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 4 {
		srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{})
	}
	p := newPipeline(t)
	o := &overlapping{Processor: p, secondSynced: make(chan struct{})}
	o.hook(p)
	cfg := srv.Config()
	w := &Watcher{Addr: cfg.Addr(), TLS: "none", Username: cfg.Username, Password: cfg.Password, Mailbox: "INBOX",
		Processed: "Processed", Quarantine: "Quarantine", PollInterval: time.Second, BatchSize: 2,
		Processor: o, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	box := dialInbox(t, srv)
	eventually(t, "the four messages processed and moved", func() bool { return o.processed.Load() == 4 && box.all() == 0 })
	if o.waited.Load() {
		t.Error("the second batch's files were not synced while the first batch's transaction ran")
	}
	if o.outOfOrder.Load() {
		t.Error("the second batch's transaction ran before the first batch was committed")
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
