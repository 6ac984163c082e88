package intake

import (
	"time"

	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// report answers /report period [YYYY-MM] (SPEC 9.5) with the periodic
// report of the period that ends in that month — without a month, in the
// month the command was received — computed now from the event log: the
// same mail a scheduled report is, of its own kind (an answer) and marked
// as asked for, with its workbook
// and CSV attached and its chart shown inline. A report that cannot be
// computed is logged and answered as not available; the command changes
// nothing either way.
func (a *answers) report(tx *store.Tx, in *incoming, op Operator, st step) error {
	data, files, err := a.periodic.compute(tx, st.period, st.month, in.src.ReceivedAt, in.now)
	if err != nil {
		a.log.Error("periodic report asked by mail could not be made", "period", st.period, "month", st.month, "err", err)
		return a.write(tx, in, op, nil, "report", templates.ReportAnswer{Period: st.period, Month: st.month}, nil)
	}
	return a.write(tx, in, op, nil, reports.AskedMailKind, data, files)
}

// periodicReports computes the periodic reports asked for by mail, as the
// scheduled reports do (reports.Report.Mail), and stores their files.
type periodicReports struct {
	blobs *store.Blobs
	rules caseRules // the statistics replay the lifecycle's rules
	mode  string    // reports.period_mode: "decree" (the default) or "calendar"
}

// compute computes the report of a period, ending in month (YYYY-MM) or,
// without one, in the month of received.
func (pr periodicReports) compute(tx *store.Tx, period, month string, received, now time.Time) (templates.PeriodicReport, []store.MailFile, error) {
	var view templates.PeriodicReport
	kind, err := reports.ParseKind(period)
	if err != nil {
		return view, nil, err
	}
	year, mon := received.In(calendar.Vietnam).Year(), received.In(calendar.Vietnam).Month()
	if month != "" {
		if year, mon, err = reports.ParseMonth(month); err != nil {
			return view, nil, err
		}
	}
	mode := reports.Mode(pr.mode)
	if mode == "" {
		mode = reports.Decree
	}
	span, err := reports.Ending(kind, year, mon, mode, calendar.Vietnam)
	if err != nil {
		return view, nil, err
	}
	rep, err := reports.Compute(tx, span, mode, reports.Options{Calendar: pr.rules.calendar, Table: pr.rules.routing(),
		CallAttempts: pr.rules.callAttempts, Now: now})
	if err != nil {
		return view, nil, err
	}
	view, files, err := rep.Mail(pr.blobs)
	if err != nil {
		return view, nil, err
	}
	view.Asked = true
	return view, files, nil
}
