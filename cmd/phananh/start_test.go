package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A broken template fails the start with its file and line before
// anything is fetched, though the templates load while the store opens;
// the start that failed leaves nothing running: once the template is
// mended, the daemon starts on the same data and takes the mail.
func TestServeBrokenTemplateFailsBeforeFetching(t *testing.T) {
	dir := t.TempDir()
	tplDir := filepath.Join(dir, "templates")
	os.MkdirAll(tplDir, 0o700)
	broken := filepath.Join(tplDir, "ack.vi.txt")
	os.WriteFile(broken, []byte("{{define \"subject\"}}Đã nhận{{end}}\n{{if .Code}}\n"), 0o600)
	e := newEnv(t, envOptions{extra: "[templates]\ndir = " + quote(tplDir) + "\n"})
	e.deliver(receivedAt, citizenReport(1, "nguoidan@example.com"))

	var stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"serve", "--config", e.config}, &stderr, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "ack.vi.txt:") {
		t.Fatalf("serve with a broken template: exit %d: %s", code, stderr.String())
	}
	if n := e.count(e.imap.Config().Mailbox); n != 1 {
		t.Fatalf("the failed start took mail: %d left in the inbox, want 1", n)
	}

	os.Remove(broken)
	e.startDaemon()
	eventually(t, 30*time.Second, "the inbox emptied", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
}
