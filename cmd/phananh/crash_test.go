package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/intaketest"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
)

// The child process of the kill-and-restart test runs the daemon on the
// configuration in PHANANH_TEST_DAEMON, in batches of at most
// crashBatch messages, and dies with SIGKILL at the point
// PHANANH_TEST_CRASH names:
//
//	mid-fetch:N     while reading the body of the Nth message it reads,
//	                the batch's earlier messages read and not committed
//	after-blobs:N   when the Nth batch's files are durable, before its
//	                commit
//	overlap:N       when the Nth batch's files are durable while the
//	                transaction of the first is open (held open, its
//	                messages recorded, until then)
//	after-commit:N  after the Nth batch is committed, before its messages
//	                are moved out of the inbox
//	mid-send:N      when the SMTP server has accepted the Nth mail sent,
//	                before its acceptance is recorded, the next mail's
//	                envelope sent behind its data
//	none            never (the parent stops it with SIGTERM)
//
// Mid-send deaths are caused by the parent, which kills the child when the
// SMTP sink has accepted a mail but before the child could record it.
const (
	envDaemon  = "PHANANH_TEST_DAEMON"
	envCrash   = "PHANANH_TEST_CRASH"
	crashBatch = 5
)

func TestHelperDaemon(t *testing.T) {
	config := os.Getenv(envDaemon)
	if config == "" {
		t.Skip("the child of TestE2EKillAndRestart")
	}
	ctx, stop := signalContext()
	defer stop()
	d, err := newDaemon(ctx, config, newLogger(os.Stderr))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	point, nth, _ := strings.Cut(os.Getenv(envCrash), ":")
	want, _ := strconv.Atoi(nth)
	c := &crashingProcessor{Processor: d.watcher.Processor, point: point, want: int32(want)}
	d.watcher.Processor, d.watcher.BatchSize = c, crashBatch
	c.Processor.(wakeAfter).Pipeline.AfterBlobs = c.afterBlobs
	c.Processor.(wakeAfter).Pipeline.BeforeCommit = c.beforeCommit
	if point == "mid-send" {
		d.worker.AfterAccept = func() {
			if c.accepted.Add(1) == c.want {
				die()
			}
		}
	}
	d.Run(ctx)
	d.Close()
	os.Exit(0)
}

func signalContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	go func() { <-ch; cancel() }()
	return ctx, cancel
}

// crashingProcessor kills its process at the point its spec names.
type crashingProcessor struct {
	mailbox.Processor
	point                               string
	want                                int32
	read, synced, batches, transactions atomic.Int32
	accepted                            atomic.Int32 // mails the SMTP server accepted
}

func (c *crashingProcessor) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	batch := c.batches.Add(1)
	rs := c.Processor.ProcessAll(ctx, func(yield func(intake.Source) bool) {
		for src := range srcs {
			if c.point == "mid-fetch" && c.read.Add(1) == c.want {
				io.CopyN(io.Discard, src.Body, 100)
				die()
			}
			if !yield(src) {
				return
			}
		}
	}, turn)
	if c.point == "after-commit" && batch == c.want {
		die()
	}
	return rs
}

func (c *crashingProcessor) afterBlobs() {
	if n := c.synced.Add(1); n == c.want && (c.point == "after-blobs" || c.point == "overlap") {
		die()
	}
}

func (c *crashingProcessor) beforeCommit() {
	if c.point == "overlap" && c.transactions.Add(1) == 1 {
		select {} // until the Nth batch's files are durable: afterBlobs kills the process
	}
}

func die() {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// child is one run of the daemon in its own process.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startChild(t *testing.T, config, crash string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDaemon$", "-test.v=false")
	cmd.Env = append(os.Environ(), envDaemon+"="+config, envCrash+"="+crash, "PHANANH_LOG_FORMAT=json")
	logs, logged := e2eLogs.stream()
	cmd.Stderr = logs
	if testing.Verbose() {
		cmd.Stderr = io.MultiWriter(logs, os.Stderr)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, done: make(chan struct{})}
	go func() { cmd.Wait(); logged(); close(c.done) }()
	return c
}

func (c *child) kill() { c.cmd.Process.Signal(syscall.SIGKILL); <-c.done }

