package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/routing"
)

func TestOperators(t *testing.T) {
	var all strings.Builder
	all.WriteString("[[operators]]\nemail = \"r@example.gov.vn\"\nrole = \"receiver\"\n[[operators]]\nemail = \"a@example.gov.vn\"\nrole = \"approver\"\n")
	var handlers strings.Builder // a handler but no leader for each agency
	for _, a := range routing.Default().Agencies() {
		fmt.Fprintf(&handlers, "[[operators]]\nemail = \"h@%s.example.gov.vn\"\nrole = \"handler\"\nagency = %q\n", a.Code, a.Code)
	}
	all.WriteString(handlers.String())
	noLeader := all.String()
	for _, a := range routing.Default().Agencies() {
		fmt.Fprintf(&all, "[[operators]]\nemail = \"l@%s.example.gov.vn\"\nrole = \"leader\"\nagency = %q\n", a.Code, a.Code)
	}
	cases := []struct {
		name, body string
		code       int
		stderr     string
	}{
		{"complete", all.String(), exitOK, ""},
		{"no leader (Art 15.3)", strings.Replace(noLeader, "[[operators]]", "[[operators]]\nemail = \"l@ubnd-vi-thuy.example.gov.vn\"\n"+
			"role = \"leader\"\nagency = \"ubnd-vi-thuy\"\n[[operators]]", 1), exitFailed,
			"no leader for 22 agencies (Art 15.3: each agency names a leader, who gets the overdue alerts of its reports): so-tttt, so-gtvt"},
		{"missing handlers", testOperators, exitFailed, "no handler for 22 agencies (their notices go to their leaders and " +
			"their official mailbox, email in the routing table): so-tttt, so-gtvt"},
		{"an agency nobody hears from", unreachableTable(t) + "[[operators]]\nemail = \"r@example.gov.vn\"\nrole = \"receiver\"\n" +
			"[[operators]]\nemail = \"a@example.gov.vn\"\nrole = \"approver\"\n" +
			"[[operators]]\nemail = \"h@example.gov.vn\"\nrole = \"handler\"\nagency = \"power\"\n" +
			"[[operators]]\nemail = \"l@example.gov.vn\"\nrole = \"leader\"\nagency = \"ubnd-a\"\n",
			exitFailed, "agency roads (Sở Giao thông) has no handler, no leader and no official mailbox: forwarding to it is refused"},
		{"unknown agency", all.String() + "[[operators]]\nemail = \"x@example.gov.vn\"\nrole = \"leader\"\nagency = \"so-khong-co\"\n",
			exitFailed, `agency "so-khong-co" is not in the routing table`},
		{"unknown agency in a table not filled in", all.String() + "[[operators]]\nemail = \"\"\nrole = \"leader\"\nagency = \"so-khong-co\"\n",
			exitFailed, `(its email not filled in): agency "so-khong-co" is not in the routing table`},
		{"no approver", strings.Replace(all.String(), `role = "approver"`, `role = "admin"`, 1), exitFailed, "no approver"},
		{"a receiver who is an agency's handler too", all.String() + "[[operators]]\nemail = \"H@dien-luc.example.gov.vn\"\nrole = \"receiver\"\n",
			exitOK, "warning: H@dien-luc.example.gov.vn is the Center's receiver and the handler of dien-luc: " +
				"its notices as the Center's show confidential reports' citizens and carry files not cleaned of their metadata"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "phananh.toml")
			os.WriteFile(path, []byte(c.body), 0o600)
			var stdout, stderr bytes.Buffer
			if code := dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr); code != c.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), c.stderr)
			}
		})
	}
}

