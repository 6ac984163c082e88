package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// ended writes a report with personal data that reached state at closed.
func ended(t *testing.T, db *store.DB, state string, closed time.Time, open bool, hold string) string {
	t.Helper()
	var code string
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: closed.Add(-72 * time.Hour), Lang: "vi",
			Citizen: store.Citizen{Email: "an@example.com", Name: "Nguyễn Văn An", Phone: "0912 345 678"},
			Content: "Đèn đường hỏng", Routing: store.Routing{Field: "dien", Agency: "dien-luc"}})
		if err != nil {
			return err
		}
		code = r.Code
		r.State = state
		if hold != "" {
			r.Hold, r.HeldAt = hold, closed
		}
		if err := tx.UpdateReport(r, closed); err != nil {
			return err
		}
		if open {
			_, err = tx.SetDeadline(r.ID, store.Deadline{Kind: "clarification", Start: closed, Due: closed.Add(48 * time.Hour)})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func erasures(t *testing.T, db *store.DB, code string) int {
	n := 0
	db.Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		es, err := tx.Erasures(r.ID)
		n = len(es)
		return err
	})
	return n
}

// TestRetentionOncePerReport: the daily job erases the reports ended
// before the cutoff — not the recent one, not the held one, not the one
// owing a clarification, not the open one — and, run again after a
// restart, erases nothing twice.
func TestRetentionOncePerReport(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2031, 12, 1, 19, 0, 0, 0, time.UTC)
	old := now.AddDate(-6, 0, 0)
	due := []string{ended(t, f.db, "closed", old, false, ""), ended(t, f.db, "rejected", old, false, ""), ended(t, f.db, "published", old, false, "")}
	kept := []string{
		ended(t, f.db, "closed", now.AddDate(-4, 0, 0), false, ""),
		ended(t, f.db, "closed", old, false, "lưu trữ theo yêu cầu thanh tra"),
		ended(t, f.db, "published", old, true, ""),
		ended(t, f.db, "forwarded", old, false, ""),
	}
	logs := &bytes.Buffer{}
	job := func() *Retention {
		return &Retention{DB: f.db, Cutoff: func(now time.Time) time.Time { return now.AddDate(-5, 0, 0) },
			Check: func(store.Report, []store.Deadline) error { return nil }, Actor: "phananh", Log: slog.New(slog.NewTextHandler(logs, nil))}
	}
	if n, err := job().Run(context.Background(), now); n != len(due) || err != nil {
		t.Fatalf("erased %d, %v; want %d", n, err, len(due))
	}
	f.open() // a restart
	if n, err := job().Run(context.Background(), now.Add(24*time.Hour)); n != 0 || err != nil {
		t.Errorf("the second run erased %d, %v", n, err)
	}
	for _, code := range due {
		if n := erasures(t, f.db, code); n != 1 {
			t.Errorf("%s: %d erasures, want 1", code, n)
		}
	}
	for _, code := range kept {
		if n := erasures(t, f.db, code); n != 0 {
			t.Errorf("%s: erased, want kept", code)
		}
	}
	// A check that refuses leaves the report for the next run.
	r := job()
	r.Check = func(store.Report, []store.Deadline) error { return errors.New("not now") }
	late := ended(t, f.db, "closed", old, false, "")
	if n, _ := r.Run(context.Background(), now); n != 0 || erasures(t, f.db, late) != 0 {
		t.Error("a refused report was erased")
	}
	// Retention "0" keeps everything.
	r = job()
	r.Cutoff = func(time.Time) time.Time { return time.Time{} }
	if n, _ := r.Run(context.Background(), now); n != 0 {
		t.Errorf("retention 0 erased %d", n)
	}
}
