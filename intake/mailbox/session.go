package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake"
)

// session is one open, selected connection.
type session struct {
	w           *Watcher
	c           *imapclient.Client
	uidValidity uint32
	news        chan struct{}
	// moved are the messages this session copied out and flagged
	// \Deleted on a server without UIDPLUS, and tidy is set when there may
	// be such messages to expunge (see expunge).
	moved map[imap.UID]bool
	tidy  bool
}

// DefaultBatchSize is Watcher.BatchSize when unset: enough to make a
// commit's fsyncs and a move's round trip cheap per message, few enough to
// keep a batch's files and parsed messages small.
const DefaultBatchSize = 200

// unmovedBatches is the most batches read and not yet moved while the
// session reads the next: one whose transaction is written, and one whose
// files are synced meanwhile.
const unmovedBatches = 2

// processAll handles every message in the mailbox not flagged \Deleted,
// oldest first, in batches. A message whose processing fails is left in
// place and tried again next round; it never blocks the ones behind it. A
// connection failure ends the session.
//
// The batches overlap: while one is committed, the next has its files
// synced, and the one after it is fetched and parsed, so that both cores
// work while the writer and the disk wait. The batches still commit one
// after the other, in the mailbox's order (see batch.committed), and are
// moved one after the other, each once it is committed: between two
// reads, the session moves those whose commit has ended, and waits for
// the oldest only when unmovedBatches are waiting.
func (s *session) processAll(ctx context.Context) error {
	data, err := s.c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap search: %w", err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	size := s.w.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	var unmoved []*batch // read, and not yet moved, in the mailbox's order
	var last *batch      // the last batch read
	for len(uids) > 0 && ctx.Err() == nil {
		chunk := uids[:min(len(uids), size)]
		uids = uids[len(chunk):]
		last = s.read(ctx, chunk, last)
		unmoved = append(unmoved, last)
		if last.fetchErr != nil && s.broken() {
			last.wait() // its messages, and those before, recorded before the next session looks
			return last.fetchErr
		}
		for len(unmoved) > 0 && (len(unmoved) > unmovedBatches || unmoved[0].ended()) {
			if err := s.moveAll(unmoved[0]); err != nil {
				last.wait()
				return err
			}
			unmoved = unmoved[1:]
		}
	}
	for _, b := range unmoved {
		if err := s.moveAll(b); err != nil {
			last.wait()
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return s.expunge(ctx)
}

// batch is the messages of one chunk of the mailbox: those processed
// before (a crash came between the commit and the move), and those read
// and committed in the background.
type batch struct {
	dests map[string][]imap.UID // the messages to move, by folder
	// done is closed when the batch's commit has ended, and those of the
	// batches before it.
	done     chan struct{}
	results  []intake.Result
	fetchErr error
}

// wait returns when the batch's commit, and those of the batches before
// it, have ended; a nil batch has none.
func (b *batch) wait() {
	if b != nil {
		<-b.done
	}
}

// ended reports whether wait would return at once.
func (b *batch) ended() bool {
	if b == nil {
		return true
	}
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// endAfter closes b's done once prev's commit has ended: b commits nothing.
func (b *batch) endAfter(prev *batch) {
	if prev.ended() {
		close(b.done)
		return
	}
	go func() {
		prev.wait()
		close(b.done)
	}()
}

// committed is the turn (intake.Pipeline.ProcessAll) of the batch after b:
// it returns once b's commit has ended — its messages committed, or failed
// and rolled back — or ctx is done.
//
// The next batch's transaction waits for b's commit, not for b's move.
// That keeps every guarantee of SPEC 4.1 and 8.2:
//   - the messages are committed in the mailbox's order, each seeing what
//     those before it became (a report and a command on it, a command and
//     its replay), as when each was committed alone;
//   - a message is moved only once its own batch is committed (moveAll
//     waits for it), by this session's goroutine, batch after batch;
//   - a kill after the next batch's commit and before b's move leaves
//     both batches recorded and in the inbox: the state a kill between
//     one batch's commit and its move leaves. The next session finds
//     their outcomes recorded (Processor.Recorded) and only moves them:
//     nothing is fetched, committed or sent twice, and a kill before the
//     next batch's commit leaves its synced files named by nothing, which
//     the blob store's sweep removes.
//
// Waiting for b's move as well would put the move's round trips between
// the two transactions, and the next batch's file syncs behind both.
func (b *batch) committed(ctx context.Context) error {
	if b == nil {
		return nil
	}
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read fetches the messages of uids not processed before and hands them to
// the processor, and returns once they are read: their commit goes on in
// the background, in its turn after prev's.
func (s *session) read(ctx context.Context, uids []imap.UID, prev *batch) *batch {
	b := &batch{dests: map[string][]imap.UID{}, done: make(chan struct{})}
	recorded, err := s.w.Processor.Recorded(ctx, s.w.Mailbox, s.uidValidity, uint32s(uids))
	if err != nil {
		s.w.Log.Error("messages left in the mailbox, to try again", "uids", len(uids), "err", err)
		b.endAfter(prev)
		return b
	}
	var todo []imap.UID
	for _, uid := range uids {
		if out, ok := recorded[uint32(uid)]; ok {
			b.dests[s.dest(out)] = append(b.dests[s.dest(out)], uid)
		} else {
			todo = append(todo, uid)
		}
	}
	if len(todo) == 0 {
		b.endAfter(prev)
		return b
	}
	fetched := make(chan struct{})
	var once sync.Once
	endFetch := func() { once.Do(func() { close(fetched) }) }
	go func() {
		defer close(b.done)
		defer prev.wait()
		defer endFetch()
		b.results = s.w.Processor.ProcessAll(ctx, func(yield func(intake.Source) bool) {
			s.bodies(todo, &b.fetchErr)(yield)
			endFetch()
		}, prev.committed)
	}()
	<-fetched
	return b
}

// moveAll waits for a batch's commit and moves its messages, each set to
// its folder with one command. It returns an error only when the
// connection is gone.
func (s *session) moveAll(b *batch) error {
	if b == nil {
		return nil
	}
	b.wait()
	stopped := 0
	for _, r := range b.results {
		switch {
		case errors.Is(r.Err, context.Canceled):
			stopped++ // the daemon stops: read again at its next start
		case r.Err != nil:
			s.w.Log.Error("message left in the mailbox, to try again", "uid", r.UID, "err", r.Err)
		default:
			b.dests[s.dest(r.Outcome)] = append(b.dests[s.dest(r.Outcome)], imap.UID(r.UID))
		}
	}
	if stopped > 0 {
		s.w.Log.Info("stopping: messages left in the mailbox, to read at the next start", "messages", stopped)
	}
	if b.fetchErr != nil {
		if s.broken() {
			return b.fetchErr
		}
		s.w.Log.Error("messages left in the mailbox, to try again", "err", b.fetchErr)
	}
	for _, dest := range []string{s.w.Processed, s.w.Quarantine} {
		if len(b.dests[dest]) == 0 {
			continue
		}
		if err := s.move(b.dests[dest], dest); err != nil {
			if s.broken() {
				return err
			}
			s.w.Log.Error("messages left in the mailbox, to move again", "messages", len(b.dests[dest]), "err", err)
		}
	}
	return nil
}

func (s *session) dest(out intake.Outcome) string {
	if out.Quarantined() {
		return s.w.Quarantine
	}
	return s.w.Processed
}

func uint32s(uids []imap.UID) []uint32 {
	out := make([]uint32, len(uids))
	for i, uid := range uids {
		out[i] = uint32(uid)
	}
	return out
}

// broken reports whether the connection is gone.
func (s *session) broken() bool {
	select {
	case <-s.c.Closed():
		return true
	default:
		return false
	}
}

// bodies yields the messages of uids, streamed by one UID FETCH of the set
// with each message's INTERNALDATE — the received time of a report, never
// the sender's Date header (SPEC 4.1). A message whose body the server
// sends before its UID or date (servers choose the order) is fetched
// again alone afterwards; one the server no longer has (another client
// expunged it) is left out. The fetch's failure is left in *ferr.
func (s *session) bodies(uids []imap.UID, ferr *error) iter.Seq[intake.Source] {
	return func(yield func(intake.Source) bool) {
		done := map[imap.UID]bool{}
		stopped := false
		cmd := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, InternalDate: true,
			BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			var uid imap.UID
			var received time.Time
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					uid = item.UID
				case imapclient.FetchItemDataInternalDate:
					received = item.Time
				case imapclient.FetchItemDataBodySection:
					if stopped || item.Literal == nil || uid == 0 || received.IsZero() || done[uid] {
						continue // msg.Next discards the body
					}
					done[uid] = true
					stopped = !yield(s.source(uid, received, item.Literal))
				}
			}
		}
		if err := cmd.Close(); err != nil {
			*ferr = fmt.Errorf("imap fetch: %w", err)
			return
		}
		for _, uid := range uids {
			if stopped || done[uid] {
				continue
			}
			if err := s.fetchOne(uid, func(src intake.Source) { stopped = !yield(src) }); err != nil {
				*ferr = err
				return
			}
		}
	}
}

func (s *session) source(uid imap.UID, received time.Time, body imap.LiteralReader) intake.Source {
	return intake.Source{Mailbox: s.w.Mailbox, UIDValidity: s.uidValidity, UID: uint32(uid), ReceivedAt: received,
		Body: &literal{r: body, left: body.Size(), broken: func() { s.c.Close() }}}
}

// literal reads a message's body to the size the server announced: a
// connection closed cleanly before its end (the server, or a middlebox,
// going away in the middle of a FETCH) fails the read rather than ending
// it, so that the part read is never taken for the whole message.
//
// A read that fails before the end calls broken, which closes the
// connection, before it returns: go-imap's reader goroutine goes on
// decoding the stream once a body's read fails, while the fetch's next
// step (FetchMessageData.Next) reads what is left of that body from the
// same buffer. The client's Close returns once its reader has ended, so
// that the buffer is read by one goroutine at a time; and a stream cut in
// the middle of a body cannot be read on anyway.
type literal struct {
	r      io.Reader
	left   int64
	broken func()
}

func (l *literal) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err == nil || err == io.EOF && l.left <= 0 {
		return n, err
	}
	l.broken()
	if err == io.EOF {
		err = fmt.Errorf("imap fetch: the connection ended %d bytes before the message's end: %w", l.left, io.ErrUnexpectedEOF)
	}
	return n, err
}

