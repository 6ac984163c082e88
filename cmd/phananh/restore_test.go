package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// restoreConfig writes in dir the env's configuration with the database
// and data folder in a new, empty place (dir/restored.db and
// dir/restored-data), and the keys of dir/keys: the env's when dir is the
// env's folder.
func (e *env) restoreConfig(dir string) string {
	e.t.Helper()
	body, err := os.ReadFile(e.config)
	if err != nil {
		e.t.Fatal(err)
	}
	body = append(body, "\n[store]\npath = \"restored.db\"\ndata_dir = \"restored-data\"\n"...)
	path := filepath.Join(dir, "restore.toml")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return path
}

// TestBackupUnderLoadRestore backs up while the daemon takes in a stream of
// reports, restores the backup into an empty place, and shows every report
// the backup holds.
func TestBackupUnderLoadRestore(t *testing.T) {
	e := newEnv(t, envOptions{})
	stop := e.startDaemon()
	delivered := 0
	var mu sync.Mutex
	deliver := func(n int) {
		for range n {
			mu.Lock()
			delivered++
			i := delivered
			mu.Unlock()
			e.deliver(receivedAt, citizenReport(i, fmt.Sprintf("dan%d@example.com", i)))
		}
	}
	deliver(5)
	eventually(t, time.Minute, "the first reports", func() bool { return e.count(e.imap.Config().Processed) >= 3 })
	backup := filepath.Join(t.TempDir(), "backup")
	var wg sync.WaitGroup
	wg.Go(func() { deliver(30) })
	out, errOut, code := run(t, "backup", "--config", e.config, backup)
	if code != exitOK {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}
	wg.Wait()
	deliver(3) // after the backup: not in it
	eventually(t, time.Minute, "every report", func() bool { return e.count(e.imap.Config().Processed) == delivered })
	stop()

	info, err := store.Inspect(context.Background(), filepath.Join(backup, "phananh.db"), nil)
	if err != nil || info.Reports < 3 || info.Reports >= delivered {
		t.Fatalf("the backup holds %d reports of %d delivered (%v)", info.Reports, delivered, err)
	}
	target := e.restoreConfig(e.dir)
	out, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf(": %d reports, ", info.Reports)) {
		t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
	}
	for i := 1; i <= info.Reports; i++ {
		code := fmt.Sprintf("PA-2026-%06d", i)
		out, errOut, status := run(t, "show", "--config", target, code)
		var shown shownReport
		if err := json.Unmarshal([]byte(out), &shown); err != nil || status != exitOK || shown.Code != code || len(shown.Events) == 0 {
			t.Errorf("show %s after the restore: exit %d, %v: %s%s", code, status, err, out, errOut)
		}
	}
	if _, _, status := run(t, "show", "--config", target, fmt.Sprintf("PA-2026-%06d", info.Reports+1)); status == exitOK {
		t.Errorf("the restored store shows a report the backup did not hold")
	}
}

// A restore never overwrites a database, and checks the key and the files
// before it writes anything.
func TestRestoreRefuses(t *testing.T) {
	e := newEnv(t, envOptions{})
	stop := e.startDaemon()
	e.deliver(receivedAt, citizenReport(1, "dan1@example.com"))
	eventually(t, time.Minute, "the report", func() bool { return e.count(e.imap.Config().Processed) == 1 })
	backup := filepath.Join(t.TempDir(), "backup")
	if out, errOut, code := run(t, "backup", "--config", e.config, backup); code != exitOK {
		t.Fatalf("backup: exit %d: %s%s", code, out, errOut)
	}

	_, errOut, code := run(t, "restore", "--config", e.config, backup)
	if code != exitFailed || !strings.Contains(errOut, "another phananh serve is running") {
		t.Errorf("restore over a running daemon: exit %d: %s", code, errOut)
	}
	stop()
	_, errOut, code = run(t, "restore", "--config", e.config, backup)
	if code != exitFailed || !strings.Contains(errOut, "already holds a database") {
		t.Errorf("restore over the live data: exit %d: %s", code, errOut)
	}

	elsewhere := t.TempDir()
	target := e.restoreConfig(elsewhere)
	restored := filepath.Join(elsewhere, "restored.db")
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "put back the key") {
		t.Errorf("restore without the key: exit %d: %s", code, errOut)
	}
	if out, _, code := run(t, "keygen", filepath.Join(elsewhere, "keys", "encryption.key")); code != exitOK {
		t.Fatal(out)
	}
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "does not open") {
		t.Errorf("restore with another key: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Errorf("a refused restore left %s", restored)
	}

	target = e.restoreConfig(e.dir)
	restored = filepath.Join(e.dir, "restored.db")
	blobs, _ := filepath.Glob(filepath.Join(backup, "data", "blobs", "*", "*"))
	if len(blobs) == 0 {
		t.Fatal("the backup holds no file")
	}
	os.Remove(blobs[0])
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, filepath.Base(blobs[0])) {
		t.Errorf("restore of a backup missing a file: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Errorf("a refused restore left %s", restored)
	}
}
