package main

import (
	"context"
	"time"

	"haugiang.gov.vn/phananh/schedule"
)

// setupSchedule prepares the daemon's timed jobs: the deadline watch every
// minute (SPEC 5.5), each morning of January the check that the holiday
// file holds the year's Tết (SPEC 5.1), each night the retention of
// personal data (SPEC 10.5), and the daily digest and periodic reports
// (SPEC 9.1).
func (d *daemon) setupSchedule() error {
	d.reports = d.reportSender(d.worker.Wake)
	d.watch = &schedule.Watch{
		DB: d.db, Calendar: d.calendar, Routing: d.routing.Load, Staff: d.operators.Staff, Tokens: d.tokens,
		Address: d.cfg.SMTP.From, EscalationAddress: d.cfg.Process.EscalationAddress, Wake: d.worker.Wake,
		Log: d.log.With("part", "deadlines"),
	}
	d.retention = &schedule.Retention{DB: d.db, Cutoff: d.cfg.Privacy.Retention.Cutoff, Check: erasable, Actor: osUser(),
		Log: d.log.With("part", "retention")}
	jobs := append([]schedule.Job{
		d.watch.Job(schedule.EveryMinute),
		schedule.TetJob(schedule.JanuaryMornings, d.calendar, d.log.With("part", "calendar")),
		d.retention.Job(schedule.Nightly),
	}, reportJobs(d.reports)...)
	s, err := schedule.New(d.log.With("part", "schedule"), jobs...)
	if err != nil {
		return err
	}
	s.Now = func() time.Time { return d.now() }
	d.scheduler = s
	return nil
}

// startupChecks run once at start: the Tết check, so that a daemon
// restarted in January warns at once, the retention (which also finishes an
// erasure a crash interrupted), and the catch-up of the reports whose run
// was missed while the daemon was stopped (a few seconds over a million
// reports, so the caller runs it beside the rest).
func (d *daemon) startupChecks(ctx context.Context) {
	now := d.now()
	schedule.TetJob("", d.calendar, d.log.With("part", "calendar")).Run(ctx, now)
	if err := d.reports.CatchUp(ctx, now); err != nil && ctx.Err() == nil {
		d.log.Error("reports catch-up", "err", err)
	}
	if _, err := d.retention.Run(ctx, now); err != nil && ctx.Err() == nil {
		d.log.Error("retention at start", "err", err)
	}
}
