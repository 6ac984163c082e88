package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// watchTimes: a deadline started at 08:15, due soon from 09:15, due at 10:15.
var (
	watchStart = time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC) // 08:15 in Vietnam
	watchSoon  = watchStart.Add(time.Hour)
	watchDue   = watchStart.Add(2 * time.Hour)
)

// openDeadline creates a report with one open deadline of a kind.
func openDeadline(t testing.TB, db *DB, kind string, soon, due time.Time) (Report, int64) {
	t.Helper()
	var r Report
	var id int64
	err := db.Write(context.Background(), func(tx *Tx) error {
		var err error
		if r, err = tx.CreateReport(sample(watchStart)); err != nil {
			return err
		}
		id, err = tx.SetDeadline(r.ID, Deadline{Kind: kind, Start: watchStart, Due: due, SoonAt: soon})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, id
}

// due returns the ids DueReminders and DueAlerts give at now.
func due(t testing.TB, db *DB, now time.Time) (remind, alert []int64) {
	t.Helper()
	err := db.Read(context.Background(), func(tx *Tx) error {
		rs, err := tx.DueReminders(now, 100)
		if err != nil {
			return err
		}
		as, err := tx.DueAlerts(now, 100)
		for _, d := range rs {
			remind = append(remind, d.ID)
		}
		for _, d := range as {
			alert = append(alert, d.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return remind, alert
}

func TestDueRemindersAndAlerts(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	r, id := openDeadline(t, db, "intake", watchSoon, watchDue)
	ids := func(xs ...int64) string { return fmt.Sprint(xs) }
	for _, c := range []struct {
		now           time.Time
		remind, alert string
	}{
		{watchSoon.Add(-time.Second), ids(), ids()},
		{watchSoon, ids(id), ids()},
		{watchDue.Add(-time.Second), ids(id), ids()},
		{watchDue, ids(), ids(id)}, // past due: the alert stands for the reminder
		{watchDue.Add(24 * time.Hour), ids(), ids(id)},
	} {
		remind, alert := due(t, db, c.now)
		if ids(remind...) != c.remind || ids(alert...) != c.alert {
			t.Errorf("at %v: reminders %v, alerts %v; want %s, %s", c.now, remind, alert, c.remind, c.alert)
		}
	}

	got, err := dueAt(db, watchSoon)
	if err != nil {
		t.Fatal(err)
	}
	want := DueDeadline{Code: r.Code, ReportState: "received", Field: "giao-thong", Unit: "vi-thanh", Agency: "ubnd-vi-thanh"}
	if got.Code != want.Code || got.ReportState != want.ReportState || got.Field != want.Field || got.Unit != want.Unit ||
		got.Agency != want.Agency || got.Urgent || got.ReportID != r.ID || got.Kind != "intake" || got.State != "open" ||
		!got.Due.Equal(watchDue) || !got.SoonAt.Equal(watchSoon) || !got.Start.Equal(watchStart) {
		t.Errorf("due deadline %+v", got)
	}

	if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkReminded(id, watchSoon) }); err != nil {
		t.Fatal(err)
	}
	if remind, alert := due(t, db, watchSoon); len(remind)+len(alert) != 0 {
		t.Errorf("after the reminder: %v %v", remind, alert)
	}
	if _, alert := due(t, db, watchDue); ids(alert...) != ids(id) {
		t.Errorf("alert after the reminder: %v", alert)
	}
	if err := db.Write(ctx, func(tx *Tx) error { return tx.MarkAlerted(id, watchDue) }); err != nil {
		t.Fatal(err)
	}
	if remind, alert := due(t, db, watchDue.Add(time.Hour)); len(remind)+len(alert) != 0 {
		t.Errorf("after the alert: %v %v", remind, alert)
	}
	assertMarks(t, db, r.ID, watchSoon, watchDue)
}

func dueAt(db *DB, now time.Time) (DueDeadline, error) {
	var d DueDeadline
	err := db.Read(context.Background(), func(tx *Tx) error {
		ds, err := tx.DueReminders(now, 1)
		if err == nil && len(ds) != 1 {
			err = fmt.Errorf("%d deadlines due", len(ds))
		}
		if err == nil {
			d = ds[0]
		}
		return err
	})
	return d, err
}

func assertMarks(t *testing.T, db *DB, reportID int64, reminded, alerted time.Time) {
	t.Helper()
	db.Read(context.Background(), func(tx *Tx) error {
		ds, err := tx.Deadlines(reportID)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deadlines: %v %v", ds, err)
		}
		if !ds[0].RemindedAt.Equal(reminded) || !ds[0].AlertedAt.Equal(alerted) {
			t.Errorf("reminded at %v, alerted at %v; want %v, %v", ds[0].RemindedAt, ds[0].AlertedAt, reminded, alerted)
		}
		return nil
	})
}

// TestAlertMarksReminded: a deadline first seen after its due instant gets
// the alert alone; marking it alerted marks it reminded, so no late
// reminder follows even if the deadline's due instant were moved.
func TestAlertMarksReminded(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	r, id := openDeadline(t, db, "resolve", watchSoon, watchDue)
	late := watchDue.Add(3 * time.Hour)
	if err := db.Write(context.Background(), func(tx *Tx) error { return tx.MarkAlerted(id, late) }); err != nil {
		t.Fatal(err)
	}
	assertMarks(t, db, r.ID, late, late)
	// Marking again keeps the first times.
	db.Write(context.Background(), func(tx *Tx) error {
		return errors.Join(tx.MarkAlerted(id, late.Add(time.Hour)), tx.MarkReminded(id, late.Add(time.Hour)))
	})
	assertMarks(t, db, r.ID, late, late)
}

func TestDueSkipsClosedSupersededAndOpenEnded(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	closed, _ := openDeadline(t, db, "resolve", watchSoon, watchDue)
	superseded, _ := openDeadline(t, db, "intake", watchSoon, watchDue)
	openDeadline(t, db, "resolve", time.Time{}, time.Time{}) // open-ended: an extension without a date
	var current int64
	err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.CloseDeadline(closed.ID, "resolve", "met", watchStart.Add(time.Minute)); err != nil {
			return err
		}
		// Recomputed (complex: 8 working hours): the old row is superseded.
		var err error
		current, err = tx.SetDeadline(superseded.ID, Deadline{Kind: "intake", Start: watchStart,
			Due: watchStart.Add(30 * time.Hour), SoonAt: watchStart.Add(28 * time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{watchSoon, watchDue, watchDue.Add(365 * 24 * time.Hour)} {
		remind, alert := due(t, db, now)
		var want []int64
		if now.After(watchDue) {
			want = []int64{current} // the recomputed one, a year later
		}
		if len(remind) != 0 || fmt.Sprint(alert) != fmt.Sprint(want) {
			t.Errorf("at %v: reminders %v, alerts %v; want none, %v", now, remind, alert, want)
		}
	}
}

func TestMarkUnknownDeadline(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	err := db.Write(context.Background(), func(tx *Tx) error { return tx.MarkReminded(99, watchDue) })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkReminded of no deadline: %v", err)
	}
	err = db.Write(context.Background(), func(tx *Tx) error { return tx.MarkAlerted(99, watchDue) })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkAlerted of no deadline: %v", err)
	}
}

func TestDueLimitAndOrder(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	var ids []int64
	for i := range 5 {
		// Later reports become due earlier: the order is by instant, not id.
		shift := time.Duration(5-i) * time.Minute
		_, id := openDeadline(t, db, "publish", watchSoon.Add(shift), watchDue.Add(shift))
		ids = append([]int64{id}, ids...)
	}
	db.Read(context.Background(), func(tx *Tx) error {
		rs, err := tx.DueReminders(watchDue.Add(-time.Second), 3)
		as, err2 := tx.DueAlerts(watchDue.Add(time.Hour), 3)
		if err != nil || err2 != nil || len(rs) != 3 || len(as) != 3 {
			t.Fatalf("limit 3: %d reminders, %d alerts (%v %v)", len(rs), len(as), err, err2)
		}
		for i := range 3 {
			if rs[i].ID != ids[i] || as[i].ID != ids[i] {
				t.Errorf("position %d: reminder %d, alert %d; want %d", i, rs[i].ID, as[i].ID, ids[i])
			}
		}
		return nil
	})
}

// TestWatchQueriesUseIndexes checks the plans of the watch's queries on a
// table of a few thousand open deadlines: each must search its partial
// index and reach reports by primary key, never scan a table or sort.
func TestWatchQueriesUseIndexes(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	seedOpen(t, db, 5000, watchStart)
	if _, err := db.w.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		query string
		args  []any
		index string
	}{
		"reminders": {remindQuery, []any{1, 1, 10}, "SEARCH d USING INDEX deadlines_remind (soon_at<?)"},
		"alerts":    {alertQuery, []any{1, 10}, "SEARCH d USING INDEX deadlines_alert (due_at<?)"},
	} {
		plan := explain(t, db, c.query, c.args...)
		if !strings.Contains(plan, c.index) || !strings.Contains(plan, "SEARCH r USING INTEGER PRIMARY KEY") ||
			strings.Contains(plan, "SCAN") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan\n%s", name, plan)
		}
	}
}

func explain(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	return strings.Join(lines, "\n")
}

// seedOpen adds n reports, each with an open resolve deadline that becomes
// due soon between 1 and 2 days after now and is due 2 hours later, in one
// transaction of plain inserts: no personal data, so nothing to seal. Their
// codes are of the years 1900 and 1901, so that reports created afterwards
// never take one of them.
func seedOpen(tb testing.TB, db *DB, n int, now time.Time) {
	tb.Helper()
	err := db.Write(context.Background(), func(tx *Tx) error {
		var first int64
		if err := tx.queryRow(`SELECT coalesce(max(id), 0) FROM reports`).Scan(&first); err != nil {
			return err
		}
		_, err := tx.exec(`WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ?)
			INSERT INTO reports (id, code, state, received_at, field, unit, agency, updated_at)
			SELECT ? + n + 1, printf('PA-%04d-%06d', 1900 + n / 999999, n % 999999 + 1), 'forwarded', ?,
				'giao-thong', 'vi-thanh', 'ubnd-vi-thanh', ? FROM i`, n, first, now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("seed reports: %w", err)
		}
		_, err = tx.exec(`INSERT INTO deadlines (report_id, kind, start_at, due_at, soon_at)
			SELECT id, 'resolve', ?, ? + 93600 + id % 86400, ? + 86400 + id % 86400 FROM reports WHERE id > ?`,
			now.Unix(), now.Unix(), now.Unix(), first)
		if err != nil {
			return fmt.Errorf("seed deadlines: %w", err)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDueDeadlines times one watch pass's queries over a million open
// reports, each with an open deadline, of which a handful are due: five due
// soon and five overdue.
func BenchmarkDueDeadlines(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	seedOpen(b, db, 1_000_000, watchStart)
	for range 5 {
		openDeadline(b, db, "intake", watchSoon, watchDue)
		openDeadline(b, db, "resolve", watchStart, watchSoon)
	}
	now := watchSoon.Add(time.Minute)
	ctx := context.Background()
	for b.Loop() {
		err := db.Read(ctx, func(tx *Tx) error {
			rs, err := tx.DueReminders(now, 100)
			if err != nil || len(rs) != 5 {
				return fmt.Errorf("%d reminders: %v", len(rs), err)
			}
			as, err := tx.DueAlerts(now, 100)
			if err != nil || len(as) != 5 {
				return fmt.Errorf("%d alerts: %v", len(as), err)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
