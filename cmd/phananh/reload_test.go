package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestReload changes the routing table and a template under a running
// daemon: a good table replaces the old one, a bad one is refused and the
// old one stays; the same for templates.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "rules.toml")
	tplDir := filepath.Join(dir, "templates")
	os.MkdirAll(tplDir, 0o700)
	os.WriteFile(table, routing.BuiltinFile(routing.DefaultName), 0o600)
	e := newEnv(t, envOptions{extra: "[rules]\nfile = " + quote(table) + "\n[templates]\ndir = " + quote(tplDir) + "\n"})
	e.startDaemon()
	d := e.daemon
	before := d.routing.Load().Version()

	changed := strings.Replace(string(routing.BuiltinFile(routing.DefaultName)), `"mất điện"`, `"mất điện", "chập chờn"`, 1)
	os.WriteFile(table, []byte(changed), 0o600)
	if err := d.reload(); err != nil {
		t.Fatal(err)
	}
	good := d.routing.Load().Version()
	if good == before {
		t.Fatal("the changed table was not loaded")
	}

	os.WriteFile(table, []byte(changed+"\n[[rule]]\nfield = \"x\"\nname = \"X\"\nscope = \"*\"\nagency = \"khong-co\"\n"), 0o600)
	if err := d.reload(); err == nil || !strings.Contains(err.Error(), "rules.toml:") {
		t.Errorf("a bad table: %v, want its file and line", err)
	}
	if d.routing.Load().Version() != good {
		t.Error("a bad table replaced the good one")
	}

	os.WriteFile(filepath.Join(tplDir, "ack.vi.txt"), []byte(`{{define "subject"}}Đã nhận{{end}}{{.NoSuchField}}`), 0o600)
	set := d.templates.Load()
	if err := d.reload(); err == nil {
		t.Error("a broken template was accepted")
	}
	if d.templates.Load() != set {
		t.Error("a broken template replaced the good ones")
	}
}

func quote(s string) string { return `"` + s + `"` }
