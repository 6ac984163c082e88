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

// overlapping holds the first batch's transaction open until the third
// batch's files are durable, and notes whether each batch's transaction
// ran once the batch before it had committed.
type overlapping struct {
	Processor
	batches, processed atomic.Int32
	committed          [4]atomic.Bool // by batch, from 1
	thirdSynced        chan struct{}
	waited             atomic.Bool // the first transaction waited in vain
	outOfOrder         atomic.Bool // a transaction ran before the batch before it was committed
}

func (o *overlapping) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	k := o.batches.Add(1)
	rs := o.Processor.ProcessAll(ctx, srcs, turn)
	if int(k) < len(o.committed) {
		o.committed[k].Store(true)
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
		if synced.Add(1) == 3 {
			close(o.thirdSynced)
		}
	}
	p.BeforeCommit = func() {
		k := transactions.Add(1)
		if k == 1 {
			select {
			case <-o.thirdSynced:
			case <-time.After(30 * time.Second):
				o.waited.Store(true)
			}
		}
		if k > 1 && int(k) < len(o.committed) && !o.committed[k-1].Load() {
			o.outOfOrder.Store(true)
		}
	}
}

// TestBatchesOverlap reads the batches after one while it is committed —
// the next has its files synced, the one after it is fetched and parsed —
// so that the parsing, the fsyncs and the transactions run beside one
// another; still, a batch's transaction runs only once the one before it
// is committed.
func TestBatchesOverlap(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 6 {
		srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{})
	}
	p := newPipeline(t)
	o := &overlapping{Processor: p, thirdSynced: make(chan struct{})}
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
	eventually(t, "the six messages processed and moved", func() bool { return o.processed.Load() == 6 && box.all() == 0 })
	if o.waited.Load() {
		t.Error("the third batch's files were not synced while the first batch's transaction ran")
	}
	if o.outOfOrder.Load() {
		t.Error("a batch's transaction ran before the batch before it was committed")
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