// fetchOne streams one message, its date fetched first, to fn; a message
// the server no longer has is left out.
func (s *session) fetchOne(uid imap.UID, fn func(intake.Source)) error {
	msgs, err := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, InternalDate: true}).Collect()
	if err != nil {
		return fmt.Errorf("imap fetch date %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return nil
	}
	received := msgs[0].InternalDate
	if received.IsZero() {
		received = time.Now()
	}
	cmd := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	read := false
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil && !read {
				read = true
				fn(s.source(uid, received, body.Literal))
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("imap fetch %d: %w", uid, err)
	}
	return nil
}

// move flags messages \Seen and moves them: with one MOVE of the set
// where the server has it; otherwise one COPY, and only once the copy
// succeeded, \Deleted and one UID EXPUNGE of the set (LIBRARY-NOTES:
// go-imap's own fallback can delete mail). Without UIDPLUS the messages
// are left flagged \Deleted, which the search skips, until expunge finds
// it safe to remove them.
func (s *session) move(uids []imap.UID, dest string) error {
	set := imap.UIDSetNum(uids...)
	seen := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := s.c.Store(set, seen, nil).Close(); err != nil {
		return fmt.Errorf("imap store \\Seen %v: %w", set, err)
	}
	caps := s.c.Caps()
	if caps.Has(imap.CapMove) {
		if _, err := s.c.Move(set, dest).Wait(); err != nil {
			return fmt.Errorf("imap move %v to %s: %w", set, dest, err)
		}
		return nil
	}
	if _, err := s.c.Copy(set, dest).Wait(); err != nil {
		return fmt.Errorf("imap copy %v to %s: %w", set, dest, err)
	}
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.c.Store(set, deleted, nil).Close(); err != nil {
		return fmt.Errorf("imap store \\Deleted %v: %w", set, err)
	}
	if caps.Has(imap.CapUIDPlus) {
		if err := s.c.UIDExpunge(set).Close(); err != nil {
			s.tidy = true // copied and flagged: expunge tries again
			return fmt.Errorf("imap uid expunge %v: %w", set, err)
		}
		return nil
	}
	for _, uid := range uids {
		s.moved[uid] = true
	}
	s.tidy = true
	return nil
}

