package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// errVanished: the message was expunged by someone else before we read it.
var errVanished = errors.New("message vanished")

const datesBatch = 200

// processAll handles every message in the mailbox not flagged \Deleted,
// oldest first. A message whose processing fails is left in place and tried
// again next round; it never blocks the ones behind it. A connection
// failure ends the session.
func (s *session) processAll(ctx context.Context) error {
	data, err := s.c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap search: %w", err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	for len(uids) > 0 {
		chunk := uids[:min(len(uids), datesBatch)]
		uids = uids[len(chunk):]
		dates, err := s.internalDates(chunk)
		if err != nil {
			return err
		}
		for _, uid := range chunk {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := s.handle(ctx, uid, dates[uid]); err != nil {
				if s.broken() {
					return err
				}
				s.w.Log.Error("message left in the mailbox, to try again", "uid", uid, "err", err)
			}
		}
	}
	return s.expunge(ctx)
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

// internalDates fetches when the server received each message: the
// received time of a report, never the sender's Date header (SPEC 4.1).
func (s *session) internalDates(uids []imap.UID) (map[imap.UID]time.Time, error) {
	msgs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, InternalDate: true}).Collect()
	if err != nil {
		return nil, fmt.Errorf("imap fetch dates: %w", err)
	}
	dates := make(map[imap.UID]time.Time, len(msgs))
	for _, m := range msgs {
		dates[m.UID] = m.InternalDate
	}
	return dates, nil
}

// handle processes one message, unless it was processed before a crash,
// and moves it to its folder.
func (s *session) handle(ctx context.Context, uid imap.UID, received time.Time) error {
	out, seen, err := s.w.Processor.Seen(ctx, s.w.Mailbox, s.uidValidity, uint32(uid))
	if err != nil {
		return err
	}
	if !seen {
		out, err = s.fetch(ctx, uid, received)
		if errors.Is(err, errVanished) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	if s.w.BeforeMove != nil {
		s.w.BeforeMove(uint32(uid))
	}
	dest := s.w.Processed
	if out.Quarantined() {
		dest = s.w.Quarantine
	}
	return s.move(uid, dest)
}

// fetch streams one message's body into the pipeline.
func (s *session) fetch(ctx context.Context, uid imap.UID, received time.Time) (intake.Outcome, error) {
	if received.IsZero() {
		received = time.Now()
	}
	cmd := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	var out intake.Outcome
	var perr error
	processed := false
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			body, ok := item.(imapclient.FetchItemDataBodySection)
			if !ok || processed || body.Literal == nil {
				continue
			}
			processed = true
			out, perr = s.w.Processor.Process(ctx, intake.Source{
				Mailbox: s.w.Mailbox, UIDValidity: s.uidValidity, UID: uint32(uid), ReceivedAt: received, Body: body.Literal,
			})
		}
	}
	if err := cmd.Close(); err != nil {
		return out, fmt.Errorf("imap fetch %d: %w", uid, err)
	}
	if !processed {
		return out, errVanished
	}
	return out, perr
}

// move flags a message \Seen and moves it: with MOVE where the server has
// it; otherwise COPY, and only once the copy succeeded, \Deleted and UID
// EXPUNGE of that one message (LIBRARY-NOTES: go-imap's own fallback can
// delete mail). Without UIDPLUS the message is left flagged \Deleted, which
// the search skips, until expunge finds it safe to remove.
func (s *session) move(uid imap.UID, dest string) error {
	set := imap.UIDSetNum(uid)
	seen := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := s.c.Store(set, seen, nil).Close(); err != nil {
		return fmt.Errorf("imap store \\Seen %d: %w", uid, err)
	}
	caps := s.c.Caps()
	if caps.Has(imap.CapMove) {
		if _, err := s.c.Move(set, dest).Wait(); err != nil {
			return fmt.Errorf("imap move %d to %s: %w", uid, dest, err)
		}
		return nil
	}
	if _, err := s.c.Copy(set, dest).Wait(); err != nil {
		return fmt.Errorf("imap copy %d to %s: %w", uid, dest, err)
	}
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.c.Store(set, deleted, nil).Close(); err != nil {
		return fmt.Errorf("imap store \\Deleted %d: %w", uid, err)
	}
	if caps.Has(imap.CapUIDPlus) {
		if err := s.c.UIDExpunge(set).Close(); err != nil {
			return fmt.Errorf("imap uid expunge %d: %w", uid, err)
		}
		return nil
	}
	s.moved[uid], s.tidy = true, true
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

// expunge removes, on a server without UIDPLUS, the messages moved out and
// left flagged \Deleted — older Exchange and some hosted servers would
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
	if !s.tidy || caps.Has(imap.CapMove) || caps.Has(imap.CapUIDPlus) {
		return nil
	}
	data, err := s.c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap search deleted: %w", err)
	}
	deleted := data.AllUIDs()
	others := 0
	for _, uid := range deleted {
		if s.moved[uid] {
			continue
		}
		_, seen, err := s.w.Processor.Seen(ctx, s.w.Mailbox, s.uidValidity, uint32(uid))
		if err != nil {
			return err
		}
		if !seen {
			others++
		}
	}
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
		return fmt.Errorf("imap expunge: %w", err)
	}
	clear(s.moved)
	s.w.expungeWarned.Store(false)
	s.w.Log.Info("processed messages expunged", "mailbox", s.w.Mailbox, "messages", len(deleted))
	return nil
}
