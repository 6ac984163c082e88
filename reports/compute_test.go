package reports

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./reports -update rewrites it); got:\n%s", name, got)
	}
}

func compute(t *testing.T, w *world, p Period, mode Mode) *Report {
	t.Helper()
	var r *Report
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = Compute(tx, p, mode, w.options())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r.GeneratedAt = at(2026, 12, 20, 7, 30)
	return r
}

func ending(t *testing.T, kind Kind, month string, mode Mode) Period {
	t.Helper()
	year, m, err := ParseMonth(month)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Ending(kind, year, m, mode, calendar.Vietnam)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGolden computes the report of each kind of period over the seeded
// history and compares its CSV, which holds every figure, with the golden
// files.
func TestGolden(t *testing.T) {
	w := newWorld(t)
	w.seed()
	for _, tc := range []struct {
		file   string
		period Period
		mode   Mode
	}{
		{"daily-2026-02-23.csv", Digest(at(2026, 2, 23, 7, 30), w.cal), Decree},
		{"monthly-2026-03.csv", ending(t, Monthly, "2026-03", Decree), Decree},
		{"monthly-2026-02-calendar.csv", ending(t, Monthly, "2026-02", Calendar), Calendar},
		{"quarterly-2026-03.csv", ending(t, Quarterly, "2026-03", Decree), Decree},
		{"semiannual-2026-06.csv", ending(t, Semiannual, "2026-06", Decree), Decree},
		{"annual-2026-12.csv", ending(t, Annual, "2026-12", Decree), Decree},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := compute(t, w, tc.period, tc.mode).WriteCSV(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("golden", tc.file), buf.Bytes())
		})
	}
}

// TestMonthlyFigures checks the March 2026 report (15 February – 14
// March) against figures worked out by hand from the seeded history.
func TestMonthlyFigures(t *testing.T) {
	w := newWorld(t)
	codes := w.seed()
	r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	want := Counts{
		Received:  7, // R9–R15
		Forwarded: 4, // R9, R10, R11, R13
		Escalated: 1, // R14
		SentBack:  1, // R10
		// R7 on time thanks to Tết, R11 on time, R10 late (its first
		// result was sent back), R8 excused by its extension.
		Resolved: 4, OnTime: 2, Late: 1, Excused: 1,
		Published: 3, // R7, R8, R10
		// At 15 March 00:00: R9 (forwarded), R11 (resolved, not published)
		// and R12 (received) overdue; R13, R14 (escalated), R15 within.
		Open: 6, OpenOverdue: 3,
		VerySatisfied: 1, // R8
	}
	if r.Totals != want {
		t.Errorf("totals\n%+v\nwant\n%+v", r.Totals, want)
	}
	wantOverdue := []struct {
		code, step, agency string
		days               int
		hours              time.Duration
	}{
		{codes[8], "resolve", "so-xd", 12, 64 * time.Hour},   // due 3 March 17:00
		{codes[10], "publish", "ttgsdh", 11, 63 * time.Hour}, // due 4 March 08:00
		{codes[11], "intake", "ttgsdh", 5, 28 * time.Hour},   // due 10 March 11:00
	}
	if len(r.Overdue) != len(wantOverdue) {
		t.Fatalf("overdue %+v", r.Overdue)
	}
	for i, o := range wantOverdue {
		got := r.Overdue[i]
		if got.Code != o.code || got.Step != o.step || got.Agency != o.agency || got.DaysLate != o.days || got.HoursLate != o.hours {
			t.Errorf("overdue %d: %s %s %s %d days %s, want %+v", i, got.Code, got.Step, got.Agency, got.DaysLate, got.HoursLate, o)
		}
	}
	stages := map[string]Stage{}
	for _, s := range r.Stages {
		stages[s.Code] = s
	}
	for code, want := range map[string]Stage{
		// 10 min, 30 min, 30 min, 1 h (R9: Tết is no working time), 1 h.
		"intake": {N: 5, Mean: 38 * time.Minute, P90: time.Hour},
		// R11 13 h 50, R7 41 h, R8 54 h 30, R10 61 h.
		"resolve": {N: 4, Mean: (13*time.Hour + 50*time.Minute + 41*time.Hour + 54*time.Hour + 30*time.Minute + 61*time.Hour) / 4, P90: 61 * time.Hour},
		"publish": {N: 3, Mean: time.Hour, P90: time.Hour},
		// R7 43 h, R8 56 h, R10 62 h 30.
		"total": {N: 3, Mean: (43*time.Hour + 56*time.Hour + 62*time.Hour + 30*time.Minute) / 3, P90: 62*time.Hour + 30*time.Minute},
	} {
		got := stages[code]
		if got.N != want.N || got.Mean != want.Mean || got.P90 != want.P90 {
			t.Errorf("stage %s: %d steps, mean %s, p90 %s; want %d, %s, %s", code, got.N, got.Mean, got.P90, want.N, want.Mean, want.P90)
		}
	}
	var places []string
	for _, k := range r.Ranking {
		places = append(places, fmt.Sprintf("%d %s %.0f%%", k.Place, k.Agency, k.Rate*100))
	}
	if got, want := strings.Join(places, ", "), "1 ca-tinh 100%, 1 dien-luc 100%, 1 so-gtvt 100%, 4 ubnd-vi-thanh 0%, 4 so-xd 0%"; got != want {
		t.Errorf("ranking %s, want %s", got, want)
	}
}

