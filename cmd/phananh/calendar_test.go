package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// calendarTestdata holds the spec's calendar and vectors, copied into the
// calendar package.
const calendarTestdata = "../../rules/calendar/testdata/"

// TestCalendarDueVectors runs every row of deadline-vectors.tsv through
// "phananh calendar due".
func TestCalendarDueVectors(t *testing.T) {
	dirs := []string{calendarTestdata}
	if _, err := os.Stat("/work/shared/spec/deadline-vectors.tsv"); err == nil {
		dirs = append(dirs, "/work/shared/spec/")
		t.Log("also read 2 files from /work/shared/spec/")
	}
	for _, dir := range dirs {
		f, err := os.Open(dir + "deadline-vectors.tsv")
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			c := strings.Split(line, "\t")
			if len(c) != 5 {
				t.Fatalf("%s: bad row %q", dir, line)
			}
			rows++
			code, stdout, stderr := runCalendarArgs("due", "--calendar", dir+"calendar-test.toml", "--kind", c[1], "--from", c[2], "--arg", c[3])
			if code != exitOK || stdout != c[4]+"\n" || stderr != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q; want %s", dir, c[0], code, stdout, stderr, c[4])
			}
		}
		f.Close()
		if rows < 40 {
			t.Errorf("%s: only %d rows", dir, rows)
		}
	}
}

func TestCalendarDueErrors(t *testing.T) {
	cal := calendarTestdata + "calendar-test.toml"
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[calendar]\nworking_hours = [\"13:00-17:00\", \"07:00-11:00\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	from := "2026-11-23T08:00:00+07:00"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", nil, exitUsage, "usage: phananh calendar due"},
		{"unknown subcommand", []string{"next"}, exitUsage, `unknown subcommand "next"`},
		{"missing flag", []string{"due", "--calendar", cal, "--kind", "intake", "--from", from}, exitUsage, "--arg is required"},
		{"unknown flag", []string{"due", "--calendar", cal, "--days", "2"}, exitUsage, "flag provided but not defined: -days"},
		{"extra argument", []string{"due", "--calendar", cal, "--kind", "intake", "--from", from, "--arg", "normal", "x"}, exitUsage, `unexpected argument "x"`},
		{"bad from", []string{"due", "--calendar", cal, "--kind", "intake", "--from", "2026-11-23 08:00", "--arg", "normal"}, exitUsage, "--from: \"2026-11-23 08:00\" is not an RFC 3339 instant"},
		{"bad kind", []string{"due", "--calendar", cal, "--kind", "days", "--from", from, "--arg", "2"}, exitUsage, `"days" is not a kind`},
		{"bad arg", []string{"due", "--calendar", cal, "--kind", "working-days", "--from", from, "--arg", "0.5"}, exitUsage, `working days: "0.5" is not a whole number of days`},
		{"missing calendar", []string{"due", "--calendar", "absent.toml", "--kind", "intake", "--from", from, "--arg", "normal"}, exitFailed, "absent.toml: no such file or directory"},
		{"bad calendar", []string{"due", "--calendar", bad, "--kind", "intake", "--from", from, "--arg", "normal"}, exitFailed,
			bad + `: calendar.working_hours: "07:00-11:00" comes after "13:00-17:00": list the intervals in order`},
	} {
		code, stdout, stderr := runCalendarArgs(tc.args...)
		if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d and stderr holding %q", tc.name, code, stdout, stderr, tc.code, tc.stderr)
		}
	}
}

func TestCalendarHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"due", "--help"}} {
		code, stdout, stderr := runCalendarArgs(args...)
		if code != exitOK || !strings.Contains(stdout+stderr, "--kind working-hours|working-days|intake") {
			t.Errorf("%q: exit %d, output %q", args, code, stdout+stderr)
		}
	}
}

// TestCalendarDueFromDispatch checks the command table reaches runCalendar and
// that a fractional hour prints without a fraction of a second.
func TestCalendarDueFromDispatch(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := dispatch(context.Background(), []string{"calendar", "due", "--calendar", calendarTestdata + "calendar-test.toml",
		"--kind", "working-hours", "--from", "2026-11-23T01:00:00Z", "--arg", "0.25"}, &stdout, &stderr)
	if code != exitOK || stdout.String() != "2026-11-23T08:15:00+07:00\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func runCalendarArgs(args ...string) (code int, stdout, stderr string) {
	var out, errs bytes.Buffer
	code = runCalendar(context.Background(), args, &out, &errs)
	return code, out.String(), errs.String()
}
