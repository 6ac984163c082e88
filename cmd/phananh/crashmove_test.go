package main

import (
	"context"
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
)

// TestE2EKillMidMove kills the daemon in the middle of moving a batch on a
// server without MOVE: the batch is committed, copied to the processed
// folder and flagged \Deleted, and its UID EXPUNGE not yet answered. After
// the restart the copies are no second reports, the messages are not
// processed again, and they leave the inbox, where they would otherwise
// stay flagged \Deleted for ever.
func TestE2EKillMidMove(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a process")
	}
	e := newEnv(t, envOptions{imap: imaptest.Options{NoMove: true}})
	srv := e.imap.Server()
	if srv == nil {
		t.Skip("needs the in-process IMAP server, to hold a move half done")
	}
	const n = crashBatch + 1
	for i := range n {
		e.deliver(time.Now(), citizenReport(i, fmt.Sprintf("dan%d@example.com", i)))
	}
	cfg := e.imap.Config()
	srv.HangNext("EXPUNGE", 1)
	c := startChild(t, e.config, "none")
	eventually(t, time.Minute, "the first batch copied and flagged \\Deleted", func() bool {
		if e.count(cfg.Processed) != crashBatch {
			return false
		}
		for uid := imap.UID(1); uid <= crashBatch; uid++ {
			flags, err := e.account.Flags(context.Background(), cfg.Mailbox, uid)
			if err != nil || !slices.Contains(flags, imap.FlagDeleted) {
				return false
			}
		}
		return true
	})
	c.kill()
	srv.HangNext("EXPUNGE", 0)

	c = startChild(t, e.config, "none")
	eventually(t, time.Minute, "the last message moved", func() bool { return e.count(cfg.Processed) >= n })
	eventually(t, time.Minute, "an empty inbox", func() bool { return e.count(cfg.Mailbox) == 0 })
	eventually(t, time.Minute, "no message left flagged \\Deleted in the inbox", func() bool { return allMessages(t, cfg) == 0 })
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.wait(t, 30*time.Second)
	if got := e.count(cfg.Processed); got != n {
		t.Errorf("%d messages in the processed folder, want %d", got, n)
	}
	if counts := reportCount(t, e.openStore()); counts[intake.KindReport] != n || len(counts) != 1 {
		t.Errorf("outcomes %v, want %d reports and nothing else", counts, n)
	}
}

// allMessages counts a mailbox's messages, those flagged \Deleted too, on
// the in-process server.
func allMessages(t *testing.T, cfg imaptest.Config) int {
	t.Helper()
	c, err := imapclient.DialInsecure(cfg.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return int(sel.NumMessages)
}

// TestE2EUIDValidityChangeAfterCommit kills the daemon after a batch is
// committed and before it is moved; then the mailbox is rebuilt (the
// server's index lost, a restore), its messages the same under a new
// UIDVALIDITY and new UIDs. The restarted daemon finds no outcome for
// those UIDs and recognises each message by its Message-ID and content
// (SPEC 4.1): no second report, and every mail owed sent once.
func TestE2EUIDValidityChangeAfterCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	e := newEnv(t, envOptions{})
	cfg := e.imap.Config()
	const n = crashBatch
	received := time.Now().Truncate(time.Second)
	for i := range n {
		e.deliver(received, citizenReport(i, fmt.Sprintf("dan%d@example.com", i)))
	}
	e.sink.SetDown(true) // the mail is sent after the rebuild, each once
	if !startChild(t, e.config, "after-commit:1").wait(t, time.Minute) {
		t.Fatal("the daemon was not killed after its commit")
	}
	ctx := context.Background()
	uids, err := e.account.UIDs(ctx, cfg.Mailbox)
	if err != nil || len(uids) != n {
		t.Fatalf("%d messages in the inbox, %v; want %d", len(uids), err, n)
	}
	var raws [][]byte
	for _, uid := range uids {
		raw, err := e.account.Fetch(ctx, cfg.Mailbox, uid)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	if err := e.account.Delete(ctx, cfg.Mailbox); err != nil {
		t.Fatal(err)
	}
	if err := e.account.Create(ctx, cfg.Mailbox); err != nil {
		t.Fatal(err)
	}
	for _, raw := range raws {
		if _, err := e.account.Append(ctx, cfg.Mailbox, raw, received); err != nil {
			t.Fatal(err)
		}
	}
	e.sink.SetDown(false)
	c := startChild(t, e.config, "none")
	eventually(t, time.Minute, "an empty inbox", func() bool { return e.count(cfg.Mailbox) == 0 })
	eventually(t, time.Minute, "every mail owed", func() bool { return distinctMessageIDs(e.sink.Messages()) >= 2*n })
	time.Sleep(2 * time.Second)
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.wait(t, 30*time.Second)
	db := e.openStore()
	if counts := reportCount(t, db); counts[intake.KindReport] != n || counts[intake.KindDuplicate] != n || len(counts) != 2 {
		t.Errorf("outcomes %v, want %d reports and their %d duplicates", counts, n, n)
	}
	checkDeliveries(t, db, e.sink.Messages(), n, nil)
}
