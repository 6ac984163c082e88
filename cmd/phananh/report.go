package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", "report --config FILE --period monthly|quarterly|semiannual|annual --at YYYY-MM --out DIR\n\n"+
		"Writes the report of the period that ends in the month --at (for quarters, halves and years, the one\n"+
		"containing it) into DIR: report.html, report.xlsx, report.csv and chart.png. Periods follow\n"+
		"[reports] period_mode. Safe to run while the daemon runs; nothing is sent.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	period := fs.String("period", "", "the `kind` of report: monthly, quarterly, semiannual or annual")
	month := fs.String("at", "", "the `month` (YYYY-MM) the period ends in")
	out := fs.String("out", "", "the `folder` to write the files into")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	kind, kindErr := reports.ParseKind(*period)
	year, m, monthErr := reports.ParseMonth(*month)
	if *configPath == "" || *out == "" || fs.NArg() != 0 || kindErr != nil || kind == reports.Daily || monthErr != nil {
		for _, err := range []error{kindErr, monthErr} {
			if err != nil && *period != "" && *month != "" {
				fmt.Fprintf(stderr, "phananh report: %v\n", err)
			}
		}
		fs.Usage()
		return exitUsage
	}
	return withApp(ctx, "report", *configPath, stderr, func(a *app) error {
		mode := reports.Mode(a.cfg.Reports.PeriodMode)
		p, err := reports.Ending(kind, year, m, mode, a.calendar.Location())
		if err != nil {
			return err
		}
		set, err := templates.Load(a.cfg.Templates.Dir)
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

// reportOptions are what computing a report needs of the configuration.
func (a *app) reportOptions(now time.Time) reports.Options {
	return reports.Options{Calendar: a.calendar, Table: a.routing.Load(), CallAttempts: a.cfg.Process.CallAttempts, Now: now}
}
