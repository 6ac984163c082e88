package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// history opens a store holding n reports received from 1 January 2025 to
// 15 December 2026 (the end of the monthly period of December 2026), as
// BulkSeed writes them.
func history(tb testing.TB, n int) (*store.DB, reports.Options) {
	tb.Helper()
	db := storetest.Open(tb)
	table := routing.Default()
	var fields, units, agencies []string
	for _, f := range table.Fields() {
		fields = append(fields, f.Code)
	}
	for _, u := range table.Units() {
		units = append(units, u.Code)
	}
	for _, a := range table.Agencies()[1:] { // the Center aside
		agencies = append(agencies, a.Code)
	}
	start := time.Now()
	store.BulkSeed(tb, db, n, time.Date(2025, 1, 1, 0, 0, 0, 0, calendar.Vietnam), time.Date(2026, 12, 15, 0, 0, 0, 0, calendar.Vietnam), fields, units, agencies)
	tb.Logf("%d reports seeded in %s", n, time.Since(start).Round(time.Millisecond))
	cal, err := calendar.New(calendar.Default(), "")
	if err != nil {
		tb.Fatal(err)
	}
	return db, reports.Options{Calendar: cal, Table: table, CallAttempts: 3}
}

func monthly(tb testing.TB, db *store.DB, opt reports.Options, year int, month time.Month) *reports.Report {
	tb.Helper()
	p, err := reports.Ending(reports.Monthly, year, month, reports.Decree, calendar.Vietnam)
	if err != nil {
		tb.Fatal(err)
	}
	var r *reports.Report
	err = db.Read(context.Background(), func(tx *store.Tx) error {
		r, err = reports.Compute(tx, p, reports.Decree, opt)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TestBulkSeed checks that the benchmark's history makes a sensible
// report: about a month's share of the reports received, results on time
// and late, reports open and overdue, every figure adding up.
func TestBulkSeed(t *testing.T) {
	const n = 7000
	db, opt := history(t, n)
	r := monthly(t, db, opt, 2026, 12)
	c := r.Totals
	if perMonth := n * 30 / 713; c.Received < perMonth*8/10 || c.Received > perMonth*12/10 {
		t.Errorf("%d received in the month, want about %d", c.Received, perMonth)
	}
	if c.Resolved != c.OnTime+c.Late+c.Excused || c.OnTime == 0 || c.Late == 0 || c.Rejected == 0 || c.Returned == 0 {
		t.Errorf("figures %+v", c)
	}
	if c.Open == 0 || c.OpenOverdue == 0 || len(r.Overdue) != c.OpenOverdue || c.VerySatisfied+c.Satisfied+c.Dissatisfied == 0 {
		t.Errorf("open %d, overdue %d, listed %d, ratings %d/%d/%d", c.Open, c.OpenOverdue, len(r.Overdue),
			c.VerySatisfied, c.Satisfied, c.Dissatisfied)
	}
}

// BenchmarkMonthlyReport computes and renders the monthly report over a
// history of PHANANH_BENCH_REPORTS reports (default 1,000,000, over two
// years): the latest month, and the same month a year before, reproduced
// from the log.
func BenchmarkMonthlyReport(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("PHANANH_BENCH_REPORTS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			b.Fatalf("PHANANH_BENCH_REPORTS=%q is not a number of reports", s)
		}
	}
	db, opt := history(b, n)
	for _, tc := range []struct {
		name  string
		year  int
		month time.Month
	}{{"latest", 2026, 12}, {"year-before", 2025, 12}} {
		b.Run(tc.name+"/compute", func(b *testing.B) {
			var r *reports.Report
			for b.Loop() {
				r = monthly(b, db, opt, tc.year, tc.month)
			}
			b.ReportMetric(float64(r.Totals.Received), "received")
			b.ReportMetric(float64(r.Totals.Open), "open")
		})
		b.Run(tc.name+"/render", func(b *testing.B) {
			r := monthly(b, db, opt, tc.year, tc.month)
			for b.Loop() {
				if _, err := r.Render(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(r.Overdue)), "overdue")
		})
	}
}

// BenchmarkShowReport reads what `phananh show` reads of one report — the
// report, its deadlines, its eight events and its eleven mails, as the
// demo's walked report has them — each in a new transaction, as each
// `show` is: the cost of opening a report's personal data.
func BenchmarkShowReport(b *testing.B) {
	dir := b.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "phananh.db"),
		DataDir: filepath.Join(dir, "data"), Key: make([]byte, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	var code string
	err = db.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.CreateReport(store.Report{State: "closed", ReceivedAt: at, Lang: "vi",
			Citizen: store.Citizen{Email: "an.nguyen@example.com", Name: "Nguyễn Văn An", Phone: "0912 345 678"},
			Subject: "Mất điện kéo dài", Content: strings.Repeat("Khu vực ấp 3, xã Vị Đông bị cúp điện. ", 8),
			Routing: store.Routing{Field: "dien", Unit: "vi-thuy", Agency: "dien-luc"}})
		if err != nil {
			return err
		}
		code = r.Code
		for i, c := range []string{"ingest", "/accept", "/note đã gọi", "/resolve Đã thay dây", "/approve", "rate", "reply", "/clarify"} {
			if err := tx.AppendEvent(r.ID, store.Event{At: at.Add(time.Duration(i) * time.Hour), Actor: "system", Command: c,
				Detail: map[string]string{"note": "chi tiết"}}); err != nil {
				return err
			}
		}
		for i := range 11 {
			if _, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: "an.nguyen@example.com",
				Role: "citizen", Data: []byte(`{"name":"Nguyễn Văn An","text":"` + strings.Repeat("x", 400) + `"}`)}, at.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		for _, k := range []string{"intake", "resolve", "publish"} {
			if _, err := tx.SetDeadline(r.ID, store.Deadline{Kind: k, Start: at, Due: at.Add(48 * time.Hour)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		err := db.Read(ctx, func(tx *store.Tx) error {
			r, err := tx.Report(code)
			if err != nil {
				return err
			}
			if _, err := tx.Deadlines(r.ID); err != nil {
				return err
			}
			if _, err := tx.Events(r.ID); err != nil {
				return err
			}
			_, err = tx.ReportMail(r.ID)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