// wait waits for the child to end and reports whether SIGKILL ended it.
func (c *child) wait(t *testing.T, timeout time.Duration) (killed bool) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(timeout):
		c.kill()
		t.Fatalf("the daemon did not die as planned")
	}
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// TestE2EKillAndRestart delivers many reports and kills the daemon at
// several points of its batches — in the middle of a fetch, when a batch's
// files are durable before its commit, when they are durable while the
// batch before is being committed, after a commit before the move, in
// the middle of a pipelined send — restarting it each time. In the end
// every message has exactly one outcome and every mail was sent: once, or
// again with the same Message-ID only when the kill came after the SMTP
// server's acceptance and before the outbox recorded it (SPEC 8.2).
func TestE2EKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills several processes")
	}
	e := newEnv(t, envOptions{})
	const n = 12
	// Received now, so that no deadline passes while the test runs: the
	// watch's alerts are not what this test counts.
	photo, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e.deliver(time.Now(), citizenPhotoReport(i, fmt.Sprintf("dan%d@example.com", i), photo))
	}
	// The SMTP server is down while the daemon dies in intake, so that the
	// only kill that can catch mail between acceptance and record is the
	// mid-send one. In batches of 5: the first run dies reading message 3
	// of 1–5; the second when 1–5 are spooled and synced; the third when
	// 6–10 and 11–12 are spooled and synced while the transaction of 1–5
	// is open;
	// the fourth with 1–5 committed and not moved; the fifth moves them
	// and dies reading message 7 of 6–10; the sixth commits 6–10 and
	// 11–12 and dies before moving 11–12 — and 6–10 too, when the commit
	// of 11–12 ended before their move (a batch commits once the one
	// before it is committed; it need not be moved).
	e.sink.SetDown(true)
	for _, c := range []struct {
		crash    string
		recorded int
		inbox    []int // one of
	}{
		{"mid-fetch:3", 0, []int{12}}, {"after-blobs:1", 0, []int{12}}, {"overlap:3", 0, []int{12}},
		{"after-commit:1", 5, []int{12}}, {"mid-fetch:2", 5, []int{7}}, {"after-commit:2", 12, []int{2, 7}},
	} {
		if !startChild(t, e.config, c.crash).wait(t, time.Minute) {
			t.Fatalf("%s: the daemon was not killed there", c.crash)
		}
		if r, in := recordedMessages(t, e), e.count(e.imap.Config().Mailbox); r != c.recorded || !slices.Contains(c.inbox, in) {
			t.Fatalf("after the kill %s: %d messages recorded, %d in the inbox; want %d and %v", c.crash, r, in, c.recorded, c.inbox)
		}
		if c.crash == "after-blobs:1" {
			// The batch's photos were synced into its pack, which no row
			// names: an orphan, once old enough.
			if o := orphanFiles(t, e); o < 1 {
				t.Fatalf("after the kill %s: %d orphan files, want the batch's pack", c.crash, o)
			}
		}
	}
	e.sink.SetDown(false)
	// Mid-send: kill the daemon when the sink has taken its seventh mail
	// and, on the other session, the mail after it, neither answered: two
	// mails in flight, with the mails before them accepted and perhaps not
	// yet recorded. The hook runs on the sink's goroutines: it learns the
	// child from a channel, the only ordering the race detector sees
	// between its start and the child's mail.
	started := make(chan *child, 1)
	eighth, dead := make(chan struct{}), make(chan struct{})
	together := atomic.Bool{}
	accepted := atomic.Int32{}
	hook := func(smtptest.Received) {
		switch accepted.Add(1) {
		case 7:
			select {
			case <-eighth:
				together.Store(true)
			case <-time.After(20 * time.Second):
			}
			(<-started).kill()
			close(dead)
		case 8:
			close(eighth)
			<-dead // unanswered until the kill
		}
	}
	e.onAccepted.Store(&hook)
	c := startChild(t, e.config, "none")
	started <- c
	if !c.wait(t, time.Minute) {
		t.Fatal("mid-send: the daemon was not killed")
	}
	e.onAccepted.Store(nil)
	if !together.Load() {
		t.Fatal("mid-send: the sink did not take two mails at once before the kill")
	}
	unrecorded := unrecordedMail(t, e)
	if len(unrecorded) < 2 {
		t.Fatalf("mid-send: %d mails taken and unrecorded at the kill, want the two in flight at least", len(unrecorded))
	}

	c = startChild(t, e.config, "none")
	eventually(t, time.Minute, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
	eventually(t, time.Minute, "every acknowledgement", func() bool { return distinctMessageIDs(e.sink.Messages()) >= 2*n })
	time.Sleep(2 * time.Second)
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.wait(t, 30*time.Second)

	if got := e.count(e.imap.Config().Processed); got < n {
		t.Errorf("%d messages in the processed folder, want %d", got, n)
	}
	db := e.openStore()
	counts := reportCount(t, db)
	if counts[intake.KindReport] != n || len(counts) != 1 {
		t.Errorf("outcomes %v, want %d reports and nothing else", counts, n)
	}
	checkDeliveries(t, db, e.sink.Messages(), n, unrecorded)
	checkPhotos(t, db, n, photo)
}

