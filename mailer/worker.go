package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/mail"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"

	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/store"
)

// SMTP says how to reach the submission server.
type SMTP struct {
	Host     string
	Port     int
	TLS      string // "none", "starttls" or "tls"
	Username string
	Password string
	RootCAs  *x509.CertPool // nil: the system's
	// Timeout bounds each wait of a session: a connection, a command's
	// reply, a block of a mail's data written; not a whole mail, which
	// over a slow link may take longer.
	Timeout time.Duration

	// dialer opens the connection (net.Dialer's when nil): tests give the
	// socket a small send buffer.
	dialer gomail.DialContextFunc
}

// Worker sends the outbox's due mail, oldest first, on a few SMTP
// sessions kept open for mail after mail (sessions): each recipient's
// mails of a batch go on one session, in their order; each mail is
// rendered ahead of its send, and the outcomes of a batch are recorded
// together.
type Worker struct {
	DB        *store.DB
	Templates func() *Templates // the current set (reloaded on SIGHUP), its line starts encoded
	From      Sender
	SMTP      SMTP
	Log       *slog.Logger
	// RetryMax caps the wait between two attempts of one mail.
	RetryMax time.Duration
	// Poll is how often the outbox is looked at when nothing wakes the
	// worker (mail queued by another process, such as `phananh ingest`).
	Poll time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// AfterAccept, when set, is called when the server has accepted a
	// mail and its acceptance is not recorded yet (the next mail's
	// envelope may be on its way, sent behind the data): tests stop the
	// process there.
	AfterAccept func()

	// wake is made once (wakeOnce), by Run or by the first Wake: intake
	// and the schedule wake the worker from their own goroutines.
	wake     chan struct{}
	wakeOnce sync.Once
	// sess are the sessions, one a lane of a batch (lanes), each kept
	// open between batches and closed when idle; nil when closed.
	sess [sessions]*session
	// oneUntil is when the worker may ask the server for a second session
	// again, after it opened none.
	oneUntil time.Time
	// unrecorded are the outcomes that could not be recorded (the disk is
	// full): the outbox still holds those mails as due, and they are not
	// sent again; their records are written before each round.
	unrecorded *outcomes
	// stepwise makes sessions wait for each reply (tests of servers
	// without PIPELINING).
	stepwise bool
	// filesMissing counts the files found gone from the data folder as
	// mails were made ready (FilesMissing).
	filesMissing atomic.Int64
}

// FilesMissing is how many files of mail the worker found gone from the
// data folder since it started, a mail made ready again (after the SMTP
// server put it off) counting its files again: the figure monitoring
// alerts on, each mail having gone without its missing files (spoolFiles).
func (w *Worker) FilesMissing() int64 { return w.filesMissing.Load() }

// batch is the most mails read, sent and recorded together.
const batch = 100

// sessions is how many SMTP sessions the worker keeps, each with one
// mail in flight: while one waits for the server's reply to a mail,
// another's mail goes. Two are within what a relay allows a client
// (Postfix's smtpd_client_connection_count_limit is 50), and on two cores
// they keep the sender's turns from waiting for each other.
const sessions = 2

// idleHangUp is how long the session stays open with nothing to send:
// less than the five minutes after which servers close idle sessions.
const idleHangUp = time.Minute

// Wake tells the worker that mail was queued.
func (w *Worker) Wake() {
	select {
	case w.wakeChan() <- struct{}{}:
	default:
	}
}

