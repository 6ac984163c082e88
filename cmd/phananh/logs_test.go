package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// TestMain runs the package's tests, the end-to-end suite included, with
// every daemon logging JSON (as PHANANH_LOG_FORMAT=json) into e2eLogs, and
// then fails the run if those logs hold personal data (SPEC 10.2: logs
// never print personal data in clear).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := e2eLogs.check(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: the end-to-end tests' logs:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// e2eLogs collects the JSON log lines of the daemons the end-to-end tests
// run, in the test's process (testLogger) and in child processes.
var e2eLogs jsonLogs

// jsonLogs is a log sink that keeps whole lines from several writers.
type jsonLogs struct {
	mu    sync.Mutex
	lines [][]byte
}

func (l *jsonLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range bytes.Split(bytes.TrimRight(p, "\n"), []byte("\n")) {
		l.lines = append(l.lines, bytes.Clone(line))
	}
	return len(p), nil
}

// stream returns a writer for a child process's standard error, which
// arrives in pieces: it hands on whole lines.
func (l *jsonLogs) stream() (w *os.File, done func()) {
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			l.Write(sc.Bytes())
		}
		r.Close()
	}()
	return w, func() { w.Close(); <-finished }
}

// The personal data the end-to-end tests put in mail: addresses (every
// address but our own mailbox's), phone numbers, and the citizens' names
// as written without diacritics. Text with diacritics is any citizen's
// words: only the operators' configured names may carry it.
var (
	logAddress = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	logPhone   = regexp.MustCompile(`(?:^|[^\d.:])(?:\+84|84|0)(?:[ .\-]?\d){8,10}(?:$|\D)`)
	logNames   = []string{"Nguyen Van An", "Pham Thi Hoa", "Tran Thi Bich", "Ngo Thi Duyen", "Le Van Cuong", "John Smith", "Nguoi dan"}
)

// check returns an error naming every log value that holds personal data,
// and every data race that a child daemon built with -race reported on its
// standard error (the race detector writes there; the child, killed or
// ending, would leave it unread), or nil.
func (l *jsonLogs) check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if races := l.races(); len(races) > 0 {
		return fmt.Errorf("%d data races in the daemons' processes:\n%s", len(races), strings.Join(races, "\n"))
	}
	var leaks []string
	for _, line := range l.lines {
		var entry map[string]any
		if err := json.Unmarshal(line, &entry); err != nil {
			// A child's last words before it was killed, or before the
			// logger existed: checked whole.
			entry = map[string]any{"line": string(line)}
		}
		for key, v := range entry {
			if s, ok := v.(string); ok && key != "time" {
				if why := personal(key, s); why != "" {
					leaks = append(leaks, fmt.Sprintf("%s in %s=%q (%s)", why, key, s, entry["msg"]))
				}
			}
		}
	}
	if len(leaks) > 0 {
		return fmt.Errorf("%d values with personal data:\n%s", len(leaks), strings.Join(leaks, "\n"))
	}
	return nil
}

// races returns the race detector's reports among the lines, each whole:
// from its "WARNING: DATA RACE" to the line of "=" that ends it.
func (l *jsonLogs) races() []string {
	var races []string
	for i, line := range l.lines {
		if string(line) != "WARNING: DATA RACE" {
			continue
		}
		report := []string{"=================="}
		for _, r := range l.lines[i:] {
			if report = append(report, string(r)); strings.HasPrefix(string(r), "====") {
				break
			}
		}
		races = append(races, strings.Join(report, "\n"))
	}
	return races
}

// personal says what personal data a logged value holds, or "".
func personal(key, s string) string {
	for _, a := range logAddress.FindAllString(s, -1) {
		if !strings.HasSuffix(strings.ToLower(a), "@haugiang.gov.vn") {
			return "an email address"
		}
	}
	if logPhone.MatchString(s) {
		return "a phone number"
	}
	for _, n := range logNames {
		if strings.Contains(strings.ToLower(s), strings.ToLower(n)) {
			return "a citizen's name"
		}
	}
	if key != "operator" && strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLetter(r) }) {
		return "text a citizen may have written"
	}
	return ""
}

// TestLogCheck holds the check of the end-to-end logs to what it must
// find.
func TestLogCheck(t *testing.T) {
	for _, c := range []struct {
		key, value string
		leak       bool
	}{
		{"msg", "message processed", false},
		{"operator", "Tiếp nhận", false},
		{"operator", "operator-1a2b3c4d", false},
		{"report", "PA-2026-000001", false},
		{"now", "2026-12-06T23:45:29.085864645+07:00", false},
		{"file", "/tmp/TestE2EForgeries576767545/001/keys/token.key", false},
		{"err", "dial tcp 127.0.0.1:2525: connection refused", false},
		{"to", "phananh@haugiang.gov.vn", false},
		{"operator", "tiepnhan@example.gov.vn", true},
		{"err", `mail: expected single address, got "\r\nBcc: an.nguyen@example.com"`, true},
		{"reason", "số 0912 345 678", true},
		{"reason", "call 0912345678", true},
		{"subject", "Mất điện", true},
		{"name", "Nguyen Van An", true},
	} {
		if got := personal(c.key, c.value) != ""; got != c.leak {
			t.Errorf("%s=%q: personal %v, want %v", c.key, c.value, got, c.leak)
		}
	}
}

// TestLogCheckFindsRaces: a data race that a child daemon built with -race
// reports on its standard error fails the end-to-end logs' check, with the
// report.
func TestLogCheckFindsRaces(t *testing.T) {
	var l jsonLogs
	l.Write([]byte(`{"level":"INFO","msg":"message processed"}` + "\n==================\nWARNING: DATA RACE\n" +
		"Write at 0x00c000123456 by goroutine 7:\n  haugiang.gov.vn/phananh/mailer.(*Worker).wakeChan()\n==================\n"))
	err := l.check()
	if err == nil || !strings.Contains(err.Error(), "1 data races") || !strings.Contains(err.Error(), "(*Worker).wakeChan()") {
		t.Errorf("the check of logs holding a race report: %v", err)
	}
}
