package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// unfilledOnly rewrites the environment's configuration with its
// [[operators]] tables replaced by ones whose email is left empty, as the
// example ships them and `phananh operators` prints them, and returns the
// line of the first table's email.
func unfilledOnly(t *testing.T, path string) int {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(body, []byte("[[operators]]"))
	if i < 0 {
		t.Fatal("no [[operators]] in the configuration")
	}
	body = append(body[:i:i], "[[operators]]\nemail = \"\"\nrole = \"receiver\"\n\n[[operators]]\nemail = \"\"\nrole = \"handler\"\nagency = \"dien-luc\"\n"...)
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return bytes.Count(body[:i], []byte("\n")) + 2
}

// TestServeRefusesOnlyUnfilledOperators: an installation whose
// [[operators]] tables are all still to fill in — the example as shipped,
// or a fresh paste of `phananh operators` — has nobody to tell of a
// report: citizens would be acknowledged and the legal deadlines run with
// no one at the Center knowing. serve refuses to start, naming each table
// by file and line (a bad configuration fails at start), and a reload to
// such a file is refused while the operators in use stay.
func TestServeRefusesOnlyUnfilledOperators(t *testing.T) {
	e := newEnv(t, envOptions{})
	stop := e.startDaemon()
	line := unfilledOnly(t, e.config)
	if err := e.daemon.reloadOperators(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d:", e.config, line)) {
		t.Errorf("the reload to tables not filled in: %v, want refused naming %s:%d", err, e.config, line)
	}
	if ops := e.daemon.operators.Config(); len(ops) == 0 {
		t.Errorf("the reload left no operator in use")
	}

	stop()
	d, err := newDaemon(context.Background(), e.config, testLogger(t))
	if err == nil {
		d.Close()
		t.Fatal("serve started with no operator filled in")
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("%s:%d:", e.config, line)) {
		t.Errorf("the refusal does not name the table's line: %v", err)
	}
}