func (w *Worker) wakeChan() chan struct{} {
	w.wakeOnce.Do(func() { w.wake = make(chan struct{}, 1) })
	return w.wake
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Run sends due mail until ctx is done.
func (w *Worker) Run(ctx context.Context) error {
	wake := w.wakeChan()
	poll := w.Poll
	if poll <= 0 {
		poll = 5 * time.Second
	}
	defer w.hangUp()
	for {
		_, err := w.sendDue(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("outbox", "err", err)
		}
		for l, s := range w.sess {
			if s != nil && time.Since(s.used) > idleHangUp {
				w.hangUpLane(l)
			}
		}
		wait := poll
		if next, nerr := w.nextAt(ctx); err == nil && nerr == nil && !next.IsZero() {
			wait = min(max(next.Sub(w.now()), 0), poll)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (w *Worker) nextAt(ctx context.Context) (time.Time, error) {
	var next time.Time
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		next, err = tx.NextMailAt()
		return err
	})
	return next, err
}

// SendDue sends every mail due now, over one SMTP connection, and returns
// how many the server accepted.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	defer w.hangUp()
	return w.sendDue(ctx)
}

// sendDue sends every mail due now, in batches, over the sessions kept
// open between calls. A batch's outcomes are recorded while the next
// batch is sent — its archives synced, its records waiting for the
// writer while the other's mails go out —, and the next batch's are
// recorded once they are: the records are written in the order sent, and
// a batch is sent only once the one before the last is recorded. The
// next batch is read and rendered while one is sent (prefetch), the mails
// of both left out of it.
func (w *Worker) sendDue(ctx context.Context) (int, error) {
	var unrecorded error
	if w.unrecorded != nil {
		if unrecorded = w.unrecorded.flush(ctx); unrecorded == nil {
			w.unrecorded = nil
		}
	}
	sent := 0
	var rec *recording // the batch before's outcomes, being recorded
	window := make(chan struct{}, renderAhead)
	due, err := w.readDue(ctx, w.held(nil, nil), nil)
	var rr *renderer // due's, when rendered ahead
	for {
		if err != nil || len(due) == 0 {
			return sent, errors.Join(err, unrecorded, w.recorded(rec))
		}
		var next *prefetch
		n, out := w.sendBatch(ctx, due, rr, window, func(cur *renderer) {
			next = w.prefetch(ctx, w.held(rec, due), window, cur)
		})
		sent += n
		err = w.recorded(rec)
		rec = w.record(ctx, out)
		if err != nil || n == 0 {
			next.discard()
			return sent, errors.Join(err, w.recorded(rec))
		}
		due, rr, err = next.wait()
	}
}

// held returns the ids of the mails the worker holds, which the outbox
// may still hold as due: those whose outcome could not be recorded, those
// of rec, being recorded, and the batch being sent.
func (w *Worker) held(rec *recording, sending []store.Mail) map[int64]bool {
	ids := make(map[int64]bool, w.unrecorded.size()+rec.size()+len(sending))
	if w.unrecorded != nil {
		for _, o := range w.unrecorded.list {
			ids[o.mail.ID] = true
		}
	}
	if rec != nil {
		maps.Copy(ids, rec.ids)
	}
	for _, m := range sending {
		ids[m.ID] = true
	}
	return ids
}

// readDue reads a batch of due mails, oldest first, leaving out those
// held, unread; after, when not nil, is the last mail of the batch being
// sent, and the mails before it are not read.
func (w *Worker) readDue(ctx context.Context, held map[int64]bool, after *store.Mail) ([]store.Mail, error) {
	var due []store.Mail
	skip := func(id int64) bool { return held[id] }
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		if after != nil {
			due, err = tx.DueMailAfter(w.now(), *after, batch, len(held), skip)
		} else {
			due, err = tx.DueMailExcept(w.now(), batch, len(held), skip)
		}
		return err
	})
	return due, err
}

// prefetch is the next batch read and rendered ahead while one is sent.
type prefetch struct {
	due  []store.Mail
	rr   *renderer
	err  error
	done chan struct{}
}

