package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
)

// TestE2EBorderKillMidSend kills the daemon when the submission server —
// the border's Postfix behind STARTTLS in CI, the stand-in in the process
// — has accepted the third mail of a batch sent with PIPELINING, the
// fourth's envelope sent behind its data, before the acceptance is
// recorded; then restarts it. Every mail owed arrives, and only a mail
// whose acceptance was not recorded at the kill arrives twice, with the
// same Message-ID (SPEC 8.2).
func TestE2EBorderKillMidSend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the daemon's process")
	}
	e, b := newBorderEnv(t, "")
	const n = 5
	for i := range n {
		from := fmt.Sprintf("dan%d@example.com", i)
		if err := b.send(from, b.ours, citizenReport(i, from)); err != nil {
			t.Fatalf("the border refused report %d: %v", i, err)
		}
	}
	inbox := e.imap.Config().Mailbox
	eventually(t, time.Minute, "the reports in the inbox", func() bool { return e.count(inbox) == n })
	if !startChild(t, e.config, "mid-send:3").wait(t, 2*time.Minute) {
		t.Fatal("the daemon was not killed mid-send")
	}
	unrecorded := unrecordedOwed(t, e, n)
	if len(unrecorded) == 0 {
		t.Fatal("every mail's acceptance was recorded before the kill")
	}

	c := startChild(t, e.config, "none")
	eventually(t, 2*time.Minute, "every mail owed", func() bool { return distinctMessageIDs(e.sink.Messages()) >= 2*n })
	time.Sleep(2 * time.Second) // for a mail sent a third time, which the check below would find
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.wait(t, 30*time.Second)
	checkDeliveries(t, e.openStore(), e.sink.Messages(), n, unrecorded)
}

// unrecordedOwed returns the Message-IDs of the mails that the first n
// reports owe and that the store has not recorded as sent, the daemon
// being stopped: the only mails a restart may deliver again. Behind a real
// server the sink cannot tell (its mail arrives later than the server
// accepted it), so the outbox does.
func unrecordedOwed(t *testing.T, e *env, n int) map[string]bool {
	t.Helper()
	a, err := openApp(context.Background(), e.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := map[string]bool{}
	a.db.Read(context.Background(), func(tx *store.Tx) error {
		for i := 1; i <= n; i++ {
			r, err := tx.Report(fmt.Sprintf("PA-%d-%06d", time.Now().In(calendar.Vietnam).Year(), i))
			if errors.Is(err, store.ErrNotFound) {
				continue // not recorded yet: its mails are sent once, after the restart
			}
			if err != nil {
				t.Fatal(err)
			}
			mails, _ := tx.ReportMail(r.ID)
			for _, m := range mails {
				if m.State != store.MailSent {
					out[m.MessageID] = true
				}
			}
		}
		return nil
	})
	return out
}
