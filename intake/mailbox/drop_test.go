package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/store"
)

// cutter is a TCP proxy in front of an IMAP server that, the first time
// the server's answer holds mark, passes on what comes before it and
// closes both connections cleanly, as a server or a middlebox that goes
// away in the middle of a FETCH does. Later connections pass untouched.
type cutter struct {
	ln   net.Listener
	to   string
	mark []byte
	cut  atomic.Bool
}

func newCutter(t *testing.T, to, mark string) *cutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, to: to, mark: []byte(mark)}
	t.Cleanup(func() { ln.Close() })
	go c.serve()
	return c
}

func (c *cutter) serve() {
	for {
		client, err := c.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", c.to)
		if err != nil {
			client.Close()
			continue
		}
		go func() { io.Copy(server, client); server.Close() }()
		go func() { c.pass(client, server); client.Close(); server.Close() }()
	}
}

// pass copies the server's answers to the client, cutting at the mark.
func (c *cutter) pass(client, server net.Conn) {
	buf := make([]byte, 32<<10)
	var seen []byte // the tail of what was passed, to find a mark split between reads
	for {
		n, err := server.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if !c.cut.Load() {
				joined := append(seen, chunk...)
				if i := bytes.Index(joined, c.mark); i >= 0 && c.cut.CompareAndSwap(false, true) {
					client.Write(joined[len(seen):i])
					return
				}
				seen = append(seen[:0], joined[max(len(joined)-len(c.mark), 0):]...)
			}
			if _, err := client.Write(chunk); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// uidValidity keeps the UIDVALIDITY of the messages it is given.
type uidValidity struct {
	Processor
	v atomic.Uint32
}

func (u *uidValidity) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	return u.Processor.ProcessAll(ctx, func(yield func(intake.Source) bool) {
		for src := range srcs {
			u.v.Store(src.UIDValidity)
			if !yield(src) {
				return
			}
		}
	}, turn)
}

// TestConnectionDroppedMidFetch cuts the connection in the middle of a
// message's body, the server closing it cleanly: the part read is not a
// message. Once the watcher is back, every message is recorded whole, as
// the server holds it, and the inbox is empty.
func TestConnectionDroppedMidFetch(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var raws [][]byte
	for i := range 3 {
		text := fmt.Sprintf("Đèn đường ấp %d, xã Vị Đông, huyện Vị Thủy bị hư.\r\n", i)
		if i == 1 {
			text += strings.Repeat("Đèn tắt cả đêm, xe qua lại rất nguy hiểm.\r\n", 40) + "CUT-HERE\r\n" +
				strings.Repeat("Xin cơ quan chức năng sớm sửa chữa.\r\n", 40)
		}
		raw := []byte(fmt.Sprintf("From: Người dân <dan%d@example.com>\r\nTo: phananh@haugiang.gov.vn\r\nSubject: Đèn đường hư %d\r\n"+
			"Message-ID: <drop-%d@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"+
			"Content-Transfer-Encoding: 8bit\r\n\r\n%s", i, i, i, text))
		raws = append(raws, raw)
		if _, err := srv.Deliver("INBOX", raw, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	proxy := newCutter(t, srv.Addr(), "CUT-HERE")
	p := newPipeline(t)
	proc := &uidValidity{Processor: p}
	w := start(t, watcher(srv.Config(), proxy.ln.Addr().String(), proc), 30*time.Second)
	box := dialInbox(t, srv)
	w.until(t, "the cut and an empty inbox", func() bool { return proxy.cut.Load() && box.all() == 0 })
	p.DB.Read(context.Background(), func(tx *store.Tx) error {
		for i, raw := range raws {
			m, err := tx.SeenUID("INBOX", proc.v.Load(), uint32(i+1))
			if err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
			if m.RawSize != int64(len(raw)) {
				t.Errorf("message %d recorded with %d bytes, the server holds %d", i+1, m.RawSize, len(raw))
			}
		}
		return nil
	})
}

// TestFailedExpungeRetried: on a server with UIDPLUS and without MOVE, the
// UID EXPUNGE that ends a move, in a session's later round, fails, the
// messages copied and flagged \Deleted. They leave the inbox at a later round of the same session,
// rather than staying there until the watcher reconnects.
func TestFailedExpungeRetried(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{NoMove: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	proc := &counting{Processor: newPipeline(t)}
	w := start(t, watcher(srv.Config(), srv.Addr(), proc), 10*time.Second)
	box := dialInbox(t, srv)
	// The first round, which tidies what an earlier session left, is over.
	w.until(t, "a session", func() bool { return strings.Contains(w.log.String(), "imap session open") })
	time.Sleep(500 * time.Millisecond)
	srv.FailNext("EXPUNGE", 1)
	for i := range 2 {
		if _, err := srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	w.until(t, "the messages processed and expunged", func() bool { return proc.n.Load() == 2 && box.all() == 0 })
	if strings.Contains(w.log.String(), "imap session ended") {
		t.Errorf("the watcher reconnected:\n%s", w.log.String())
	}
}

// TestExpungeRefused: a server without MOVE refuses every EXPUNGE (the
// account may not expunge), with UIDPLUS or without. The messages are
// copied to their folder and flagged \Deleted, the intake goes on, and
// the session is not ended and opened again for it at each round.
func TestExpungeRefused(t *testing.T) {
	for _, uidPlus := range []bool{true, false} {
		t.Run(map[bool]string{true: "UIDPLUS", false: "no UIDPLUS"}[uidPlus], func(t *testing.T) {
			srv, err := imaptest.NewServer(imaptest.Options{NoMove: true, NoUIDPlus: !uidPlus})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			srv.FailNext("EXPUNGE", 1000)
			proc := &counting{Processor: newPipeline(t)}
			wt := watcher(srv.Config(), srv.Addr(), proc)
			wt.PollInterval = 100 * time.Millisecond
			w := start(t, wt, 10*time.Second)
			for i := range 4 {
				if _, err := srv.Deliver("INBOX", benchMessage(i, 2000), time.Time{}); err != nil {
					t.Fatal(err)
				}
				w.until(t, fmt.Sprintf("message %d processed", i+1), func() bool { return proc.n.Load() == int64(i+1) })
			}
			time.Sleep(300 * time.Millisecond) // rounds after the last message
			if strings.Contains(w.log.String(), "imap session ended") {
				t.Errorf("the refused EXPUNGE ended the session:\n%s", w.log.String())
			}
		})
	}
}

// holdFirst holds the first batch's commit until another session's first
// batch is read (or a few seconds have passed), and counts the batches.
type holdFirst struct {
	Processor
	calls atomic.Int32
	third chan struct{}
}

func (h *holdFirst) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	n := h.calls.Add(1)
	if n == 3 {
		close(h.third)
	}
	return h.Processor.ProcessAll(ctx, func(yield func(intake.Source) bool) {
		for src := range srcs {
			if !yield(src) {
				return
			}
		}
		if n == 1 {
			select {
			case <-h.third:
			case <-time.After(2 * time.Second):
			}
		}
	}, turn)
}

// TestConnectionDroppedWhileCommitting: the connection breaks in the
// fetch of a batch while the batch before it is still being committed.
// The session ends only once that commit has ended, so that the next
// session finds its messages recorded and moves them, rather than
// fetching and processing them again beside it (their second record
// refused, logged as a failure) — and so that at shutdown no commit
// outlives the watcher and the store it writes to.
func TestConnectionDroppedWhileCommitting(t *testing.T) {
	srv, err := imaptest.NewServer(imaptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i := range 4 {
		raw := benchMessage(i, 2000)
		if i == 2 {
			raw = bytes.Replace(raw, []byte("Khu vực"), []byte("CUT-HERE Khu vực"), 1)
		}
		if _, err := srv.Deliver("INBOX", raw, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	proxy := newCutter(t, srv.Addr(), "CUT-HERE")
	p := newPipeline(t)
	proc := &holdFirst{Processor: p, third: make(chan struct{})}
	wt := watcher(srv.Config(), proxy.ln.Addr().String(), proc)
	wt.BatchSize = 2
	w := start(t, wt, 30*time.Second)
	box := dialInbox(t, srv)
	w.until(t, "the cut and an empty inbox", func() bool { return proxy.cut.Load() && box.all() == 0 })
	var counts map[string]int
	p.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		counts, err = tx.MessageCounts()
		return err
	})
	if counts[intake.KindReport] != 4 || len(counts) != 1 {
		t.Errorf("recorded %v, want the 4 reports alone", counts)
	}
	if strings.Contains(w.log.String(), "constraint failed") {
		t.Errorf("messages being committed were fetched and processed again:\n%s", w.log.String())
	}
}

// watching is a watcher of a test server's INBOX, run until the test ends.
type watching struct {
	ctx context.Context // done when the test's time is up
	log *syncBuffer
}

// watcher is a watcher of the INBOX of the server cfg names, reached at
// addr (the server's, or a proxy's in front of it), with proc, polling
// every 200 ms.
func watcher(cfg imaptest.Config, addr string, proc Processor) *Watcher {
	return &Watcher{Addr: addr, TLS: "none", Username: cfg.Username, Password: cfg.Password,
		Mailbox: "INBOX", Processed: "Processed", Quarantine: "Quarantine", PollInterval: 200 * time.Millisecond, Processor: proc}
}

// start runs w, logging to the log it returns, until the test ends or
// timeout has passed.
func start(t *testing.T, w *Watcher, timeout time.Duration) *watching {
	log := &syncBuffer{}
	w.Log = slog.New(slog.NewTextHandler(log, nil))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &watching{ctx, log}
}

// until waits for cond, failing the test with the watcher's log once its
// time is up.
func (w *watching) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if w.ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s; log:\n%s", what, w.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
