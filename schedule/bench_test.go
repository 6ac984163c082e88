package schedule

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/store"
)

// BenchmarkWatchRun times whole passes of the watch over a store of open
// reports (PHANANH_BENCH_REPORTS, default 1,000,000), each with an open
// resolve deadline not yet due soon. An idle pass finds nothing owed; before
// each pass of "handful", out of the timing, three deadlines become overdue
// and three due soon, so that the pass writes three alerts (handler, leader,
// approver: nine mails) and three reminders (one handler each).
func BenchmarkWatchRun(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("PHANANH_BENCH_REPORTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	f := newFixture(b)
	start := time.Now()
	f.seed(n)
	b.Logf("seeded %d open reports in %v", n, time.Since(start).Round(time.Second))
	monday, tuesday := f.at("08:15"), f.at("14:00").AddDate(0, 0, 1)
	now := f.at("17:30").AddDate(0, 0, 1)
	b.Run("idle", func(b *testing.B) {
		for b.Loop() {
			if r, a, err := f.w.Run(context.Background(), now); err != nil || r+a != 0 {
				b.Fatalf("reminded %d, alerted %d: %v", r, a, err)
			}
		}
	})
	b.Run("handful", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			for range 3 {
				f.report("ubnd-vi-thanh", true, deadline.Resolve(f.cal, monday, 1, true)) // due Tuesday 17:00
				f.report("ubnd-vi-thanh", false, deadline.Return(f.cal, tuesday))         // due Wednesday 08:00, soon from 17:00
			}
			b.StartTimer()
			if r, a, err := f.w.Run(context.Background(), now); err != nil || r != 3 || a != 3 {
				b.Fatalf("reminded %d, alerted %d: %v", r, a, err)
			}
		}
	})
}

// seed adds n reports forwarded on Monday 23 November 2026 at 08:15, each
// with its open 6-day resolve deadline, 10,000 to a transaction, through the
// store's ordinary methods. Reports are given received times a year apart
// every 900,000, within the 999,999 codes of a year.
func (f *fixture) seed(n int) {
	fwd := f.at("08:15")
	dl := deadline.Resolve(f.cal, fwd, 6, false)
	for done := 0; done < n; {
		err := f.db.Write(context.Background(), func(tx *store.Tx) error {
			for i := 0; i < 10_000 && done < n; i, done = i+1, done+1 {
				r, err := tx.CreateReport(store.Report{State: "forwarded", ReceivedAt: fwd.AddDate(-done/900_000, 0, 0),
					Lang: "vi", Routing: store.Routing{Field: "giao-thong", Unit: "vi-thanh", Agency: "ubnd-vi-thanh"}})
				if err != nil {
					return err
				}
				if err := f.setDeadline(tx, r.ID, dl); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			f.t.Fatal(err)
		}
	}
}
