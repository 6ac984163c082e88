package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/schedule"
	"haugiang.gov.vn/phananh/store"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", "report --config FILE --period monthly|quarterly|semiannual|annual --at YYYY-MM --out DIR\n\n"+
		"Writes the report of the period that ends in the month --at (for quarters, halves and years, the one\n"+
		"containing it) into DIR: report.html, report.xlsx, report.csv and chart.png. Periods follow\n"+
		"[reports] period_mode. Safe to run while the daemon runs; nothing is sent.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	period := fs.String("period", "", "the `kind` of report: monthly, quarterly, semiannual or annual")
	month := fs.String("at", "", "the `month` (YYYY-MM) the period ends in")
	out := fs.String("out", "", "the `folder` to write the files into, made if missing in a folder that exists")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config", "period", "at", "out"); p != "" {
		return badUsage(fs, p)
	}
	kind, err := reports.ParseKind(*period)
	if err == nil && kind == reports.Daily {
		err = errors.New("the daily digest has no report of its own: monthly, quarterly, semiannual or annual")
	}
	if err != nil {
		return badUsage(fs, "--period: "+err.Error())
	}
	year, m, err := reports.ParseMonth(*month)
	if err != nil {
		return badUsage(fs, "--at: "+err.Error())
	}
	return withApp(ctx, "report", *configPath, stderr, func(a *app) error {
		mode := reports.Mode(a.cfg.Reports.PeriodMode)
		p, err := reports.Ending(kind, year, m, mode, a.calendar.Location())
		if err != nil {
			return err
		}
		set, err := a.loadTemplates()
		if err != nil {
			return err
		}
		now := time.Now()
		var r *reports.Report
		err = a.db.Read(ctx, func(tx *store.Tx) error {
			r, err = reports.Compute(tx, p, mode, a.reportOptions(now))
			return err
		})
		if err != nil {
			return err
		}
		r.GeneratedAt = now
		paths, err := r.WriteFiles(*out, set)
		for _, path := range paths {
			fmt.Fprintln(stdout, path)
		}
		return err
	})
}

// reportSender is the daemon's sender of the daily digest and the
// periodic reports (SPEC 9.1); wake is the mail worker's Wake.
func (a *app) reportSender(wake func()) *reports.Sender {
	return &reports.Sender{
		DB: a.db, Calendar: a.calendar, Routing: a.routing.Load, Config: a.cfg.Reports, Operators: a.operators.Config,
		CallAttempts: a.cfg.Process.CallAttempts, Wake: wake, Log: a.log.With("part", "reports"),
		MissingTet: func(now time.Time) (int, bool) { return schedule.MissingTet(a.calendar, now) },
	}
}

// reportCatchUp is how often the sender looks for a report its scheduled
// run failed to send (a full disk, say): the next scheduled run of the
// kind is a period away.
const reportCatchUp = "@hourly"

// reportJobs are the scheduler's jobs of the sender: one for each kind of
// report that has a schedule, at its time, and the hourly catch-up. The
// daemon also calls the sender's CatchUp once at start, for the runs missed
// while it was stopped. Sending twice is harmless: a period's report is
// recorded in the transaction that queues it.
func reportJobs(s *reports.Sender) []schedule.Job {
	jobs := []schedule.Job{{Name: "reports-catch-up", Spec: reportCatchUp, Run: s.CatchUp}}
	for _, kind := range reports.Kinds() {
		if spec := s.Schedule(kind); spec != "" {
			jobs = append(jobs, schedule.Job{Name: "report-" + string(kind), Spec: spec,
				Run: func(ctx context.Context, now time.Time) error { return s.Run(ctx, kind, now) }})
		}
	}
	return jobs
}

// reportOptions are what computing a report needs of the configuration.
func (a *app) reportOptions(now time.Time) reports.Options {
	return reports.Options{Calendar: a.calendar, Table: a.routing.Load(), CallAttempts: a.cfg.Process.CallAttempts, Now: now}
}
