package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/schedule"
)

// TestReportAndStats ingests three reports (one confidential) and writes
// the monthly report and the public statistics through the command line.
func TestReportAndStats(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "phananh.toml", "[security]\nrequire_authentication_results = false\n"+testOperators)
	var files []string
	for i := range 3 {
		body := citizenReport(i+1, "nguoidan@example.com")
		if i == 2 {
			body = strings.Replace(body, "bị cúp điện", "bị cúp điện, xin giữ bí mật", 1)
		}
		files = append(files, writeFile(t, dir, filepath.Base(t.Name())+string(rune('a'+i))+".eml", body))
	}
	if _, stderr, code := run(t, append([]string{"ingest", "--config", cfg, "--received", "2026-11-23T08:15:00+07:00"}, files...)...); code != exitOK {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}

	out := filepath.Join(dir, "report")
	stdout, stderr, code := run(t, "report", "--config", cfg, "--period", "monthly", "--at", "2026-12", "--out", out)
	if code != exitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"report.html", "report.xlsx", "report.csv", "chart.png"} {
		if !strings.Contains(stdout, filepath.Join(out, name)) {
			t.Errorf("report did not write %s: %s", name, stdout)
		}
	}
	f, err := os.Open(filepath.Join(out, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r[0] == "tong-hop" && r[1] == "received" {
			found = r[5] == "3"
		}
	}
	if !found {
		t.Error("the monthly report of 15 Nov – 14 Dec 2026 does not count the 3 reports of 23 Nov")
	}

	out = filepath.Join(dir, "public")
	if _, stderr, code := run(t, "stats", "--config", cfg, "--out", out); code != exitOK {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "stats.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct{ Total int }
	if err := json.Unmarshal(b, &s); err != nil || s.Total != 2 {
		t.Errorf("stats.json: total %d (%v), want the 2 reports that are not confidential", s.Total, err)
	}
	if strings.Contains(string(b), "nguoidan") || strings.Contains(string(b), "PA-2026") {
		t.Errorf("stats.json shows a report: %s", b)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error(err)
	}
}

func TestReportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"report"},
		{"report", "--config", "x.toml", "--period", "weekly", "--at", "2026-12", "--out", "d"},
		{"report", "--config", "x.toml", "--period", "monthly", "--at", "12/2026", "--out", "d"},
		{"report", "--config", "x.toml", "--period", "daily", "--at", "2026-12", "--out", "d"},
		{"report", "--config", "x.toml", "--period", "monthly", "--at", "2026-12"},
		{"stats", "--config", "x.toml"},
	} {
		if _, _, code := run(t, args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestReportJobs checks the jobs the daemon runs for the reports: one per
// kind on its default schedule and the catch-up, all accepted by the
// scheduler; a kind without a schedule has no job.
func TestReportJobs(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "phananh.toml", "[reports]\nannual_schedule = \"\"\n"+testOperators)
	// A new installation: openApp, as serve does, makes the database.
	a, err := openApp(context.Background(), cfg, newLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	jobs := reportJobs(a.reportSender(nil))
	var got []string
	for _, j := range jobs {
		got = append(got, j.Name+" "+j.Spec)
	}
	want := []string{"reports-catch-up @hourly", "report-daily 30 7 * * *", "report-monthly 30 7 15 * *",
		"report-quarterly 30 7 15 3,6,9,12 *", "report-semiannual 30 7 15 6,12 *"}
	if !slices.Equal(got, want) {
		t.Errorf("jobs %q, want %q", got, want)
	}
	if _, err := schedule.New(a.log, jobs...); err != nil {
		t.Error(err)
	}
}
