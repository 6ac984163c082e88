package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	keysBackup := filepath.Join(t.TempDir(), "keys")
	if out, errOut, code := run(t, "backup", "--config", e.config, "--keys", keysBackup); code != exitOK {
		t.Fatalf("backup --keys: exit %d: %s%s", code, out, errOut)
	}
	deliver(3) // after the backup: not in it
	eventually(t, time.Minute, "every report", func() bool { return e.count(e.imap.Config().Processed) == delivered })
	stop()

	info, err := store.Inspect(context.Background(), filepath.Join(backup, "phananh.db"), "", nil)
	if err != nil || info.Reports < 3 || info.Reports >= delivered {
		t.Fatalf("the backup holds %d reports of %d delivered (%v)", info.Reports, delivered, err)
	}

	// On a new machine: the keys put back from their copies, the key store
	// from `backup --keys`.
	elsewhere := t.TempDir()
	copyKeys(t, e.dir, elsewhere)
	target := e.restoreConfig(elsewhere)
	out, errOut, code = run(t, "restore", backup, "--keys", keysBackup, "--config", target)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf(": %d reports, ", info.Reports)) {
		t.Fatalf("restore: exit %d: %s%s", code, out, errOut)
	}
	showAll(t, target, info.Reports)
	if fi, err := os.Stat(filepath.Join(elsewhere, "keys", "data-keys.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the restored key store is not of mode 0600: %v %v", fi, err)
	}

	// Where only the data was lost: the key store in place is used.
	target = e.restoreConfig(e.dir)
	out, errOut, code = run(t, "restore", "--config", target, backup)
	if code != exitOK || !strings.Contains(out, filepath.Join(e.dir, "keys", "data-keys.db")) {
		t.Fatalf("restore with the key store in place: exit %d: %s%s", code, out, errOut)
	}
	showAll(t, target, info.Reports)
}

// showAll runs `phananh show` for the n reports a store holds, and for one
// more, which it does not hold.
func showAll(t *testing.T, config string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("PA-2026-%06d", i)
		out, errOut, status := run(t, "show", "--config", config, code)
		var shown shownReport
		if err := json.Unmarshal([]byte(out), &shown); err != nil || status != exitOK || shown.Code != code || len(shown.Events) == 0 {
			t.Errorf("show %s after the restore: exit %d, %v: %s%s", code, status, err, out, errOut)
		}
	}
	if _, _, status := run(t, "show", "--config", config, fmt.Sprintf("PA-2026-%06d", n+1)); status == exitOK {
		t.Errorf("the restored store shows a report the backup did not hold")
	}
}

// copyKeys copies the encryption and token keys of the folder from to to,
// as an operator puts them back from their copies.
func copyKeys(t *testing.T, from, to string) {
	t.Helper()
	for _, k := range []string{"encryption.key", "token.key"} {
		b, err := os.ReadFile(filepath.Join(from, "keys", k))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(to, "keys"), 0o700)
		if err := os.WriteFile(filepath.Join(to, "keys", k), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A restore never overwrites a database, and checks the key and the files
// before it writes anything.
func TestRestoreRefuses(t *testing.T) {
	e := newEnv(t, envOptions{})
	stop := e.startDaemon()
	// With a photo: the data folder holds its file (a small raw message
	// and the mails sent are kept in the database).
	e.deliver(receivedAt, photoReport(t, 1, "dan1@example.com"))
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
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "put back the key") {
		t.Errorf("restore without the key: exit %d: %s", code, errOut)
	}
	os.Mkdir(filepath.Join(elsewhere, "keys"), 0o700)
	if out, _, code := run(t, "keygen", filepath.Join(elsewhere, "keys", "encryption.key")); code != exitOK {
		t.Fatal(out)
	}
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "does not open") {
		t.Errorf("restore with another key: exit %d: %s", code, errOut)
	}
	noLeftovers(t, elsewhere)

	elsewhere = t.TempDir()
	copyKeys(t, e.dir, elsewhere)
	target = e.restoreConfig(elsewhere)
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "backup --keys") {
		t.Errorf("restore without a key store: exit %d: %s", code, errOut)
	}
	// It names the key store it looked for, where the configuration puts
	// it, and the flag that gives its copy; not a staging file.
	keyStore := filepath.Join(elsewhere, "keys", "data-keys.db")
	if !strings.Contains(errOut, "no key store at "+keyStore+" ") || !strings.Contains(errOut, "--keys FOLDER") || strings.Contains(errOut, ".restoring") {
		t.Errorf("restore without a key store: %s", errOut)
	}
	noLeftovers(t, elsewhere)

	keysBackup := filepath.Join(t.TempDir(), "keys")
	if out, errOut, code := run(t, "backup", "--config", e.config, "--keys", keysBackup); code != exitOK {
		t.Fatalf("backup --keys: exit %d: %s%s", code, out, errOut)
	}
	target = e.restoreConfig(e.dir)
	_, errOut, code = run(t, "restore", backup, "--keys", keysBackup, "--config", target)
	if code != exitFailed || !strings.Contains(errOut, "a key store is already at") {
		t.Errorf("restore of a key store over the one in place: exit %d: %s", code, errOut)
	}

	// The backup's files go, all of them: the daemon ran during the backup,
	// so a file among them may be a sent mail archived after the database's
	// snapshot, which the snapshot does not refer to and the restore rightly
	// ignores; the report's raw message is one the snapshot refers to.
	blobs, _ := filepath.Glob(filepath.Join(backup, "data", "blobs", "*", "*"))
	if len(blobs) == 0 {
		t.Fatal("the backup holds no file")
	}
	for _, b := range blobs {
		os.Remove(b)
	}
	_, errOut, code = run(t, "restore", backup, "--config", target)
	if code != exitFailed || !slices.ContainsFunc(blobs, func(b string) bool { return strings.Contains(errOut, filepath.Base(b)) }) {
		t.Errorf("restore of a backup missing its files: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "restored.db")); err == nil {
		t.Errorf("a refused restore left its database")
	}
}

// noLeftovers fails when a refused restore left a database, a key store,
// blobs, or the data folder it made (with its lock), in dir, which held
// none of them.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "restored-data")); err == nil {
		t.Errorf("a refused restore left the data folder restored-data")
	}
	for _, p := range []string{"restored.db", "restored.db.restoring", "keys/data-keys.db", "keys/data-keys.db.restoring", "restored-data.restoring"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("a refused restore left %s", p)
		}
	}
	if blobs, _ := filepath.Glob(filepath.Join(dir, "restored-data", "blobs", "*")); len(blobs) > 0 {
		t.Errorf("a refused restore left blobs: %v", blobs)
	}
}