// prefetch reads the next batch — the due mails past the last of the
// batch being sent, leaving out the mails held — and starts rendering it
// in the window the batch being sent renders in, once that batch's
// renderer (after) has taken its last mail. A mail queued since with a
// due time before the last one's (a clock set back, or a time taken before
// a transaction that committed later) is read by the next call of sendDue.
func (w *Worker) prefetch(ctx context.Context, held map[int64]bool, window chan struct{}, after *renderer) *prefetch {
	p := &prefetch{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.due, p.err = w.readDue(ctx, held, &after.rs[len(after.rs)-1].mail)
		if p.err == nil && len(p.due) > 0 {
			p.rr = w.renderAll(p.due, window, after)
		}
	}()
	return p
}

// wait returns the batch read, and its renderer; none for a nil prefetch.
func (p *prefetch) wait() ([]store.Mail, *renderer, error) {
	if p == nil {
		return nil, nil, nil
	}
	<-p.done
	return p.due, p.rr, p.err
}

// discard drops the batch read, its mails left due.
func (p *prefetch) discard() {
	if _, rr, _ := p.wait(); rr != nil {
		rr.close()
	}
}

// sendBatch sends a batch's mails on the sessions, each session its
// lane's mails one after another (lanes), each mail rendered ahead on
// another core, and returns their outcomes, to record; an accepted mail's
// bytes are archived in the background (outcomes.background) while the
// next mail goes. rr renders the batch when it was rendered ahead; started
// is called once the first session is open, with the batch's renderer. A
// first session that cannot be opened delays all the batch's mails (the
// server is unreachable); when a second cannot, the batch goes on the
// first; a refusal delays or fails just that mail.
func (w *Worker) sendBatch(ctx context.Context, due []store.Mail, rr *renderer, window chan struct{}, started func(*renderer)) (int, *outcomes) {
	out := w.newOutcomes(len(due))
	if err := w.connect(ctx, 0); err != nil {
		w.Log.Warn("smtp unreachable, mail delayed", "server", w.SMTP.Host, "queued", len(due), "err", err)
		for _, m := range due {
			out.retry(m, err)
		}
		if rr != nil {
			rr.close()
		}
		return 0, out
	}
	if rr == nil {
		rr = w.renderAll(due, window, nil)
	}
	started(rr)
	kept := out.background()
	var sent atomic.Int64
	var wg sync.WaitGroup
	ls := lanes(due, sessions)
	if len(ls[1]) > 0 && w.more(ctx) < sessions {
		ls = lanes(due, 1)
	}
	for l, lane := range ls {
		if len(lane) > 0 {
			wg.Go(func() { sent.Add(int64(w.sendLane(ctx, l, lane, rr, out))) })
		}
	}
	wg.Wait()
	rr.close()
	kept()
	return int(sent.Load()), out
}

// more opens the sessions after the first, and returns how many are
// open: all, or one when the server would not open another (a relay that
// limits its clients' connections), which is not asked again for
// idleHangUp.
func (w *Worker) more(ctx context.Context) int {
	if time.Now().Before(w.oneUntil) {
		return 1
	}
	for l := 1; l < sessions; l++ {
		if err := w.connect(ctx, l); err != nil {
			w.Log.Info("the smtp server opened no second session: mail sent on one", "server", w.SMTP.Host, "err", logSafe(err))
			w.oneUntil = time.Now().Add(idleHangUp)
			w.hangUpLane(l)
			return 1
		}
	}
	return sessions
}

// sendLane sends the mails of a lane, the indexes into the batch, on
// session l, and returns how many the server accepted; a session that
// fails is opened again for the next mail, as one mail's failure.
func (w *Worker) sendLane(ctx context.Context, l int, lane []int, rr *renderer, out *outcomes) int {
	sent := 0
	for k, i := range lane {
		if ctx.Err() != nil {
			break
		}
		next := -1
		if k+1 < len(lane) {
			next = lane[k+1]
		}
		if w.deliver(ctx, l, rr.next(i), rr.envelope(next), out) {
			sent++
		}
		rr.done(i)
	}
	return sent
}

