package intake

import (
	"time"

	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// answerReport answers /report period [YYYY-MM] (SPEC 9.5) with the
// periodic report of the period that ends in that month — without a month,
// in the month the command was received — computed now from the event log:
// the same mail a scheduled report is, marked as asked for, with its
// workbook and CSV attached and its chart shown inline. A report that
// cannot be computed is logged and answered as not available; the command
// changes nothing either way.
func (p *Pipeline) answerReport(tx *store.Tx, in *incoming, op Operator, st step) error {
	data, files, err := p.periodicReport(tx, st.period, st.month, in.src.ReceivedAt, in.now)
	if err != nil {
		p.Log.Error("periodic report asked by mail could not be made", "period", st.period, "month", st.month, "err", err)
		return p.answerMail(tx, in, op, nil, "report", templates.ReportAnswer{Period: st.period, Month: st.month}, nil)
	}
	return p.answerMail(tx, in, op, nil, reports.MailKind, data, files)
}

// periodicReport computes a periodic report and stores its files, as the
// scheduled reports do (reports.Report.Mail).
func (p *Pipeline) periodicReport(tx *store.Tx, period, month string, received, now time.Time) (templates.PeriodicReport, []store.MailFile, error) {
	var view templates.PeriodicReport
	kind, err := reports.ParseKind(period)
	if err != nil {
		return view, nil, err
	}
	year, mon := received.In(vietnam).Year(), received.In(vietnam).Month()
	if month != "" {
		if year, mon, err = reports.ParseMonth(month); err != nil {
			return view, nil, err
		}
	}
	mode := reports.Mode(p.ReportMode)
	if mode == "" {
		mode = reports.Decree
	}
	span, err := reports.Ending(kind, year, mon, mode, vietnam)
	if err != nil {
		return view, nil, err
	}
	rep, err := reports.Compute(tx, span, mode, reports.Options{Calendar: p.Calendar, Table: p.Routing(), CallAttempts: p.CallAttempts, Now: now})
	if err != nil {
		return view, nil, err
	}
	view, files, err := rep.Mail(p.DB.Blobs())
	if err != nil {
		return view, nil, err
	}
	view.Asked = true
	return view, files, nil
}