// citizenPhotoReport is citizenReport with a photo attached.
func citizenPhotoReport(n int, from string, photo []byte) string {
	head, text, _ := strings.Cut(citizenReport(n, from), "Content-Type: text/plain")
	return head + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain" + text +
		"--b1\r\nContent-Type: image/jpeg; name=\"anh.jpg\"\r\nContent-Disposition: attachment; filename=\"anh.jpg\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + intaketest.Base64Lines(photo) + "--b1--\r\n"
}

// orphanFiles counts the blob files no row names, the daemon being
// stopped, as the sweep would once they are old enough.
func orphanFiles(t *testing.T, e *env) int {
	t.Helper()
	a, err := openApp(context.Background(), e.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	o, err := a.db.SweepOrphans(context.Background(), time.Now().Add(2*time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	return o.Files
}

// checkPhotos checks that each of the n reports holds its photo once, and
// that it reads back.
func checkPhotos(t *testing.T, db *store.DB, n int, photo []byte) {
	t.Helper()
	db.Read(context.Background(), func(tx *store.Tx) error {
		for i := 1; i <= n; i++ {
			r, err := tx.Report(fmt.Sprintf("PA-%d-%06d", time.Now().In(calendar.Vietnam).Year(), i))
			if err != nil {
				t.Fatal(err)
			}
			as, err := tx.Attachments(r.ID, "")
			if err != nil || len(as) != 1 {
				t.Errorf("%s has %d attachments (%v), want its photo", r.Code, len(as), err)
				continue
			}
			f, err := db.Blobs().Open(as[0].BlobKey)
			if err != nil {
				t.Errorf("%s's photo: %v", r.Code, err)
				continue
			}
			got, err := io.ReadAll(f)
			f.Close()
			if err != nil || !bytes.Equal(got, photo) {
				t.Errorf("%s's photo reads %d bytes, %v; want the %d sent", r.Code, len(got), err, len(photo))
			}
		}
		return nil
	})
}

// recordedMessages counts the messages the store has recorded, the daemon
// being stopped.
func recordedMessages(t *testing.T, e *env) int {
	t.Helper()
	a, err := openApp(context.Background(), e.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n := 0
	for _, c := range reportCount(t, a.db) {
		n += c
	}
	return n
}

// unrecordedMail returns the Message-IDs the SMTP sink has accepted whose
// acceptance the store has not recorded: after a kill, the only mails a
// restart may send again.
func unrecordedMail(t *testing.T, e *env) map[string]bool {
	t.Helper()
	a, err := openApp(context.Background(), e.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := map[string]bool{}
	for _, m := range e.sink.Messages() {
		out[strings.Trim(m.MessageID, "<>")] = true
	}
	a.db.Read(context.Background(), func(tx *store.Tx) error {
		for id := range out {
			m, err := tx.MailByMessageID(id)
			if err != nil {
				t.Fatalf("the sink accepted %s, which the store does not know: %v", id, err)
			}
			if m.State == store.MailSent {
				delete(out, id)
			}
		}
		return nil
	})
	return out
}

// checkDeliveries checks that each mail the store owes was delivered, and
// that a mail delivered twice is one a kill caught between acceptance and
// record (one of unrecorded): the same Message-ID, never a second minted
// one.
func checkDeliveries(t *testing.T, db *store.DB, got []smtptest.Received, n int, unrecorded map[string]bool) {
	t.Helper()
	delivered := map[string]int{}
	for _, m := range got {
		delivered[strings.Trim(m.MessageID, "<>")]++
	}
	db.Read(context.Background(), func(tx *store.Tx) error {
		for i := 1; i <= n; i++ {
			r, err := tx.Report(fmt.Sprintf("PA-%d-%06d", time.Now().In(calendar.Vietnam).Year(), i))
			if err != nil {
				t.Fatal(err)
			}
			mails, _ := tx.ReportMail(r.ID)
			if len(mails) != 2 {
				t.Errorf("%s owes %d mails, want 2", r.Code, len(mails))
			}
			for _, m := range mails {
				switch d := delivered[m.MessageID]; {
				case m.State != store.MailSent:
					t.Errorf("%s %s mail is %s", r.Code, m.Kind, m.State)
				case d == 0:
					t.Errorf("%s %s mail was never delivered", r.Code, m.Kind)
				case d > 2 || d == 2 && !unrecorded[m.MessageID]:
					t.Errorf("%s %s mail delivered %d times; its acceptance was recorded before the kill", r.Code, m.Kind, d)
				}
			}
		}
		return nil
	})
	if len(delivered) != 2*n {
		t.Errorf("%d distinct Message-IDs delivered, want %d", len(delivered), 2*n)
	}
}

func distinctMessageIDs(msgs []smtptest.Received) int {
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[strings.Trim(m.MessageID, "<>")] = true
	}
	return len(ids)
}
