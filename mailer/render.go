package mailer

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// rendering is one mail made ready ahead of its send, on its own
// goroutine: composed from its template, with its files, written out as
// the exact bytes the server will be given.
type rendering struct {
	mail store.Mail
	env  *smtpEnvelope
	body *spill
	// err is set when the mail cannot go now; fatal when it never will
	// (it does not render). A file gone from the data folder is no such
	// error: the mail goes without it (spoolFiles).
	err   error
	fatal bool
	done  chan struct{}
	sent  bool // done with: sent, or noted as not sent (renderer.done)
}

// render makes one mail ready to send, logging why it cannot be.
func (w *Worker) render(r *rendering) {
	m := r.mail
	files, left, release, err := w.spoolFiles(m)
	if err != nil {
		w.Log.Warn("mail's files unreadable, mail delayed", "mail", m.ID, "kind", m.Kind, "err", err)
		r.err = err
		return
	}
	defer release()
	msg, err := w.compose(m, left, len(files))
	if err != nil {
		// A mail that cannot be rendered will not render next time either.
		w.Log.Error("mail cannot be rendered", "mail", m.ID, "kind", m.Kind, "err", logSafe(err))
		r.err, r.fatal = err, true
		return
	}
	defer msg.Release()
	if err := attach(msg, files); err != nil {
		w.Log.Warn("mail's files unreadable, mail delayed", "mail", m.ID, "kind", m.Kind, "err", err)
		r.err = fmt.Errorf("mail %d: %w", m.ID, err)
		return
	}
	r.env = &smtpEnvelope{from: msg.From, rcpts: msg.Rcpts, utf8: needsUTF8(w.From.Address, m.To)}
	r.body = &spill{dir: w.DB.Blobs().TempDir()}
	if _, err := msg.WriteTo(r.body); err != nil {
		w.Log.Warn("mail cannot be written out, mail delayed", "mail", m.ID, "kind", m.Kind, "err", err)
		r.body.close()
		r.body, r.err = nil, fmt.Errorf("mail %d: %w", m.ID, err)
	}
}

// compose composes a mail whose files left out (spoolFiles) its notice
// names as kept at the Center, or as unavailable when gone from the data
// folder; carried is how many it still carries.
func (w *Worker) compose(m store.Mail, left []templates.LeftOut, carried int) (*Message, error) {
	data, err := templates.WithoutFiles(m.Kind, m.Data, left, carried)
	if err != nil {
		return nil, fmt.Errorf("mail %d: %w", m.ID, err)
	}
	m.Data = data
	return w.Templates().Compose(w.From, m)
}

// renderAhead bounds the mails rendered and not yet sent, those of the
// batch being sent and of the next one rendered ahead together.
const renderAhead = 32

// renderer renders a batch's mails in order on every core but one, at
// most renderAhead ahead of the senders (its window, which the next
// batch's renderer shares): the senders' turns — a mail written, the
// server's reply read, each a wake-up — are what a batch's pace is bound
// by, and renderers on every core kept them waiting for a processor, the
// longest at a batch's start while they filled the window.
type renderer struct {
	w      *Worker
	rs     []*rendering
	ahead  chan struct{} // the window: a token a mail rendered and not sent
	stop   chan struct{}
	wg     sync.WaitGroup
	handed int // the next mail given to a rendering goroutine, under mu
	mu     sync.Mutex
}

// renderAll starts rendering due in window; after, when not nil, is the
// renderer of the batch before, which takes each of its mails first.
func (w *Worker) renderAll(due []store.Mail, window chan struct{}, after *renderer) *renderer {
	rr := &renderer{w: w, rs: make([]*rendering, len(due)), ahead: window, stop: make(chan struct{})}
	for i, m := range due {
		rr.rs[i] = &rendering{mail: m, done: make(chan struct{})}
	}
	for range min(max(runtime.GOMAXPROCS(0)-1, 1), len(due)) {
		rr.wg.Go(func() {
			if after != nil {
				after.wg.Wait()
			}
			rr.work()
		})
	}
	return rr
}

