package mailer

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// outcomes are the results of a batch's sends, recorded together: the
// bytes of each accepted mail are archived as blobs made durable at once,
// then every acceptance, retry and failure of the batch is written by one
// transaction, the acceptances with a statement for many (Tx.MailsSent),
// or, where that transaction fails, by one transaction a report, each
// failing alone. A process stopped before the record sends the
// batch's accepted mails again, with their Message-IDs (SPEC 8.2): only
// mails whose acceptance was not yet recorded, at most two batches (one
// is recorded while the next is sent).
type outcomes struct {
	w     *Worker
	blobs *store.BlobBatch
	list  []outcome
	// keep, while set (background), takes each outcome noted to the
	// goroutine that archives and lists them, in the order noted.
	keep chan func()
}

// outcome is one mail's record to write.
type outcome struct {
	mail    store.Mail
	sentKey string    // the archive of the accepted bytes
	sent    bool      // accepted, at time at
	next    time.Time // retried at next
	cause   error     // why it was retried or failed
	at      time.Time
}

// newOutcomes returns the outcomes of a batch of n mails, with room for
// theirs: each outcome holds its mail, some 400 bytes, and a list grown
// by doubling would copy the batch's outcomes about twice over.
func (w *Worker) newOutcomes(n int) *outcomes {
	return &outcomes{w: w, blobs: w.DB.Blobs().Batch(), list: make([]outcome, 0, n)}
}

// background has the outcomes noted from now on kept by a goroutine of
// their own, in the order noted: an accepted mail's bytes are archived
// there while the sender goes on with the next mail, on the other core.
// The function it returns waits until every outcome noted is kept, and
// ends the goroutine; the outcomes are read only after it.
func (o *outcomes) background() (wait func()) {
	o.keep = make(chan func(), renderAhead)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range o.keep {
			f()
		}
	}()
	return func() {
		close(o.keep)
		<-done
		o.keep = nil
	}
}

// note keeps an outcome: in the background when there is one.
func (o *outcomes) note(f func()) {
	if o.keep != nil {
		o.keep <- f
		return
	}
	f()
}

// accepted archives the bytes the server accepted, then closes them, and
// records the send. m is the mail of the batch's rendering, which nothing
// changes once it is rendered: the goroutine that archives reads it there
// rather than from a copy the closure would move to the heap (a mail is
// some 400 bytes).
func (o *outcomes) accepted(m *store.Mail, body *spill) {
	at := o.w.now()
	o.note(func() {
		key, err := archiveTo(o.blobs, body)
		body.close()
		if err != nil {
			o.w.Log.Error("sent mail not archived", "mail", m.ID, "err", err)
		}
		o.w.logSent(*m)
		o.list = append(o.list, outcome{mail: *m, sent: true, sentKey: key, at: at})
	})
}

// logSent writes the log's line of a mail sent, as Logger.Info writes
// it, its fields typed: a line a mail, which neither the caller's program
// counter (the daemon's handlers add no source) nor the boxing of its
// values into interfaces is worth.
func (w *Worker) logSent(m store.Mail) {
	ctx := context.Background()
	h := w.Log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "mail sent", 0)
	r.AddAttrs(slog.Int64("mail", m.ID), slog.String("kind", m.Kind), slog.String("report", m.ReportCode), slog.String("role", m.Role))
	h.Handle(ctx, r)
}

func archiveTo(blobs *store.BlobBatch, body *spill) (string, error) {
	r, err := body.reader()
	if err != nil {
		return "", err
	}
	b, err := blobs.Create()
	if err != nil {
		return "", err
	}
	// Nothing looks a mail we sent up by its content: the export, an
	// erasure and the retention read it by its reference, and a bounce is
	// matched by its Message-ID.
	b.Unhashed()
	if _, err := io.Copy(b, r); err != nil {
		b.Abort()
		return "", err
	}
	return b.Commit()
}

// holds reports whether the outcome of the mail with id is among those
// to record; nil outcomes hold none.
func (o *outcomes) holds(id int64) bool {
	return o != nil && slices.ContainsFunc(o.list, func(r outcome) bool { return r.mail.ID == id })
}