// mailboxOf is the mailbox an outbox recipient's mail is delivered to
// (fold.Mailbox: "An+1@x.vn" and "an@x.vn" are one), which lanes keeps
// in one lane.
func mailboxOf(to string) string {
	if a, err := mail.ParseAddress(to); err == nil {
		to = a.Address
	}
	return fold.Mailbox(to)
}

// lanes shares a batch's mails out between n sessions: each recipient's
// mails (each mailbox's: mailboxOf) in one lane, so that they reach the server in their order (the
// batches are sent one after the other), the recipients with the most
// mails first, each to the lane with the fewest so far. A lane lists its
// mails' indexes in the batch in order: oldest first.
func lanes(due []store.Mail, n int) [][]int {
	type group struct{ idx []int }
	var groups []*group
	byRcpt := make(map[string]*group)
	for i, m := range due {
		k := mailboxOf(m.To)
		g := byRcpt[k]
		if g == nil {
			g = &group{}
			byRcpt[k] = g
			groups = append(groups, g)
		}
		g.idx = append(g.idx, i)
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return len(b.idx) - len(a.idx) })
	out := make([][]int, n)
	for _, g := range groups {
		l := 0
		for j := range out {
			if len(out[j]) < len(out[l]) {
				l = j
			}
		}
		out[l] = append(out[l], g.idx...)
	}
	for _, lane := range out {
		slices.Sort(lane)
	}
	return out
}

// recording is a batch's outcomes being recorded in the background.
type recording struct {
	out  *outcomes // the flush's until done
	ids  map[int64]bool
	err  error
	done chan struct{}
}

// record starts recording a batch's outcomes.
func (w *Worker) record(ctx context.Context, out *outcomes) *recording {
	r := &recording{out: out, ids: make(map[int64]bool, len(out.list)), done: make(chan struct{})}
	for _, o := range out.list {
		r.ids[o.mail.ID] = true
	}
	go func() {
		defer close(r.done)
		r.err = out.flush(ctx)
	}()
	return r
}

// recorded waits for r's records; those it could not write are kept in
// w.unrecorded. A nil recording has none.
func (w *Worker) recorded(r *recording) error {
	if r == nil {
		return nil
	}
	<-r.done
	switch {
	case r.err == nil:
	case w.unrecorded == nil:
		w.unrecorded = r.out
	default:
		w.unrecorded.list = append(w.unrecorded.list, r.out.list...)
	}
	return r.err
}

// size is how many mails' outcomes r records.
func (r *recording) size() int {
	if r == nil {
		return 0
	}
	return len(r.ids)
}

// holds reports whether r records the outcome of the mail with id: the
// outbox may still hold it as due.
func (r *recording) holds(id int64) bool { return r != nil && r.ids[id] }

