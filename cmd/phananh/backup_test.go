package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A command that reads the reports, run where the configuration names no
// database yet (a new installation, or store.path mistyped), fails naming
// the path and the line of store.path rather than making an empty database
// and keys and succeeding: a nightly backup of the wrong place must not
// pass for a backup.
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
			!strings.Contains(errOut, "store.path, "+config+":2") {
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

// TestOutFolderMistyped: backup, export, report, stats and publish write
// into a new folder, not a new path: a mistyped parent folder is named and
// nothing is made, so that a copy or a report is never left where nobody
// looks; and an export of a code that names no report leaves no empty
// folder behind.
func TestOutFolderMistyped(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\n"+testOperators)
	report := writeFile(t, dir, "r.eml", citizenReport(1, "an@example.com"))
	mustRun(t, "ingest", "--config", cfg, "--received", "2026-11-23T08:15:00+07:00", report)
	missing := filepath.Join(dir, "bakcup")
	for _, args := range [][]string{
		{"backup", "--config", cfg, filepath.Join(missing, "phananh-2026-12-07")},
		{"backup", "--config", cfg, "--keys", filepath.Join(missing, "keys-2026-12-07")},
		{"export", "--config", cfg, "PA-2026-000001", "--out", filepath.Join(missing, "record"), "--reason", "kiểm tra"},
		{"report", "--config", cfg, "--period", "monthly", "--at", "2026-11", "--out", filepath.Join(missing, "2026-11")},
		{"stats", "--config", cfg, "--out", filepath.Join(missing, "stats")},
		{"publish", "--config", cfg, "--out", filepath.Join(missing, "portal")},
	} {
		_, errOut, code := run(t, args...)
		if code != exitFailed || !strings.Contains(errOut, "the folder "+missing+" does not exist") {
			t.Errorf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("%s was made", missing)
	}
	// The folder itself is made on the first run, in a parent that exists.
	for _, args := range [][]string{
		{"report", "--config", cfg, "--period", "monthly", "--at", "2026-11", "--out", filepath.Join(dir, "2026-11")},
		{"stats", "--config", cfg, "--out", filepath.Join(dir, "stats")},
		{"publish", "--config", cfg, "--out", filepath.Join(dir, "portal")},
	} {
		if _, errOut, code := run(t, args...); code != exitOK {
			t.Errorf("%s: exit %d: %s", strings.Join(args, " "), code, errOut)
		}
	}
	record := filepath.Join(dir, "record")
	_, errOut, code := run(t, "export", "--config", cfg, "PA-2026-000009", "--out", record, "--reason", "kiểm tra")
	if code != exitFailed || !strings.Contains(errOut, "no report PA-2026-000009") {
		t.Errorf("export of no report: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(record); err == nil {
		t.Errorf("the export of no report left %s", record)
	}
}