// work renders the next mail not yet taken, while the window allows.
func (rr *renderer) work() {
	for {
		select {
		case rr.ahead <- struct{}{}:
		case <-rr.stop:
			return
		}
		rr.mu.Lock()
		i := rr.handed
		rr.handed++
		rr.mu.Unlock()
		if i >= len(rr.rs) {
			<-rr.ahead
			return
		}
		rr.w.render(rr.rs[i])
		close(rr.rs[i].done)
	}
}

// next waits for mail i, in order; the caller calls done(i) when it has
// sent it.
func (rr *renderer) next(i int) *rendering {
	<-rr.rs[i].done
	return rr.rs[i]
}

// envelope returns a function that waits for mail i and gives its
// envelope, nil when it cannot go now or i is -1 (no mail): the mail sent
// after another on its session, whose envelope may go ahead of it.
func (rr *renderer) envelope(i int) func() *smtpEnvelope {
	if i < 0 || i >= len(rr.rs) {
		return nil
	}
	return func() *smtpEnvelope {
		if r := rr.next(i); r.err == nil {
			return r.env
		}
		return nil
	}
}

// done releases mail i's bytes and makes room for another rendering.
func (rr *renderer) done(i int) {
	if b := rr.rs[i].body; b != nil {
		b.close()
	}
	rr.rs[i].sent = true
	<-rr.ahead
}

// close stops rendering and releases what was rendered and not sent, and
// its room in the window. The senders are done: it reads what they wrote.
func (rr *renderer) close() {
	close(rr.stop)
	rr.wg.Wait()
	rr.mu.Lock()
	handed := rr.handed
	rr.mu.Unlock()
	for _, r := range rr.rs[:min(handed, len(rr.rs))] {
		if r.sent {
			continue
		}
		if b := r.body; b != nil {
			b.close()
		}
		<-rr.ahead
	}
}

// spillAt is the size past which a mail's bytes go to a temporary file
// rather than memory: mail with photos and documents is never held whole
// in memory.
const spillAt = 1 << 20

// spill holds bytes: in memory up to limit (spillAt when 0), beyond that in
// an encrypted temporary file of the data folder, unlinked at once
// (tempFile): no clear text on the disk, nothing left behind.
type spill struct {
	dir   string
	limit int
	mem   *bytes.Buffer // from buffers
	f     *tempFile
}

// buffers are the memory of spills, used in turn: a mail would otherwise
// allocate its buffer anew, doubling it as it grows.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (s *spill) Write(p []byte) (int, error) {
	limit := s.limit
	if limit == 0 {
		limit = spillAt
	}
	if s.mem == nil && s.f == nil {
		s.mem = buffers.Get().(*bytes.Buffer)
	}
	if s.f == nil && s.mem.Len()+len(p) <= limit {
		return s.mem.Write(p)
	}
	if s.f == nil {
		f, err := newTempFile(s.dir)
		if err != nil {
			return 0, err
		}
		s.f = f
		_, err = s.mem.WriteTo(f)
		s.free()
		if err != nil {
			return 0, err
		}
	}
	return s.f.Write(p)
}

// reader reads the bytes from their start.
func (s *spill) reader() (io.ReadSeeker, error) {
	if s.f == nil {
		if s.mem == nil {
			return bytes.NewReader(nil), nil
		}
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	if err := s.f.Rewind(); err != nil {
		return nil, err
	}
	return s.f, nil
}

// free gives the memory back.
func (s *spill) free() {
	putBuffer(s.mem)
	s.mem = nil
}

// putBuffer gives a buffer back to buffers, unless it is nil or has grown
// past what is worth keeping.
func putBuffer(b *bytes.Buffer) {
	if b != nil && b.Cap() <= 2*spillAt {
		b.Reset()
		buffers.Put(b)
	}
}

func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
	}
	s.free()
}
