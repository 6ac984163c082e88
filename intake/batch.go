package intake

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"sync"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// Result is what became of one message of ProcessAll.
type Result struct {
	UID     uint32 // the message's Source.UID
	Outcome Outcome
	// Err is set when nothing of the message was recorded: it must stay
	// where it is, to be tried again.
	Err error
}

// ProcessAll processes the messages srcs yields as one batch (group
// commit): each is read to its end as it comes — its raw copy and
// attachments written to the blob store — and parsed in the background,
// on every core; then the batch's files are made durable together, and
// every message's decision and record is committed by one transaction,
// each message in a savepoint of its own, in the order given. A message
// sees what those before it became, as if each were committed alone (a
// command and its replay, a sender's fifth and sixth mail in one batch);
// one that fails is rolled back alone and reported in its Result, the
// others are committed. A message is recorded, as with Process, before
// anything moves it out of the mailbox.
//
// turn, when not nil, is the batch's turn to commit: ProcessAll calls it
// once the batch's files are durable, before its transaction, and commits
// nothing when it returns an error (each message's Result then carries
// it: the messages stay where they are, to be tried again). A caller that
// commits batches one after another in order passes a turn that returns
// when the batch before has committed: the files of one are synced while
// the transaction of the other is written.
func (p *Pipeline) ProcessAll(ctx context.Context, srcs iter.Seq[Source], turn func(context.Context) error) []Result {
	b := &batch{p: p, blobs: p.DB.Blobs().Batch(), parse: make(chan *item)}
	defer b.stopParsers()
	for src := range srcs {
		b.add(src)
	}
	return b.commit(ctx, turn)
}

// spoolBuffers are the buffers that raw messages are copied through to
// the blob store (spool), used in turn rather than allocated for each.
var spoolBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// headBuffers are the buffers a message's start is caught in while it
// is spooled (see headCatcher), given back once it is.
var headBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// batch is the messages of one ProcessAll.
type batch struct {
	p     *Pipeline
	blobs *store.BlobBatch
	items []*item
	// parse hands a spooled message to the batch's parser goroutines.
	// They are started as the messages come, at most one a core, and each
	// parses message after message until the batch commits: a parse needs
	// a stack of some tens of KB, which a goroutine started for each
	// message grew from nothing, copying it at each doubling.
	parse   chan *item
	parsers int // the parser goroutines started
	stopped bool
	wg      sync.WaitGroup
}

// item is one message of a batch.
type item struct {
	in     *incoming
	blobs  *store.BlobBatch // the batch's, for its raw copy and attachments
	decide func(*store.Tx, *incoming) (Outcome, error)
	err    error
	out    Outcome
}

// add spools a message and starts parsing it.
func (b *batch) add(src Source) {
	it := &item{in: &incoming{src: src, blobs: b.blobs}, blobs: b.blobs}
	b.items = append(b.items, it)
	raw, err := b.p.spool(it.blobs, src.Body)
	if err != nil {
		it.err = err
		return
	}
	it.in.raw, it.in.now = raw, b.p.now()
	if raw.tooLarge {
		it.decide = b.p.quarantine(it.in, quarantined{
			reason: fmt.Sprintf("message larger than %d bytes", b.p.Limits.MaxMessageBytes),
			cause:  templates.CauseMessageSize, limit: b.p.Limits.MaxMessageBytes,
		})
		return
	}
	select {
	case b.parse <- it:
		return
	default:
	}
	if b.parsers < runtime.GOMAXPROCS(0) {
		b.parsers++
		b.wg.Go(b.parseAll)
	}
	b.parse <- it
}

// parseAll parses the messages handed to it until the batch stops its
// parsers.
func (b *batch) parseAll() {
	for it := range b.parse {
		b.parseOne(it)
	}
}

