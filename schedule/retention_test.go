package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
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

// failingSteps is a store whose step named fail returns errStep, and which
// records the steps run.
type failingSteps struct {
	*store.DB
	fail string
	ran  []string
	// stop, when set, is called by the step named fail, which then
	// fails with context.Canceled: the daemon stopped while it ran.
	stop func()
}

var errStep = errors.New("input/output error")

func (s *failingSteps) step(name string) error {
	s.ran = append(s.ran, name)
	if name == s.fail && s.stop != nil {
		s.stop()
		return context.Canceled
	}
	if name == s.fail {
		return errStep
	}
	return nil
}

func (s *failingSteps) FinishErasures(ctx context.Context, now time.Time) (int, error) {
	if err := s.step("finish erasures"); err != nil {
		return 0, err
	}
	return s.DB.FinishErasures(ctx, now)
}

func (s *failingSteps) ReconcileKeys(ctx context.Context) (int, error) {
	if err := s.step("reconcile keys"); err != nil {
		return 0, err
	}
	return s.DB.ReconcileKeys(ctx)
}

func (s *failingSteps) SweepOrphans(ctx context.Context, now time.Time, dryRun bool) (store.Orphans, error) {
	if err := s.step("sweep orphans"); err != nil {
		return store.Orphans{}, err
	}
	return s.DB.SweepOrphans(ctx, now, dryRun)
}

func (s *failingSteps) EraseStrays(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	if err := s.step("erase strays"); err != nil {
		return 0, err
	}
	return s.DB.EraseStrays(ctx, cutoff, limit)
}

// TestRetentionStepFails: a step of the nightly job that fails (an I/O
// error finishing an erasure, reconciling the keys, sweeping the orphans
// or erasing the strays) is logged and the others still run: that night's
// reports past retention are erased, and the error is returned.
func TestRetentionStepFails(t *testing.T) {
	now := time.Date(2031, 12, 1, 19, 0, 0, 0, time.UTC)
	for _, step := range []string{"finish erasures", "reconcile keys", "sweep orphans", "erase strays"} {
		t.Run(step, func(t *testing.T) {
			f := newFixture(t)
			due := ended(t, f.db, "closed", now.AddDate(-6, 0, 0), false, "")
			logs := &bytes.Buffer{}
			s := &failingSteps{DB: f.db, fail: step}
			job := &Retention{DB: s, Cutoff: func(now time.Time) time.Time { return now.AddDate(-5, 0, 0) },
				Check: func(store.Report, []store.Deadline) error { return nil }, Actor: "phananh", Log: slog.New(slog.NewTextHandler(logs, nil))}
			n, err := job.Run(context.Background(), now)
			if !errors.Is(err, errStep) {
				t.Errorf("Run returned %v, want the step's error", err)
			}
			if n != 1 || erasures(t, f.db, due) != 1 {
				t.Errorf("erased %d; the report past retention has %d erasures, want 1", n, erasures(t, f.db, due))
			}
			if want := []string{"finish erasures", "reconcile keys", "sweep orphans", "erase strays"}; !slices.Equal(s.ran, want) {
				t.Errorf("steps run %v, want %v", s.ran, want)
			}
			if !bytes.Contains(logs.Bytes(), []byte(`step="`+step+`"`)) || !bytes.Contains(logs.Bytes(), []byte(errStep.Error())) {
				t.Errorf("the failed step is not logged:\n%s", logs)
			}
			if bytes.Contains(logs.Bytes(), []byte("an@example.com")) || bytes.Contains(logs.Bytes(), []byte("Nguy")) {
				t.Errorf("personal data logged:\n%s", logs)
			}
		})
	}
}

// TestRetentionStopped: the daemon stops while a step of the nightly job
// runs. The job ends with that step: the next ones would fail with the
// context too, the sweep only after walking the whole data folder, and
// none is logged as a failure, for a stop is none.
func TestRetentionStopped(t *testing.T) {
	now := time.Date(2031, 12, 1, 19, 0, 0, 0, time.UTC)
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &bytes.Buffer{}
	s := &failingSteps{DB: f.db, fail: "reconcile keys", stop: cancel}
	job := &Retention{DB: s, Cutoff: func(now time.Time) time.Time { return now.AddDate(-5, 0, 0) },
		Check: func(store.Report, []store.Deadline) error { return nil }, Actor: "phananh", Log: slog.New(slog.NewTextHandler(logs, nil))}
	if _, err := job.Run(ctx, now); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want the context's error", err)
	}
	if want := []string{"finish erasures", "reconcile keys"}; !slices.Equal(s.ran, want) {
		t.Errorf("steps run %v, want %v", s.ran, want)
	}
	if bytes.Contains(logs.Bytes(), []byte("failed")) {
		t.Errorf("a stop is logged as a failure:\n%s", logs)
	}
}