// wait returns when there may be new mail: at once when the server says so
// during IDLE, and in any case after the poll interval (some servers' IDLE
// misses deliveries).
func (s *session) wait(ctx context.Context) error {
	timer := time.NewTimer(s.w.PollInterval)
	defer timer.Stop()
	if !s.c.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errors.New("imap connection closed")
		case <-timer.C:
			return nil
		}
	}
	idle, err := s.c.Idle()
	if err != nil {
		return fmt.Errorf("imap idle: %w", err)
	}
	var cause error
	select {
	case <-ctx.Done():
		cause = ctx.Err()
	case <-s.c.Closed():
		cause = errors.New("imap connection closed")
	case <-s.news:
	case <-timer.C:
	}
	if err := idle.Close(); err != nil && cause == nil {
		cause = fmt.Errorf("imap idle: %w", err)
	}
	if err := idle.Wait(); err != nil && cause == nil {
		cause = fmt.Errorf("imap idle: %w", err)
	}
	return cause
}

// expungeRecorded removes, with UIDPLUS, those of the messages flagged
// \Deleted whose outcome is recorded: a move that a crash or a dropped
// connection cut short after its COPY and \Deleted, before its UID
// EXPUNGE, or whose UID EXPUNGE failed. Another client's \Deleted
// messages are left alone.
func (s *session) expungeRecorded(ctx context.Context, deleted []imap.UID) error {
	s.tidy = false
	recorded, err := s.w.Processor.Recorded(ctx, s.w.Mailbox, s.uidValidity, uint32s(deleted))
	if err != nil || len(recorded) == 0 {
		return err
	}
	var ours []imap.UID
	for _, uid := range deleted {
		if _, ok := recorded[uint32(uid)]; ok {
			ours = append(ours, uid)
		}
	}
	if err := s.c.UIDExpunge(imap.UIDSetNum(ours...)).Close(); err != nil {
		if s.broken() {
			return fmt.Errorf("imap uid expunge %d moved messages: %w", len(ours), err)
		}
		// A server that refuses it (no right to expunge) does not stop
		// the intake: the messages are in their folder, and skipped here.
		s.w.Log.Error("moved messages left flagged \\Deleted in the mailbox", "mailbox", s.w.Mailbox, "messages", len(ours), "err", err)
		return nil
	}
	s.w.Log.Info("messages of a move cut short expunged", "mailbox", s.w.Mailbox, "messages", len(ours))
	return nil
}