// TestOperatorsListsAgencies: `phananh operators` lists every agency of
// the configured table with its code, its names and its handlers and
// leaders, says which have none, and writes the [[operators]] tables that
// would give them one (testdata/operators/TABLE.txt).
func TestOperatorsListsAgencies(t *testing.T) {
	for _, table := range routing.BuiltinNames() {
		t.Run(table, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "phananh.toml")
			leader := "[[operators]]\nemail = \"lanhdao@dienluc.example.gov.vn\"\nrole = \"leader\"\nagency = \"dien-luc\"\n"
			os.WriteFile(path, []byte(fmt.Sprintf("[rules]\ntable = %q\n", table)+testOperators+leader), 0o600)
			var stdout, stderr bytes.Buffer
			if code := dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr); code != exitFailed {
				t.Errorf("exit %d, want %d (agencies lack handlers)", code, exitFailed)
			}
			goldenFile(t, filepath.Join("testdata", "operators", table+".txt"), stdout.Bytes())
			for _, want := range []string{"so-tttt", "Sở Thông tin và Truyền thông", "Department of Information and Communications"} {
				if table == "appendix1" && !strings.Contains(stdout.String(), want) {
					t.Errorf("the listing lacks %q", want)
				}
			}
		})
	}
}

// unreachableTable is the [rules] table of a configuration naming the
// small test table, whose agencies have no official mailbox.
func unreachableTable(t *testing.T) string {
	path, err := filepath.Abs("../../rules/routing/testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("[rules]\nfile = %q\n\n", path)
}

// TestServeWarnsOfUnreachableAgencies: at start, `serve` warns of each
// agency nobody would hear from, of the agencies without a leader (Art
// 15.3), and of a missing escalation address.
func TestServeWarnsOfUnreachableAgencies(t *testing.T) {
	path, _ := filepath.Abs("../../rules/routing/testdata/small.toml")
	table, err := routing.NewHolder(path, "")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	ops := []config.Operator{
		{Email: "h@example.gov.vn", Role: config.RoleHandler, Agency: "power"},
		{Email: "l@example.gov.vn", Role: config.RoleLeader, Agency: "ubnd-a"}}
	d := &daemon{app: &app{cfg: &config.Config{Operators: ops}, operators: newOperators(ops),
		routing: table, log: slog.New(slog.NewTextHandler(&log, nil))}}
	d.warnUnreachable()
	got := log.String()
	for _, want := range []string{"agency=roads", "agency=ubnd-b", "no escalation address", "without a leader", `agencies="power, roads, ubnd-b"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the warnings lack %q:\n%s", want, got)
		}
	}
	for _, reached := range []string{"agency=power", "agency=ubnd-a", "agency=center"} {
		if strings.Contains(got, reached) {
			t.Errorf("a warning names %s:\n%s", reached, got)
		}
	}
}

// TestOperatorsTablesComplete: the [[operators]] tables `phananh operators`
// writes, their addresses filled in and appended to the configuration, give
// every agency the handler and the leader it lacked: the command then passes.
func TestOperatorsTablesComplete(t *testing.T) {
	for _, table := range routing.BuiltinNames() {
		t.Run(table, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "phananh.toml")
			body := fmt.Sprintf("[rules]\ntable = %q\n", table) + testOperators
			tables := strings.Split(tablesToFill(t, path, body), `email = ""`)
			for n := range tables[1:] {
				tables[n+1] = fmt.Sprintf("email = \"p%d@example.gov.vn\"", n) + tables[n+1]
			}
			os.WriteFile(path, []byte(body+strings.Join(tables, "")), 0o600)
			var stdout, stderr bytes.Buffer
			if code := dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr); code != exitOK {
				t.Errorf("filled in: exit %d: %s", code, stderr.String())
			}
		})
	}
}

// tablesToFill writes the configuration body in path and returns the
// [[operators]] tables `phananh operators` then writes to fill in.
func tablesToFill(t *testing.T, path, body string) string {
	t.Helper()
	os.WriteFile(path, []byte(body), 0o600)
	var stdout, stderr bytes.Buffer
	dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr)
	i := strings.Index(stdout.String(), "\n[[operators]]")
	if i < 0 {
		t.Fatalf("no [[operators]] table to fill in:\n%s", stdout.String())
	}
	return stdout.String()[i:]
}

// TestUnknownAgencyNamesLine: an [[operators]] table whose agency code
// the routing table lacks, filled in or not, is named by the file and the
// line of the configuration that write it, in `operators` as in `check`:
// an operator's by the line of its agency, a table not filled in by the
// line of its empty email (config.Operator.Line).
func TestUnknownAgencyNamesLine(t *testing.T) {
	tests := []struct {
		name, table string
		at          string // the key whose line names the table
	}{
		{"an operator", "[[operators]]\nemail = \"x@example.gov.vn\"\nrole = \"leader\"\nagency = \"so-khong-co\"\n", "agency"},
		{"a table not filled in", "[[operators]]\nemail = \"\"\nrole = \"leader\"\nagency = \"so-khong-co\"\n", "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := testOperators + "\n" + tt.table
			path := filepath.Join(t.TempDir(), "phananh.toml")
			os.WriteFile(path, []byte(body), 0o600)
			want := fmt.Sprintf("%s:%d:", path, strings.Count(body[:strings.LastIndex(body, tt.at+" = ")], "\n")+1)
			for _, cmd := range []string{"operators", "check"} {
				var stdout, stderr bytes.Buffer
				dispatch(context.Background(), []string{cmd, "--config", path}, &stdout, &stderr)
				out := stdout.String() + stderr.String()
				line := lineWith(out, `agency "so-khong-co" is not in the routing table`)
				if i := strings.Index(line, `agency "so-khong-co"`); i < 0 || !strings.Contains(line[:i], want) {
					t.Errorf("%s: the unknown agency is not named with %s:\n%s", cmd, want, out)
				}
				if hint := "phananh operators --config " + path; cmd == "check" && !strings.Contains(out, hint) {
					t.Errorf("check: the fix does not point to %s:\n%s", hint, out)
				}
			}
		})
	}
}

// TestOperatorsTablesHalfFilled: the [[operators]] tables `phananh
// operators` writes, pasted into the configuration with only the first
// address filled in, do not stop it from loading: the filled one is an
// operator, the others are not yet, and `operators`, `check` and serve's
// start log warn of each with the file and the line of its empty email.
func TestOperatorsTablesHalfFilled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phananh.toml")
	pasted := strings.Replace(tablesToFill(t, path, testOperators), `email = ""`, `email = "xd@example.gov.vn"`, 1)
	body := testOperators + pasted
	os.WriteFile(path, []byte(body), 0o600)
	var empty []string // path:LINE of each email left empty
	for n, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, `email = ""`) {
			empty = append(empty, fmt.Sprintf("%s:%d:", path, n+1))
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the pasted tables, half filled in, do not load: %v", err)
	}
	if len(cfg.Unfilled) != len(empty) || !slices.ContainsFunc(cfg.Operators, func(op config.Operator) bool { return op.Email == "xd@example.gov.vn" }) {
		t.Errorf("%d operators, %d tables not filled in (want %d), the filled one in: %v", len(cfg.Operators), len(cfg.Unfilled), len(empty), cfg.Operators)
	}
	if slices.ContainsFunc(cfg.Operators, func(op config.Operator) bool { return op.Email == "" }) {
		t.Errorf("an operator without an address: %v", cfg.Operators)
	}
	var stdout, stderr bytes.Buffer
	if code := dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr); code != exitFailed {
		t.Errorf("operators: exit %d, want %d: the agencies still lack handlers", code, exitFailed)
	}
	var log bytes.Buffer
	warnUnfilled(slog.New(slog.NewTextHandler(&log, nil)), cfg)
	var checked bytes.Buffer
	dispatch(context.Background(), []string{"check", "--config", path}, &checked, &checked)
	for _, at := range empty {
		if !strings.Contains(log.String(), at) {
			t.Errorf("serve's log does not name the empty email at %s:\n%s", at, log.String())
		}
	}
	if strings.Count(log.String(), "not yet an operator") != len(empty) {
		t.Errorf("serve's log: want %d tables said not yet an operator:\n%s", len(empty), log.String())
	}
	// operators lists each on its stdout, with its line: its stderr says
	// so once.
	for _, at := range empty {
		if !strings.Contains(stdout.String(), strings.TrimSuffix(at, ":")+" ") {
			t.Errorf("operators does not list the empty email at %s:\n%s", at, stdout.String())
		}
	}
	once := fmt.Sprintf("warning: %s: %d [[operators]] tables with an empty email, not yet operators", path, len(empty))
	if strings.Count(stderr.String(), "empty email") != 1 || !strings.Contains(stderr.String(), once) {
		t.Errorf("operators' stderr does not say once that %d tables are not yet operators (%s):\n%s", len(empty), once, stderr.String())
	}
	// check's one line stays readable: the count and the first few.
	line := lineOf(checked.String(), "operators")
	first := strings.TrimSuffix(strings.Join(empty[:3], " "), ":")
	summary := fmt.Sprintf("%d [[operators]] tables with an empty email, not yet operators: %s and %d more",
		len(empty), strings.ReplaceAll(first, ": ", ", "), len(empty)-3)
	if !strings.Contains(line, summary) || strings.Contains(line, empty[3]) || len(line) > 1500 {
		t.Errorf("check's operators line does not give the count and the first three tables (%s):\n%s", summary, line)
	}
	// So do its lists of the agencies without a handler or a leader.
	if last := routing.Default().Agencies(); strings.Contains(line, last[len(last)-1].Code) || !strings.Contains(line, "21 agencies have no handler: their notices go to their leaders and official mailbox: so-gtvt, so-tnmt, so-xd, so-yt, so-gddt and 16 more") {
		t.Errorf("check's operators line lists every agency without a handler or a leader:\n%s", line)
	}
}