// parseOne parses a spooled message and drafts its report. A parse that
// panics quarantines the message.
func (b *batch) parseOne(it *item) {
	defer func() {
		if v := recover(); v != nil {
			it.decide = b.p.panicked(it, v)
		}
	}()
	q, err := b.p.parse(it.blobs, it.in)
	switch {
	case err != nil:
		it.err = err
	case q.reason != "":
		it.decide = b.p.quarantine(it.in, q)
	default:
		it.decide = b.p.decide
		it.in.predraft(b.p.Routing())
	}
}

// stopParsers lets the parser goroutines end once the messages handed to
// them are parsed, and waits for them. A second call does nothing.
func (b *batch) stopParsers() {
	if !b.stopped {
		b.stopped = true
		close(b.parse)
		b.wg.Wait()
	}
}

// commit waits for the parsers, makes the batch's files durable, waits
// for its turn, and commits every message that was read and parsed. A
// message whose handling panics is rolled back alone, then committed as
// quarantined.
func (b *batch) commit(ctx context.Context, turn func(context.Context) error) []Result {
	b.stopParsers()
	p := b.p
	results := make([]Result, len(b.items))
	for i, it := range b.items {
		results[i] = Result{UID: it.in.src.UID, Err: it.err}
	}
	fail := func(err error) []Result {
		b.blobs.Close()
		for i := range results {
			if results[i].Err == nil {
				results[i].Err = fmt.Errorf("intake: %w", err)
			}
		}
		return results
	}
	if err := b.blobs.Sync(); err != nil {
		return fail(err)
	}
	if p.AfterBlobs != nil {
		p.AfterBlobs()
	}
	var todo []int
	for i, it := range b.items {
		if it.err == nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return results
	}
	if turn != nil {
		if err := turn(ctx); err != nil {
			return fail(err)
		}
	}
	if panicked := b.write(ctx, todo, results); len(panicked) > 0 {
		b.write(ctx, panicked, results)
	}
	return results
}

// write commits the items todo names, each in a transaction of its own,
// and fills in their results. It returns those whose handling panicked,
// rolled back and now to be quarantined.
func (b *batch) write(ctx context.Context, todo []int, results []Result) (panicked []int) {
	p := b.p
	fns := make([]func(*store.Tx) error, len(todo))
	for j, i := range todo {
		it := b.items[i]
		fns[j] = func(tx *store.Tx) (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = &panicError{v}
					it.decide = p.panicked(it, v)
				}
			}()
			// Run again, when another message of the batch fails
			// (store.DB.WriteEach), it starts afresh.
			it.in.after, it.in.messageRow = nil, 0
			out, err := it.decide(tx, it.in)
			if err != nil {
				return err
			}
			it.out = out
			return p.record(tx, it.in, out)
		}
	}
	if p.BeforeCommit != nil {
		fns = append(fns, func(*store.Tx) error { p.BeforeCommit(); return nil })
	}
	for j, err := range p.DB.WriteEach(ctx, fns...)[:len(todo)] {
		i := todo[j]
		var pe *panicError
		if errors.As(err, &pe) {
			panicked = append(panicked, i)
		}
		if err != nil {
			results[i].Err = fmt.Errorf("intake: %w", err)
			continue
		}
		out := b.items[i].out
		results[i] = Result{UID: results[i].UID, Outcome: out}
		p.Log.Info("message processed", "kind", out.Kind, "report", out.Code, "uid", results[i].UID, "reason", out.Reason)
		if p.AfterCommit != nil {
			p.AfterCommit(out)
		}
	}
	return panicked
}

// panicError is a message's handling that panicked.
type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("unexpected failure: %v", e.v) }

// panicked logs a panic in the handling of a message and returns the
// quarantine that records it instead: fetched again, the message would
// fail the same way each time, and the receivers are told of it.
func (p *Pipeline) panicked(it *item, v any) func(*store.Tx, *incoming) (Outcome, error) {
	p.Log.Error("message quarantined: its handling failed unexpectedly", "uid", it.in.src.UID, "panic", v, "stack", string(debug.Stack()))
	it.in.raw.head = readHead(it.blobs, it.in.raw.key)
	return p.quarantine(it.in, quarantined{reason: "unreadable message: unexpected failure", cause: templates.CauseUnreadable})
}
