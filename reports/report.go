// Package reports makes the reports the regulation requires (Art 13.4,
// 13.5; SPEC 9): the daily digest to the Center and the monthly, quarterly,
// 6-monthly and annual reports of reception and handling, with the overdue
// list and the agencies' ranking, as an HTML mail with a chart, an XLSX
// workbook and CSV; and it sends each periodic report once.
//
// A report is computed from the event log and the deadlines, never from a
// report's current state alone, so that a past period gives the same figures
// whenever it is computed again:
//
//   - a report counts in the period holding its received time (received);
//   - a change of state in the period holding it (rejected, forwarded,
//     returned, escalated, sent back, published, rated);
//   - a step — a deadline met, late or excused (SPEC 5.5) — in the period
//     holding its completion (resolved on time, late or excused; the working
//     hours per stage);
//   - "open at the period's end" is the state then, rebuilt from the log,
//     with the deadline then in force.
//
// One exception is the regulation's own: after a /sendback the /resolve
// finally approved is the one that counts (SPEC 5.5), so a result sent back
// after a period's end leaves that period's count of results and counts
// where it is redone.
//
// Reports read no personal data: codes, states, times and the
// classification columns only.
package reports

import (
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// Options are what computing a report needs beside the store.
type Options struct {
	// Calendar counts working hours.
	Calendar *calendar.Calendar
	// Table names fields, units and agencies, and gives the Center's code.
	Table *routing.Table
	// CallAttempts is the configured call_attempts: a rejected report with
	// that many failed calls was rejected as unreachable, when the log does
	// not record the reason. 0 means 3.
	CallAttempts int
	// Now is when the report is made: its date, and, for a period not
	// over yet, when the open reports are counted rather than at its end.
	// Zero leaves the report undated and counts at the period's end.
	Now time.Time
}

// Report is one computed report.
type Report struct {
	Period      Period
	Mode        Mode
	GeneratedAt time.Time
	// Center is the Center's agency code.
	Center string
	// Escalation names the body escalated reports go to (routing.Bodies):
	// the department of the routing table's edition.
	Escalation string
	// AsOf is when the open reports were counted: the period's end, or
	// the time the report was made while the period was not over.
	AsOf time.Time

	// Totals are the figures of the whole province.
	Totals Counts
	// ByField, ByAgency and ByUnit hold the groups with any figure, in the
	// routing table's order, then codes the table no longer has (SPEC
	// 6.4: statistics group by what was recorded). An agency's figures
	// are the steps it took and the reports it held at the period's end;
	// the Center's row holds the reports waiting for it (to forward, or to
	// publish) and the escalated ones.
	ByField, ByAgency, ByUnit []Group
	// Rejections count the rejections of the period by reason, every
	// reason listed.
	Rejections []Reason
	// Stages are the working hours per stage, every stage listed.
	Stages []Stage
	// Overdue lists the reports open and overdue at the period's end,
	// most overdue first.
	Overdue []Overdue
	// Difficulties list the period's difficulties (SPEC 9.5, Art 13.4):
	// the reports escalated, returned more than once, overdue by more than
	// their own limit, or extended in the period.
	Difficulties []Difficulty
	// Ranking ranks the agencies (the Center aside) by on-time rate.
	Ranking []Rank
	// Editions are the routing tables that routed the reports counted, the
	// one of the earliest report first. A period that spans a
	// reorganisation has two: each report counts under the field, unit and
	// agency it recorded (SPEC 6.4), so old and new units and agencies
	// both have rows, and the report says why.
	Editions []Edition
	// Spam counts the messages received in the period that our border's
	// spam filter marked: quarantined unanswered, with no notice of their
	// own, so that the Center sees them here (SPEC 4.2).
	Spam int
	// HeldFollowUps are, by report, the follow-ups received in the period
	// that an hourly cap kept from the report's holders (recorded on the
	// report, nobody told), and Bursts one sender's reports sent in bursts
	// (BurstReports within an hour): the daily digest's alone.
	HeldFollowUps []store.HeldFollowUps
	Bursts        []Burst
}

// Edition is a routing table that routed reports counted in a report.
type Edition struct {
	Code    string // the table's edition: "appendix1", "2025"
	Title   string // how reports name it
	Reports int    // the reports counted that it routed
}

// Counts are the figures of a report, for the province or one group.
type Counts struct {
	Received  int // reports received in the period
	Rejected  int
	Forwarded int // to an agency, after intake, a return or an escalation
	// Coordinated counts, in an agency's row only, the reports forwarded
	// to another lead agency with this one to work with it (Art 7.1).
	Coordinated int
	Returned    int // by an agency: not its authority (Art 8.1)
	// ReturnedLate counts returns made after their 4 working hours.
	ReturnedLate int
	Escalated    int // to the department of Report.Escalation (Art 4.7)
	SentBack     int // results the Center asked the agency to redo
	// Resolved counts the results submitted (and not sent back):
	// OnTime + Late + Excused.
	Resolved, OnTime, Late, Excused int
	Published                       int // results sent to the citizen
	// Open counts the reports open at the period's end, OpenOverdue those
	// of them past the deadline of their step then.
	Open, OpenOverdue int
	// The citizens' ratings given in the period (Art 10).
	VerySatisfied, Satisfied, Dissatisfied int
}

// Group is the figures of one field, agency or administrative unit.
type Group struct {
	Code string // "" for reports without one
	Name string
	Counts
}

// Reason is the number of rejections for one reason.
type Reason struct {
	Code string // unreachable, duplicate, unverified, other
	Name string
	N    int
}

// Stage is the working time the steps of one stage took.
type Stage struct {
	Code string // intake, return, resolve, publish, clarification, total
	Name string
	N    int
	// Late counts the steps done after their deadline (and not excused);
	// the whole ("total") has no deadline of its own.
	Late int
	// Mean and P90 are the average and the 90th percentile (nearest rank:
	// the smallest time at least 90 % of the steps took no longer than),
	// in working time; zero when N is 0.
	Mean, P90 time.Duration
}

// Overdue is a report open past its step's deadline at the period's end.
type Overdue struct {
	Code  string
	State string // the report's state then
	Step  string // the step owed: intake, resolve, publish
	// Agency is who must act: the agency holding the report, or the
	// Center for intake and publication.
	Agency, AgencyName string
	Field, FieldName   string
	Unit, UnitName     string
	Due                time.Time
	// DaysLate counts the days begun since the deadline (a report one
	// hour late is 1 day late); HoursLate the working time since.
	DaysLate  int
	HoursLate time.Duration
}

// Rank is an agency's place by on-time rate (Art 13.5): the results on
// time or excused ("not counted late", Art 8.3) over the results submitted
// and the reports the agency held past their deadline at the period's end,
// so that an agency does not rank well by leaving its late cases open.
type Rank struct {
	Place   int // equal rates share a place
	Agency  string
	Name    string
	OnTime  int // on time or excused
	Late    int
	Overdue int // held past the resolve deadline at the period's end
	Rate    float64
	// MeanResolve is the mean working time from forwarding to result.
	MeanResolve time.Duration
}
