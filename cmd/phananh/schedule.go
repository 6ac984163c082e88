package main

import (
	"context"
	"time"

	"haugiang.gov.vn/phananh/schedule"
)

// setupSchedule prepares the daemon's timed jobs: the deadline watch every
// minute (SPEC 5.5) and, each morning of January, the check that the
// holiday file holds the year's Tết (SPEC 5.1).
func (d *daemon) setupSchedule() error {
	watch := &schedule.Watch{
		DB: d.db, Calendar: d.calendar, Routing: d.routing.Load, Staff: d.staff(), Tokens: d.tokens,
		Address: d.cfg.SMTP.From, Wake: d.worker.Wake, Log: d.log.With("part", "deadlines"),
	}
	s, err := schedule.New(d.log.With("part", "schedule"),
		watch.Job(schedule.EveryMinute),
		schedule.TetJob(schedule.JanuaryMornings, d.calendar, d.log.With("part", "calendar")))
	d.scheduler = s
	return err
}

// tetCheck runs the Tết check once at start, so that a daemon restarted in
// January warns at once.
func (d *daemon) tetCheck(ctx context.Context) {
	schedule.TetJob("", d.calendar, d.log.With("part", "calendar")).Run(ctx, time.Now())
}
