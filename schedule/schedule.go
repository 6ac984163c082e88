// Package schedule runs the daemon's timed jobs (SPEC 9.1) on robfig/cron in
// Asia/Ho_Chi_Minh time: the deadline watch every minute (SPEC 5.5) and, each
// morning of January, the check that the holiday file holds the year's Tết
// (SPEC 5.1).
//
// Every job takes the instant it runs at, so tests drive a job with any clock
// and the scheduler is only what calls it on time.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// Schedules the daemon runs by default.
const (
	EveryMinute     = "* * * * *" // the deadline watch (SPEC 9.1)
	JanuaryMornings = "0 7 * 1 *" // 07:00 each day of January: the Tết check (SPEC 5.1)
)

// A Job is one timed job.
type Job struct {
	// Name names the job in the logs.
	Name string
	// Spec says when it runs, in Asia/Ho_Chi_Minh time: five cron fields
	// (minute, hour, day of month, month, day of week) or a descriptor such
	// as @daily or @every 10m.
	Spec string
	// Run does the job's work as of now. An error is logged; the job runs
	// again at its next time.
	Run func(ctx context.Context, now time.Time) error
}

// Scheduler runs jobs on their schedules.
type Scheduler struct {
	// Now is the clock each run is given as its instant; nil means
	// time.Now. The schedules fire on the machine's clock all the same: a
	// test sets Now so that what a run does follows the test's own time
	// line rather than the day the test runs on.
	Now func() time.Time

	jobs  []Job
	specs []cron.Schedule
	log   *slog.Logger
}

// New checks every job's schedule and returns a scheduler of them; an error
// names the job and its spec.
func New(log *slog.Logger, jobs ...Job) (*Scheduler, error) {
	s := &Scheduler{jobs: jobs, log: log}
	for _, j := range jobs {
		spec, err := cron.ParseStandard(j.Spec)
		if err != nil {
			return nil, fmt.Errorf("schedule: job %s: %q: %w", j.Name, j.Spec, err)
		}
		s.specs = append(s.specs, spec)
	}
	return s, nil
}

// Run runs the jobs on their schedules until ctx is done, then waits for
// the runs in progress to end; they get ctx, so they stop early at a point
// where stopping loses nothing (the watch rolls back the batch it holds).
// A run that finds the job's previous run still going is skipped with a
// warning, and a panicking run is logged with its stack and does not stop
// the job's later runs.
func (s *Scheduler) Run(ctx context.Context) {
	c := cron.New(cron.WithLocation(calendar.Vietnam), cron.WithLogger(cronLogger{s.log}))
	for i, j := range s.jobs {
		c.Schedule(s.specs[i], s.wrap(ctx, j))
		s.log.Info("job scheduled", "job", j.Name, "spec", j.Spec, "zone", calendar.ZoneName)
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	s.log.Info("scheduler stopped")
}

// wrap makes a job a cron job: SkipIfStillRunning outside Recover, as
// LIBRARY-NOTES asks — the other order leaves the skip's token taken after a
// panic, and the job is skipped forever.
func (s *Scheduler) wrap(ctx context.Context, j Job) cron.Job {
	l := cronLogger{s.log.With("job", j.Name)}
	return cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l)).Then(cron.FuncJob(func() {
		if err := j.Run(ctx, s.now()); err != nil && ctx.Err() == nil {
			l.log.Error("scheduled job failed", "err", err)
		}
	}))
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// cronLogger passes robfig/cron's messages to slog: its routine chatter
// (every wake-up and run) at debug level, a skipped run as a warning, and
// errors — a recovered panic with its stack — as errors.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if msg == "skip" {
		l.log.Warn("scheduled run skipped: the previous run is still going")
		return
	}
	l.log.Debug("cron "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron "+msg, append(keysAndValues, "err", err)...)
}