// TestOperatorsPointsAtUnfilledTables: the [[operators]] tables `phananh
// operators` writes, pasted into the configuration with their emails still
// empty, are not written again on the next run (pasting its output again
// would make duplicates): the handler or leader an agency lacks is pointed
// at the table already there, with the file and the line of its email.
func TestOperatorsPointsAtUnfilledTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phananh.toml")
	pasted := tablesToFill(t, path, testOperators)
	// The first table filled in, the second left out: written again.
	tables := strings.SplitAfter(pasted, "\n[[operators]]")
	second := "[[operators]]" + strings.TrimSuffix(tables[2], "\n[[operators]]")
	pasted = strings.Replace(pasted, `email = ""`, `email = "p@example.gov.vn"`, 1)
	pasted = strings.Replace(pasted, "\n"+second, "", 1)
	body := testOperators + pasted
	os.WriteFile(path, []byte(body), 0o600)
	var stdout, stderr bytes.Buffer
	dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr)
	out := stdout.String()
	if got := strings.Count(out, "\n[[operators]]"); got != 1 || !strings.Contains(out, second) {
		t.Errorf("want only the table left out written again (%q), got %d tables:\n%s", second, got, out)
	}
	for n, line := range strings.Split(body, "\n") {
		if line == `email = ""` && !strings.Contains(out, fmt.Sprintf("%s:%d ", path, n+1)) {
			t.Errorf("the table at line %d, its email empty, is not pointed at:\n%s", n+1, out)
		}
	}
}