// expunge removes the messages moved out and left flagged \Deleted: with
// UIDPLUS, those of a move cut short (expungeRecorded). On a server without
// UIDPLUS, every message moved is left flagged \Deleted — older Exchange and some hosted servers would
// otherwise keep every message ever processed in the mailbox. Without UID
// EXPUNGE only a plain EXPUNGE can, and it removes every \Deleted message
// of the mailbox, another client's too: so it is sent only when SEARCH
// DELETED finds nothing but messages we moved — this session's, or an
// earlier one's (their outcome is recorded; we flag a message \Deleted
// only after its copy succeeded). Otherwise the mailbox is left as it is
// and the watcher warns, once until an expunge succeeds again. A message
// another client flags \Deleted between the SEARCH and the EXPUNGE is
// removed with ours, as that client's own EXPUNGE would have removed it.
func (s *session) expunge(ctx context.Context) error {
	caps := s.c.Caps()
	if !s.tidy || caps.Has(imap.CapMove) {
		return nil
	}
	data, err := s.c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap search deleted: %w", err)
	}
	deleted := data.AllUIDs()
	if caps.Has(imap.CapUIDPlus) {
		return s.expungeRecorded(ctx, deleted)
	}
	var unknown []imap.UID
	for _, uid := range deleted {
		if !s.moved[uid] {
			unknown = append(unknown, uid)
		}
	}
	recorded, err := s.w.Processor.Recorded(ctx, s.w.Mailbox, s.uidValidity, uint32s(unknown))
	if err != nil {
		return err
	}
	others := len(unknown) - len(recorded)
	s.tidy = false
	if others > 0 {
		if s.w.expungeWarned.CompareAndSwap(false, true) {
			s.w.Log.Warn("processed messages not expunged: the server has no UIDPLUS, and the mailbox holds messages "+
				"another client flagged \\Deleted that a plain EXPUNGE would remove too; they stay flagged until that client expunges",
				"mailbox", s.w.Mailbox, "ours", len(deleted)-others, "others", others)
		}
		return nil
	}
	if len(deleted) == 0 {
		return nil
	}
	if err := s.c.Expunge().Close(); err != nil {
		if s.broken() {
			return fmt.Errorf("imap expunge: %w", err)
		}
		s.w.Log.Error("moved messages left flagged \\Deleted in the mailbox", "mailbox", s.w.Mailbox, "messages", len(deleted), "err", err)
		return nil
	}
	clear(s.moved)
	s.w.expungeWarned.Store(false)
	s.w.Log.Info("processed messages expunged", "mailbox", s.w.Mailbox, "messages", len(deleted))
	return nil
}