// needsUTF8 reports whether an envelope address is not all ASCII: only
// then does a mail ask for SMTPUTF8 (RFC 6531 asks it only of mail that
// needs it, and a server returns the mail that it cannot deliver with a
// DSN in the format the submission asked for: RFC 3464, or RFC 6533's
// global one).
func needsUTF8(addrs ...string) bool {
	for _, a := range addrs {
		for i := 0; i < len(a); i++ {
			if a[i] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// deliver sends one rendered mail and notes its outcome; next gives the
// envelope of the mail sent after it, if any (session.send). It reports
// whether the server accepted it.
func (w *Worker) deliver(ctx context.Context, l int, r *rendering, next func() *smtpEnvelope, out *outcomes) bool {
	m := r.mail
	switch {
	case r.fatal:
		out.failed(m, r.err)
		return false
	case r.err != nil:
		out.retry(m, r.err)
		return false
	}
	err := w.transmit(ctx, l, r, next)
	var serr *sendError
	switch {
	case err == nil:
		if w.AfterAccept != nil {
			w.AfterAccept()
		}
		out.accepted(&r.mail, r.body)
		r.body = nil // the outcomes close it once archived
		return true
	case errors.As(err, &serr) && serr.permanent() && serr.stage == "mail":
		// Our sender refused is the same for every mail and nothing of
		// this one's: it waits, as in an outage, until the server's
		// administrator puts the account right.
		w.Log.Error("the smtp server refuses our sender: mail delayed", "mail", m.ID, "kind", m.Kind, "code", serr.code())
		out.retry(m, err)
	case errors.As(err, &serr) && serr.permanent():
		w.Log.Error("mail refused", "mail", m.ID, "kind", m.Kind, "code", serr.code())
		out.failed(m, err)
	default:
		w.Log.Warn("mail delayed", "mail", m.ID, "kind", m.Kind, "attempt", m.Attempts+1, "err", logSafe(err))
		out.retry(m, err)
	}
	return false
}

// transmit sends a mail on session l, opening a new one first when the
// last failed. A session the server closed while it was idle is found out
// by the mail's first command, which it never took: the mail goes again
// at once on a new session.
func (w *Worker) transmit(ctx context.Context, l int, r *rendering, next func() *smtpEnvelope) error {
	for attempt := 0; ; attempt++ {
		if err := w.connect(ctx, l); err != nil {
			return err
		}
		body, err := r.body.reader()
		if err != nil {
			return err
		}
		err = w.sess[l].send(ctx, r.env, body, next)
		var serr *sendError
		if err == nil || attempt > 0 || !errors.As(err, &serr) || !serr.unsent() {
			return err
		}
	}
}

// connect opens session l unless it is open and sound.
func (w *Worker) connect(ctx context.Context, l int) error {
	if s := w.sess[l]; s != nil && !s.broken {
		return nil
	}
	w.hangUpLane(l)
	s, err := w.SMTP.open(ctx)
	if err != nil {
		return err
	}
	s.stepwise = w.stepwise
	w.sess[l] = s
	return nil
}

// hangUp closes the sessions.
func (w *Worker) hangUp() {
	for l := range w.sess {
		w.hangUpLane(l)
	}
}

// hangUpLane closes session l, if open.
func (w *Worker) hangUpLane(l int) {
	if s := w.sess[l]; s != nil {
		s.close()
		w.sess[l] = nil
	}
}

// logSafe describes an error for the log without the addresses its text
// may hold: for the server's refusal, the SMTP reply code (go-mail's error
// text lists the recipients); otherwise the error with every quoted value
// and anything shaped like an address left out (net/mail quotes the
// address it could not parse). The full text is kept, sealed, with the
// mail.
func logSafe(err error) string {
	var serr *gomail.SendError
	if errors.As(err, &serr) {
		return fmt.Sprintf("%s: smtp %d %s", serr.Reason, serr.ErrorCode(), serr.EnhancedStatusCode())
	}
	s := quoted.ReplaceAllString(err.Error(), `"…"`)
	return addressLike.ReplaceAllString(s, "…")
}

var (
	quoted      = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	addressLike = regexp.MustCompile(`[^\s"<>()\[\],;:]*@[^\s"<>()\[\],;:]*`)
)

// Backoff is the wait before attempt number attempts+1: 30 seconds doubling
// up to limit, with a tenth of jitter so that a recovered server is not hit
// by every mail at once.
func Backoff(attempts int, limit time.Duration) time.Duration {
	d := min(30*time.Second, limit)
	for range min(attempts, 20) {
		d *= 2
		if d >= limit {
			d = limit
			break
		}
	}
	return d - time.Duration(rand.Int64N(int64(d/10)+1))
}

// client makes a client for the submission server; utf8 says whether it
// asks for SMTPUTF8 when the server offers it.
func (s SMTP) client(utf8 bool) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.Timeout), gomail.WithoutNoop(),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12})}
	if !utf8 {
		opts = append(opts, gomail.WithoutSMTPUTF8())
	}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp: unknown tls mode %q", s.TLS)
	}
	if s.dialer != nil {
		opts = append(opts, gomail.WithDialContextFunc(s.dialer))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return c, nil
}
