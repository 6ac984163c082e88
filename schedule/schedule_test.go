package schedule

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

func testLog() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func TestNewRefusesBadSpecs(t *testing.T) {
	log, _ := testLog()
	nop := func(context.Context, time.Time) error { return nil }
	for _, spec := range []string{"", "61 * * * *", "* * * *", "0 0 7 * 1 *", "@fortnightly"} {
		_, err := New(log, Job{Name: "watch", Spec: EveryMinute, Run: nop}, Job{Name: "digest", Spec: spec, Run: nop})
		if err == nil || !strings.Contains(err.Error(), "job digest") {
			t.Errorf("spec %q: %v", spec, err)
		}
	}
	if _, err := New(log, Job{Name: "watch", Spec: EveryMinute, Run: nop}, Job{Name: "tet", Spec: JanuaryMornings, Run: nop}); err != nil {
		t.Error(err)
	}
}

// TestWrappedJob: a panic is logged and the next run goes ahead (Recover
// inside SkipIfStillRunning); a run that finds the previous one going is
// skipped with a warning; an error is logged with the job's name.
func TestWrappedJob(t *testing.T) {
	log, buf := testLog()
	s := &Scheduler{log: log}
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	job := s.wrap(context.Background(), Job{Name: "probe", Run: func(context.Context, time.Time) error {
		switch runs.Add(1) {
		case 1:
			panic("boom")
		case 2:
			return errors.New("store: busy")
		case 3:
			close(started)
			<-release
		}
		return nil
	}})
	job.Run() // panics, recovered
	job.Run() // fails
	done := make(chan struct{})
	go func() { job.Run(); close(done) }()
	select {
	case <-started:
	case <-done:
		t.Fatal("the third run was skipped: the panic left the job blocked for good")
	}
	job.Run() // skipped: the third run is still going
	close(release)
	<-done
	job.Run()
	if n := runs.Load(); n != 4 {
		t.Errorf("%d runs, want 4 (the skipped one not run)", n)
	}
	logs := buf.String()
	for _, want := range []string{"cron panic", "boom", "scheduled job failed", "store: busy", "scheduled run skipped", "job=probe"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// TestRunFiresAndWaits runs a real schedule (once a second): the job runs,
// and Run returns only after the run in progress has ended.
func TestRunFiresAndWaits(t *testing.T) {
	log, _ := testLog()
	started := make(chan time.Time, 10)
	var finished atomic.Bool
	s, err := New(log, Job{Name: "probe", Spec: "@every 1s", Run: func(ctx context.Context, now time.Time) error {
		started <- now
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // a transaction rolling back
		finished.Store(true)
		return ctx.Err()
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { s.Run(ctx); close(stopped) }()
	select {
	case now := <-started:
		if time.Since(now) > time.Minute {
			t.Errorf("job given %v", now)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job never ran")
	}
	cancel()
	<-stopped
	if !finished.Load() {
		t.Error("Run returned before the job's run ended")
	}
}

func TestMissingTet(t *testing.T) {
	cal, err := calendar.New(calendar.Default(), "") // the shipped file: Tết 2025 and 2026, not 2027
	if err != nil {
		t.Fatal(err)
	}
	vn := cal.Location()
	for _, c := range []struct {
		now     time.Time
		year    int
		missing bool
	}{
		{time.Date(2026, 1, 5, 7, 0, 0, 0, vn), 2026, false},
		{time.Date(2026, 2, 1, 7, 0, 0, 0, vn), 0, false},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, vn), 0, false},
		{time.Date(2027, 1, 1, 7, 0, 0, 0, vn), 2027, true},
		{time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC), 2027, true}, // 00:30 on 1 January in Vietnam
		{time.Date(2027, 1, 31, 23, 59, 0, 0, vn), 2027, true},
		{time.Date(2027, 2, 1, 0, 0, 0, 0, vn), 0, false},
	} {
		year, missing := MissingTet(cal, c.now)
		if year != c.year || missing != c.missing {
			t.Errorf("MissingTet(%v) = %d, %v; want %d, %v", c.now, year, missing, c.year, c.missing)
		}
	}
	log, buf := testLog()
	job := TetJob(JanuaryMornings, cal, log)
	job.Run(context.Background(), time.Date(2026, 1, 5, 7, 0, 0, 0, vn))
	if buf.Len() != 0 {
		t.Errorf("warned with Tết 2026 in the file: %s", buf)
	}
	job.Run(context.Background(), time.Date(2027, 1, 5, 7, 0, 0, 0, vn))
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "year=2027") {
		t.Errorf("no warning for 2027: %q", buf)
	}
}