// size is how many outcomes there are to record.
func (o *outcomes) size() int {
	if o == nil {
		return 0
	}
	return len(o.list)
}

// retry records a failed attempt, to try again after the backoff.
func (o *outcomes) retry(m store.Mail, cause error) {
	next := o.w.now().Add(Backoff(m.Attempts, o.w.RetryMax))
	o.note(func() { o.list = append(o.list, outcome{mail: m, cause: cause, next: next}) })
}

// failed records that the mail will never go.
func (o *outcomes) failed(m store.Mail, cause error) {
	o.note(func() { o.list = append(o.list, outcome{mail: m, cause: cause}) })
}

func (r outcome) record(tx *store.Tx) error {
	switch {
	case r.sent:
		return tx.MailSent(r.mail, r.at, r.sentKey)
	case r.next.IsZero():
		return tx.MailFailed(r.mail.ID, r.cause.Error())
	default:
		return tx.MailRetry(r.mail.ID, r.next, r.cause.Error())
	}
}

// flush writes the records, even while ctx is being cancelled: a mail the
// server accepted must be recorded as sent if at all possible. The
// outcomes it could not record stay, for another flush.
func (o *outcomes) flush(ctx context.Context) error {
	if len(o.list) == 0 {
		return nil
	}
	if err := o.blobs.Sync(); err != nil {
		o.w.Log.Error("sent mail not archived", "mails", len(o.list), "err", err)
		o.blobs.Close()
		for i := range o.list {
			o.list[i].sentKey = "" // not durable: name nothing
		}
	}
	// The groups hold the outcomes' places in the list, not copies of
	// them.
	groups := o.groups()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if errs := o.w.DB.WriteEach(ctx, o.recordTogether(groups)); errs[0] == nil {
		o.list = o.list[:0]
		return nil
	}
	// Something the records together do not cover (a mail gone from the
	// outbox, a report erased since it was read), or a failure.
	return o.recordEach(ctx, groups)
}

// recordEach writes the records of each group in a transaction of its
// own, which looks up the report's data key once, so that one failing
// does not keep the others from being written; the outcomes of the groups
// that failed stay, for another flush.
func (o *outcomes) recordEach(ctx context.Context, groups [][]int) error {
	fns := make([]func(*store.Tx) error, len(groups))
	for i, g := range groups {
		fns[i] = func(tx *store.Tx) error {
			for _, k := range g {
				// A mail no longer in the outbox (erased) has nothing to
				// record.
				if err := o.list[k].record(tx); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
			return nil
		}
	}
	errs := o.w.DB.WriteEach(ctx, fns...)
	var again []outcome // to record again
	for i, err := range errs {
		if err != nil {
			for _, k := range groups[i] {
				again = append(again, o.list[k])
			}
		}
	}
	o.list = append(o.list[:0], again...)
	return errors.Join(errs...)
}

// recordTogether is the transaction that writes the records of every
// group in order, the mails accepted with one statement for many
// (Tx.MailsSent), which records them only together; a mail's retry or
// failure is written alone, after the sent mails before it, as record
// writes it. It fails where the transactions of each group would not all
// succeed, and then records nothing.
func (o *outcomes) recordTogether(groups [][]int) func(*store.Tx) error {
	return func(tx *store.Tx) error {
		sent := make([]store.Sent, 0, len(o.list))
		for _, g := range groups {
			for _, k := range g {
				r := &o.list[k]
				if r.sent {
					sent = append(sent, store.Sent{Mail: r.mail, At: r.at, Key: r.sentKey})
					continue
				}
				if err := tx.MailsSent(sent); err != nil {
					return err
				}
				sent = sent[:0]
				if err := r.record(tx); err != nil {
					return err
				}
			}
		}
		return tx.MailsSent(sent)
	}
}

// groups returns the places in the list of the outcomes of each report's
// mails, and of each mail about no report alone, in the order of their
// first outcome.
func (o *outcomes) groups() [][]int {
	var groups [][]int
	byReport := make(map[int64]int, len(o.list))
	for k, r := range o.list {
		i, ok := byReport[r.mail.ReportID]
		if !ok || r.mail.ReportID == 0 {
			i = len(groups)
			byReport[r.mail.ReportID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], k)
	}
	return groups
}
