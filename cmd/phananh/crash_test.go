package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
)

// The child process of the kill-and-restart test runs the daemon on the
// configuration in PHANANH_TEST_DAEMON and dies with SIGKILL at the point
// PHANANH_TEST_CRASH names:
//
//	mid-fetch:N     while reading the body of the Nth message it processes
//	after-commit:N  after the Nth message's outcome is committed, before
//	                the message is moved out of the inbox
//	none            never (the parent stops it with SIGTERM)
//
// Mid-send deaths are caused by the parent, which kills the child when the
// SMTP sink has accepted a mail but before the child could record it.
const (
	envDaemon = "PHANANH_TEST_DAEMON"
	envCrash  = "PHANANH_TEST_CRASH"
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
	d.watcher.Processor = &crashingProcessor{Processor: d.watcher.Processor, spec: os.Getenv(envCrash)}
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
	spec string
	n    atomic.Int32
}

func (c *crashingProcessor) Process(ctx context.Context, src intake.Source) (intake.Outcome, error) {
	point, nth, _ := strings.Cut(c.spec, ":")
	want, _ := strconv.Atoi(nth)
	n := int(c.n.Add(1))
	if point == "mid-fetch" && n == want {
		io.CopyN(io.Discard, src.Body, 100)
		die()
	}
	out, err := c.Processor.Process(ctx, src)
	if point == "after-commit" && n == want && err == nil {
		die()
	}
	return out, err
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
// several points — in the middle of a fetch, after a commit before the
// move, in the middle of a send — restarting it each time. In the end every
// message has exactly one outcome and every acknowledgement was sent, once,
// or twice with the same Message-ID when the kill fell between the SMTP
// server's acceptance and the outbox update.
func TestE2EKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills several processes")
	}
	e := newEnv(t, envOptions{})
	const n = 12
	// Received now, so that no deadline passes while the test runs: the
	// watch's alerts are not what this test counts.
	for i := range n {
		e.deliver(time.Now(), citizenReport(i, fmt.Sprintf("dan%d@example.com", i)))
	}
	// The SMTP server is down while the daemon dies in intake, so that the
	// only kill that can catch a mail between acceptance and record is the
	// mid-send one.
	e.sink.SetDown(true)
	for _, crash := range []string{"mid-fetch:2", "after-commit:2", "mid-fetch:1", "after-commit:3"} {
		if !startChild(t, e.config, crash).wait(t, time.Minute) {
			t.Fatalf("%s: the daemon was not killed there", crash)
		}
	}
	e.sink.SetDown(false)
	// Mid-send: kill the daemon when the sink has taken its third mail.
	var c *child
	var killed sync.Once
	accepted := atomic.Int32{}
	hook := func(smtptest.Received) {
		if accepted.Add(1) == 3 {
			killed.Do(func() { c.kill() })
		}
	}
	e.onAccepted.Store(&hook)
	c = startChild(t, e.config, "none")
	if !c.wait(t, time.Minute) {
		t.Fatal("mid-send: the daemon was not killed")
	}
	e.onAccepted.Store(nil)

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
	checkDeliveries(t, db, e.sink.Messages(), n)
}

// checkDeliveries checks that each mail the store owes was delivered, and
// that a mail delivered twice is one the kill caught between acceptance and
// record: the same Message-ID, never a second minted one.
func checkDeliveries(t *testing.T, db *store.DB, got []smtptest.Received, n int) {
	t.Helper()
	delivered := map[string]int{}
	for _, m := range got {
		delivered[strings.Trim(m.MessageID, "<>")]++
	}
	twice := 0
	db.Read(context.Background(), func(tx *store.Tx) error {
		for i := 1; i <= n; i++ {
			r, err := tx.Report(fmt.Sprintf("PA-%d-%06d", time.Now().In(vietnam).Year(), i))
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
				case d > 1:
					twice++
				}
			}
		}
		return nil
	})
	if twice > 1 {
		t.Errorf("%d mails delivered twice; only the one the kill caught may be", twice)
	}
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
