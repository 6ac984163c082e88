package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command that reads the reports, run where the configuration names no
// database yet (a new installation, or store.path mistyped), fails naming
// the path rather than making an empty database and keys and succeeding:
// a nightly backup of the wrong place must not pass for a backup.
func TestCommandsRefuseMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "phananh.toml")
	if err := os.WriteFile(config, []byte("[store]\npath = \"phananh-typo.db\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"backup", "--config", config, filepath.Join(dir, "backup")},
		{"backup", "--config", config, "--keys", filepath.Join(dir, "keys-backup")},
		{"show", "--config", config, "PA-2026-000001"},
		{"stats", "--config", config, "--out", filepath.Join(dir, "stats")},
	} {
		_, errOut, code := run(t, args...)
		if code != exitFailed || !strings.Contains(errOut, filepath.Join(dir, "phananh-typo.db")) ||
			!strings.Contains(errOut, "store.path") {
			t.Errorf("%s: exit %d: %s", args[0], code, errOut)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "phananh.toml" {
			t.Errorf("left %s behind", e.Name())
		}
	}
}