// TestOperatorsNamesUnlistedUnfilledTables: `phananh operators` warns of
// the [[operators]] tables with an empty email in one line, which names by
// file and line those its listing does not point at (a second table for
// the same agency and role, a receiver's).
func TestOperatorsNamesUnlistedUnfilledTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phananh.toml")
	pasted := tablesToFill(t, path, testOperators)
	first := "[[operators]]" + strings.SplitAfter(pasted, "\n[[operators]]")[1]
	first = strings.TrimSuffix(first, "\n[[operators]]")
	body := testOperators + pasted + "\n" + first + "\n[[operators]]\nemail = \"\"\nrole = \"receiver\"\n"
	os.WriteFile(path, []byte(body), 0o600)
	lines := strings.Split(body, "\n")
	var unlisted []string
	for n := len(lines) - 1; len(unlisted) < 2; n-- {
		if lines[n] == `email = ""` {
			unlisted = append([]string{fmt.Sprintf("%s:%d", path, n+1)}, unlisted...)
		}
	}
	var stdout, stderr bytes.Buffer
	dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr)
	var line string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, "empty email") {
			line = l
		}
	}
	if strings.Count(stderr.String(), "empty email") != 1 {
		t.Errorf("more than one line of stderr warns of the empty emails:\n%s", stderr.String())
	}
	for _, at := range unlisted {
		if strings.Contains(stdout.String(), at+" ") || !strings.Contains(line, at) {
			t.Errorf("the table at %s is listed on stdout, or not named on the warning's line:\n%s", at, line)
		}
	}
}
