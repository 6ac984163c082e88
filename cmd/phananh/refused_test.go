package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/config"
)

// TestRefusedStartLeavesNothing: a start refused for a configuration or
// table problem — the [[operators]] tables as the example ships them, a
// routing table, a holiday file or a template that does not load — names
// the file and line at fault and changes nothing on disk: on a new
// installation whose data folder is empty, no database, key file, key
// store or lock is made (serve, and ingest, which starts an installation
// too), so that the start after the fix is the installation's first.
func TestRefusedStartLeavesNothing(t *testing.T) {
	fixtures, err := filepath.Abs(filepath.Join("testdata", "refused"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		command string // serve or ingest
		extra   string // more TOML for the configuration
		// unfilled leaves the [[operators]] tables' emails empty.
		unfilled bool
		// held has the data folder's lock held, as a running serve holds it.
		held bool
		want string // in the refusal; "" for the configuration's line of its first operator
	}{
		{name: "operators still to fill in", command: "serve", unfilled: true},
		{name: "a routing table with a fault", command: "serve", extra: fmt.Sprintf("[rules]\nfile = %q\n", filepath.Join(fixtures, "table.toml")),
			want: "table.toml:4: agency x: nmae: unknown key"},
		{name: "a holiday file with a day that is no date", command: "serve",
			extra: fmt.Sprintf("[calendar]\nholidays_file = %q\n", filepath.Join(fixtures, "holidays.toml")),
			want:  `holidays.toml:4: holidays: "2026-13-01" is not a date`},
		{name: "a template that does not parse", command: "serve",
			extra: fmt.Sprintf("[templates]\ndir = %q\n", filepath.Join(fixtures, "templates")), want: "ack.vi.txt:"},
		{name: "another serve running", command: "serve", held: true, want: "another phananh serve is running"},
		{name: "ingest with operators still to fill in", command: "ingest", unfilled: true},
		{name: "ingest with a routing table with a fault", command: "ingest",
			extra: fmt.Sprintf("[rules]\nfile = %q\n", filepath.Join(fixtures, "table.toml")), want: "table.toml:4: agency x: nmae: unknown key"},
		{name: "ingest with a holiday file with a day that is no date", command: "ingest",
			extra: fmt.Sprintf("[calendar]\nholidays_file = %q\n", filepath.Join(fixtures, "holidays.toml")),
			want:  `holidays.toml:4: holidays: "2026-13-01" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{extra: tt.extra})
			want := tt.want
			if tt.unfilled {
				want = fmt.Sprintf("%s:%d:", e.config, unfilledOnly(t, e.config))
			}
			if err := os.Mkdir(filepath.Join(e.dir, "data"), 0o700); err != nil {
				t.Fatal(err)
			}
			if tt.held {
				lock, err := lockDataDir(filepath.Join(e.dir, "data"))
				if err != nil {
					t.Fatal(err)
				}
				defer lock.Close()
			}
			before := tree(t, e.dir)
			args := []string{tt.command, "--config", e.config}
			if tt.command == "ingest" {
				args = append(args, writeFile(t, t.TempDir(), "r.eml", citizenReport(1, "nguoidan@example.com")))
			}
			stdout, stderr, code := run(t, args...)
			if code != exitFailed || !strings.Contains(stderr, want) {
				t.Errorf("%s: exit %d, want %d naming %q: %s%s", tt.command, code, exitFailed, want, stdout, stderr)
			}
			if after := tree(t, e.dir); !slices.Equal(after, before) {
				t.Errorf("the refused %s changed the installation's folder:\nbefore %q\nafter  %q", tt.command, before, after)
			}
		})
	}
}

// tree lists the files and folders under dir, by their path in it.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		paths = append(paths, rel)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestOpenAppCheckBeforeInstall: openAppAs gives its check the loaded
// configuration before install: a refusal is returned as it is and makes
// nothing on disk, as ingest's refusal of operators still to fill in
// does (TestRefusedStartLeavesNothing); a pass opens the store.
func TestOpenAppCheckBeforeInstall(t *testing.T) {
	refused := errors.New("refused by the command")
	for _, c := range []struct {
		name string
		err  error
	}{{"refused", refused}, {"passed", nil}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			if err := os.Mkdir(filepath.Join(e.dir, "data"), 0o700); err != nil {
				t.Fatal(err)
			}
			before := tree(t, e.dir)
			var given *config.Config
			a, err := openAppAs(t.Context(), e.config, testLogger(t), true, func(cfg *config.Config) error {
				given = cfg
				return c.err
			})
			if given == nil || given.Path != e.config {
				t.Errorf("check given %+v; want the configuration of %s", given, e.config)
			}
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Errorf("open: %v; want the check's refusal", err)
				}
				if after := tree(t, e.dir); !slices.Equal(after, before) {
					t.Errorf("the refused start changed the installation's folder:\nbefore %q\nafter  %q", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if _, err := os.Stat(a.cfg.Store.Path); err != nil {
				t.Errorf("the store was not made: %v", err)
			}
		})
	}
}
