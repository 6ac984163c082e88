package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = dispatch(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

// TestIngestShowBackup runs the file commands as an operator would.
func TestIngestShowBackup(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\n"+testOperators)
	report := writeFile(t, dir, "r.eml", citizenReport(1, "an@example.com"))
	var nested strings.Builder
	for i := range 50 {
		fmt.Fprintf(&nested, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	bomb := writeFile(t, dir, "bomb.eml", "From: x@example.net\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"+nested.String())
	out, _, code := run(t, "ingest", "--config", cfg, "--received", "2026-11-23T08:15:00+07:00", report, report, bomb, filepath.Join(dir, "none.eml"))
	if code != exitFailed {
		t.Errorf("exit %d, want 1 (two files failed)", code)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		if len(m) != 8 {
			t.Errorf("line %s has %d keys, want all 8", sc.Text(), len(m))
		}
		lines = append(lines, m)
	}
	want := []string{"report PA-2026-000001 received dien vi-thuy dien-luc", "duplicate PA-2026-000001 received dien vi-thuy dien-luc", "error     ", "error     "}
	for i, w := range want {
		l := lines[i]
		got := strings.Join([]string{l["kind"].(string), l["code"].(string), l["state"].(string), l["field"].(string), l["unit"].(string), l["agency"].(string)}, " ")
		if got != w {
			t.Errorf("line %d: %q, want %q", i, got, w)
		}
	}
	if e := lines[2]["error"].(string); !strings.Contains(e, "MIME depth") {
		t.Errorf("quarantined file's error %q", e)
	}

	out, _, code = run(t, "show", "--config", cfg, "PA-2026-000001")
	var shown map[string]any
	if err := json.Unmarshal([]byte(out), &shown); err != nil || code != exitOK {
		t.Fatalf("show: %v, exit %d: %s", err, code, out)
	}
	for key, want := range map[string]any{"code": "PA-2026-000001", "state": "received", "field": "dien", "unit": "vi-thuy",
		"agency": "dien-luc", "urgent": false, "confidential": false, "received_at": "2026-11-23T08:15:00+07:00", "rating": ""} {
		if shown[key] != want {
			t.Errorf("show %s = %v, want %v", key, shown[key], want)
		}
	}
	intake := shown["deadlines"].(map[string]any)["intake"].(map[string]any)
	if intake["due"] != "2026-11-23T10:15:00+07:00" || intake["state"] != "overdue" {
		t.Errorf("intake deadline %v", intake)
	}
	events := shown["events"].([]any)
	if e := events[0].(map[string]any); len(events) != 1 || e["actor"] != "system" || e["to"] != "received" || e["from"] != "" {
		t.Errorf("events %v", events)
	}
	if _, _, code := run(t, "show", "--config", cfg, "PA-2026-000002"); code != exitFailed {
		t.Errorf("show of a missing report: exit %d", code)
	}

	dest := filepath.Join(dir, "backup")
	if _, errOut, code := run(t, "backup", "--config", cfg, dest); code != exitOK {
		t.Fatalf("backup: %s", errOut)
	}
	for _, p := range []string{"phananh.db", "data/blobs"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			t.Errorf("backup lacks %s", p)
		}
	}
	if _, _, code := run(t, "backup", "--config", cfg, dest); code != exitFailed {
		t.Error("a backup over a non-empty folder succeeded")
	}
	if _, err := os.Stat(filepath.Join(dest, "keys")); err == nil {
		t.Error("the data backup holds the keys")
	}
	keys := filepath.Join(dir, "keys-backup")
	if _, errOut, code := run(t, "backup", "--config", cfg, "--keys", keys); code != exitOK {
		t.Fatalf("backup --keys: %s", errOut)
	}
	if entries, _ := os.ReadDir(keys); len(entries) != 1 || entries[0].Name() != "data-keys.db" {
		t.Errorf("the key backup holds %v, want data-keys.db alone", entries)
	}
}

func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k")
	if _, e, code := run(t, "keygen", path); code != exitOK {
		t.Fatal(e)
	}
	b, _ := os.ReadFile(path)
	if len(strings.TrimSpace(string(b))) != 64 {
		t.Errorf("key file %q", b)
	}
	if _, _, code := run(t, "keygen", path); code != exitFailed {
		t.Error("keygen replaced a key")
	}
	if _, _, code := run(t, "keygen"); code != exitUsage {
		t.Error("keygen without a file is not bad usage")
	}
}

// TestKeygenRefusesMissingFolder: a key file's path whose folder does not
// exist — a mistyped path — is refused with the folder named, and no
// folder is made: a key nobody knows the place of is a key nobody keeps a
// copy of.
func TestKeygenRefusesMissingFolder(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "kyes")
	_, errOut, code := run(t, "keygen", filepath.Join(missing, "encryption.key"))
	if code != exitFailed || !strings.Contains(errOut, missing+" does not exist") {
		t.Errorf("exit %d, want %d naming %s: %s", code, exitFailed, missing, errOut)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("keygen made the folder %s", missing)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	if _, errOut, code := run(t, "keygen", filepath.Join(file, "encryption.key")); code != exitFailed || !strings.Contains(errOut, file+" is not a folder") {
		t.Errorf("a file for a folder: exit %d: %s", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"nope"}, {"ingest"}, {"show", "--config"}, {"serve", "extra"}} {
		if _, _, code := run(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	for _, c := range commands {
		if o, e, code := run(t, c.name, "--help"); code != exitOK || !strings.Contains(o+e, "usage: phananh "+c.name) {
			t.Errorf("%s --help: exit %d: %s%s", c.name, code, o, e)
		}
	}
}

// Bad usage says what is wrong before the usage: the flag required and
// left out, the argument missing or one too many.
func TestUsageSaysWhatIsWrong(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "phananh serve: --config is required\nusage: phananh serve"},
		{[]string{"serve", "--config", "c.toml", "extra"}, `phananh serve: unexpected argument "extra"`},
		{[]string{"ingest", "--config", "c.toml"}, "phananh ingest: at least one FILE.eml is required"},
		{[]string{"show", "--config", "c.toml"}, "phananh show: CODE is required"},
		{[]string{"show", "--config", "c.toml", "PA-2026-000001", "PA-2026-000002"}, `phananh show: unexpected argument "PA-2026-000002"`},
		{[]string{"export", "--config", "c.toml", "PA-2026-000001", "--out", "ban-sao"}, "phananh export: --reason is required"},
		{[]string{"export", "--config", "c.toml", "PA-2026-000001", "--reason", "CV 12"}, "phananh export: --out is required"},
		{[]string{"erase", "--config", "c.toml", "PA-2026-000001", "--reason", " "}, "phananh erase: --reason is required"},
		{[]string{"hold", "--config", "c.toml", "PA-2026-000001"}, "phananh hold: --reason is required"},
		{[]string{"subject", "--config", "c.toml"}, "phananh subject: --email or --phone is required"},
		{[]string{"subject", "--config", "c.toml", "--email", "a@b.vn", "--phone", "0901234567"}, "phananh subject: --email or --phone, not both"},
		{[]string{"backup", "--config", "c.toml"}, "phananh backup: DESTDIR is required"},
		{[]string{"restore", "--config", "c.toml"}, "phananh restore: BACKUPDIR is required"},
		{[]string{"keygen"}, "phananh keygen: FILE is required"},
		{[]string{"check"}, "phananh check: --config is required"},
		{[]string{"operators", "--config", "c.toml", "extra"}, `phananh operators: unexpected argument "extra"`},
		{[]string{"stats", "--config", "c.toml"}, "phananh stats: --out is required"},
		{[]string{"publish", "--config", "c.toml"}, "phananh publish: --out is required"},
		{[]string{"report", "--config", "c.toml", "--period", "monthly", "--at", "2026-11"}, "phananh report: --out is required"},
		{[]string{"report", "--config", "c.toml", "--at", "2026-11", "--out", "r"}, "phananh report: --period is required"},
		{[]string{"report", "--config", "c.toml", "--period", "daily", "--at", "2026-11", "--out", "r"}, "phananh report: --period: the daily digest has no report"},
		{[]string{"access-log"}, "phananh access-log: --config is required"},
		{[]string{"access-log", "--config", "c.toml", "--since", "hôm qua"}, "phananh access-log: --since: "},
		{[]string{"request", "--config", "c.toml"}, "phananh request: add, list, ack, extend or done is required"},
		{[]string{"request", "--config", "c.toml", "add", "--kind", "copy"}, "phananh request: add: --note is required"},
		{[]string{"request", "--config", "c.toml", "add", "--kind", "xem", "--note", "SĐK 12"}, `phananh request: add: --kind: "xem" is not copy, erasure or other`},
		{[]string{"request", "--config", "c.toml", "ack"}, "phananh request: ack: ID is required"},
		{[]string{"request", "--config", "c.toml", "ack", "mot"}, `phananh request: ack: "mot" is not a request's ID`},
		{[]string{"request", "--config", "c.toml", "close", "1"}, `phananh request: "close" is not add, list, ack, extend or done`},
		{[]string{"version", "extra"}, `phananh version: unexpected argument "extra"`},
		{[]string{"demo", "extra"}, `phananh demo: unexpected argument "extra"`},
	}
	for _, c := range cases {
		_, errOut, code := run(t, c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d: %s\nwant %q", c.args, code, errOut, c.want)
		}
	}
}

// A bad value, and a path the configuration names where nothing of that
// kind is, fail serve's start naming the file, the line and the key: a
// mistyped table file or templates folder is not left for the built-in
// ones to stand in for without a word.
func TestBadConfigFailsAtStart(t *testing.T) {
	dir := t.TempDir()
	notFolder := writeFile(t, dir, "mau-thu.txt", "")
	password := writeFile(t, dir, "imap.password", "mat-khau")
	servers := "[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\n\n[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\n\n"
	cases := []struct{ name, body, want string }{
		{"a bad port", "[imap]\nport = 0\n", "phananh.toml:2: imap.port: "},
		{"an unknown built-in table", "[rules]\ntable = \"2024\"\n", "phananh.toml:2: rules.table: "},
		{"a table file that is not there", "[rules]\nfile = \"bang-2025.toml\"\n",
			"phananh.toml:2: rules.file: routing table: open " + filepath.Join(dir, "bang-2025.toml") + ": no such file"},
		{"a templates folder that is not there", servers + "[templates]\ndir = \"mau-thu\"\n" + testOperators,
			"phananh.toml:10: templates.dir: templates: stat " + filepath.Join(dir, "mau-thu") + ": no such file"},
		{"a templates folder that is a file", servers + "[templates]\ndir = " + quote(notFolder) + "\n" + testOperators,
			"phananh.toml:10: templates.dir: templates: stat " + notFolder + ": not a directory"},
		{"no IMAP host", "[imap]\nport = 993\n" + testOperators, "phananh.toml:1: imap.host: must be set to serve"},
		{"no SMTP host", "[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\n\n[smtp]\nport = 587\n" + testOperators,
			"phananh.toml:5: smtp.host: must be set to serve"},
		{"no IMAP user", servers + testOperators, "phananh.toml:1: imap.username: must be set to serve"},
		{"no IMAP password", "[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nusername = \"phananh\"\n\n[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\n" +
			testOperators, "phananh.toml:1: imap.password_file: must name the password's file (or PHANANH_IMAP_PASSWORD be set) to serve"},
		{"a CA file that is not there", "[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nusername = \"phananh\"\npassword_file = " +
			quote(password) + "\nca_file = \"ca.pme\"\n\n[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\n" + testOperators,
			"phananh.toml:6: imap.ca_file: open " + filepath.Join(dir, "ca.pme") + ": no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeFile(t, dir, "phananh.toml", c.body)
			_, e, code := run(t, "serve", "--config", cfg)
			if code != exitFailed || !strings.Contains(e, c.want) {
				t.Errorf("serve: exit %d: %s\nwant %q", code, e, c.want)
			}
		})
	}
}

// A key that does not open the database is named with the database, the
// file it was read from and the line of the configuration naming it, by
// the commands that open the store and by serve (given the servers it
// checks before it opens the store).
func TestWrongKeyNamesDatabaseAndKey(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "imap.password", "mat-khau")
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\nencryption_key_file = \"keys/encryption.key\"\n\n"+
		"[imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nusername = \"phananh\"\npassword_file = \"imap.password\"\n\n"+
		"[smtp]\nhost = \"127.0.0.1\"\ntls = \"none\"\n"+testOperators)
	mustRun(t, "ingest", "--config", cfg, writeFile(t, dir, "r.eml", citizenReport(1, "an@example.com")))
	key := filepath.Join(dir, "keys", "encryption.key")
	os.Remove(key)
	mustRun(t, "keygen", key)
	want := filepath.Join(dir, "phananh.db") + ": key of " + key + " (security.encryption_key_file, " + cfg +
		":3): the encryption key does not open this database"
	for _, args := range [][]string{
		{"show", "--config", cfg, "PA-2026-000001"},
		{"serve", "--config", cfg},
	} {
		_, errOut, code := run(t, args...)
		if code != exitFailed || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d: %s\nwant %q", args[0], code, errOut, want)
		}
	}
}