// TestPeriodNotOver counts the reports open when a report of a period not
// yet over is made, not those that will be open at its end.
func TestPeriodNotOver(t *testing.T) {
	w := newWorld(t)
	w.seed()
	opt := w.options()
	opt.Now = at(2026, 3, 5, 12, 0)
	var r *Report
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = Compute(tx, ending(t, Monthly, "2026-03", Decree), Decree, opt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// R9 forwarded and overdue, R10 sent back and within its time, R11
	// waiting for publication since 4 March 08:00.
	if !r.AsOf.Equal(opt.Now) || r.Totals.Open != 3 || r.Totals.OpenOverdue != 2 {
		t.Errorf("as of %s: %d open, %d overdue; want as of %s: 3 open, 2 overdue", r.AsOf, r.Totals.Open, r.Totals.OpenOverdue, opt.Now)
	}
}

// TestSpamCounted: the spam our border marked, which gets no notice of its
// own, is counted in the period it was received, the daily digest's
// included (SPEC 4.2).
func TestSpamCounted(t *testing.T) {
	w := newWorld(t)
	w.seed()
	for _, c := range []struct {
		period Period
		want   int
	}{
		{Digest(at(2026, 2, 23, 7, 30), w.cal), 1},
		{ending(t, Monthly, "2026-03", Decree), 2},
		{ending(t, Monthly, "2026-02", Decree), 0},
	} {
		if got := compute(t, w, c.period, Decree).Spam; got != c.want {
			t.Errorf("%s: %d spam, want %d", c.period.Dates(), got, c.want)
		}
	}
}

// TestRatedAgain counts each rating of a report that was re-opened after a
// "Không hài lòng" rating (escalated, assigned again) and rated again: one
// dissatisfied and one very satisfied, not the latest rating twice.
func TestRatedAgain(t *testing.T) {
	w := newWorld(t)
	code := w.ingest(at(2026, 3, 2, 8, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"})
	w.do(code, at(2026, 3, 2, 9, 0), lifecycle.Accept, "")
	w.do(code, at(2026, 3, 3, 9, 0), lifecycle.Resolve, "")
	w.do(code, at(2026, 3, 3, 10, 0), lifecycle.Approve, "")
	w.do(code, at(2026, 3, 4, 9, 0), lifecycle.Rate, "khong-hai-long")
	w.do(code, at(2026, 3, 4, 10, 0), lifecycle.Escalate, "")
	w.do(code, at(2026, 3, 4, 11, 0), lifecycle.Assign, "ubnd-vi-thanh")
	w.do(code, at(2026, 3, 5, 9, 0), lifecycle.Resolve, "")
	w.do(code, at(2026, 3, 5, 10, 0), lifecycle.Approve, "")
	w.do(code, at(2026, 3, 6, 9, 0), lifecycle.Rate, "rat-hai-long")
	r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	if r.Totals.Dissatisfied != 1 || r.Totals.VerySatisfied != 1 || r.Totals.Published != 2 {
		t.Errorf("totals %+v, want one dissatisfied and one very satisfied rating of two results", r.Totals)
	}
}

// TestCoAgencies names the co-agencies of a report in the agencies'
// figures (Art 7.1): the lead's row counts the forwarding and the result,
// each co-agency's the report it worked on.
func TestCoAgencies(t *testing.T) {
	w := newWorld(t)
	code := w.ingest(at(2026, 3, 2, 8, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt"})
	w.do(code, at(2026, 3, 2, 9, 0), lifecycle.Assign, "so-gtvt dien-luc ubnd-vi-thanh")
	w.do(code, at(2026, 3, 3, 9, 0), lifecycle.Resolve, "")
	r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	got := map[string][3]int{}
	for _, g := range r.ByAgency {
		got[g.Code] = [3]int{g.Forwarded, g.Coordinated, g.Resolved}
	}
	want := map[string][3]int{"so-gtvt": {1, 0, 1}, "dien-luc": {0, 1, 0}, "ubnd-vi-thanh": {0, 1, 0}}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("agency %s: forwarded, coordinated, resolved %v, want %v", code, got[code], w)
		}
	}
	if r.Totals.Forwarded != 1 || r.Totals.Coordinated != 0 {
		t.Errorf("totals: %d forwarded, %d coordinated; want one forwarding", r.Totals.Forwarded, r.Totals.Coordinated)
	}
}
