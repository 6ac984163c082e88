package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRootRefusesServiceFolder: serve, ingest or restore run by root on the
// service's folder (a try before `systemctl start`, a sudo too many) would
// make the database, the key store and the files root's, which the service
// cannot open: it is refused, naming the owner to run as, and nothing is
// made.
func TestRootRefusesServiceFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give a folder to another user")
	}
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(state, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\n"+
		"[store]\npath = \"state/phananh.db\"\ndata_dir = \"state/data\"\nkeys_path = \"state/keys/data-keys.db\"\n"+testOperators)
	report := writeFile(t, dir, "r.eml", citizenReport(1, "an@example.com"))
	_, errOut, code := run(t, "ingest", "--config", cfg, report)
	if code != exitFailed || !strings.Contains(errOut, state+" belongs to ") || !strings.Contains(errOut, "(uid 65534)") || !strings.Contains(errOut, "runuser -u ") {
		t.Errorf("ingest as root in another user's folder: exit %d: %s", code, errOut)
	}
	_, errOut, code = run(t, "restore", filepath.Join(dir, "backup"), "--config", cfg)
	if code != exitFailed || !strings.Contains(errOut, "(uid 65534)") || !strings.Contains(errOut, "runuser -u ") {
		t.Errorf("restore as root into another user's folder: exit %d: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(state); len(entries) > 0 {
		t.Errorf("root made %v in the service's folder", entries)
	}
	if _, err := os.Stat(filepath.Join(dir, "keys")); err == nil {
		t.Error("root made the keys of a new installation it refused")
	}
}
