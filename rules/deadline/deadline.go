// Package deadline computes and tracks the regulation's deadlines (SPEC
// 5.3–5.5): the intake, return, resolve, publish and clarification
// deadlines of a report, whether each is on time, due soon or overdue, and
// whether a completion met it.
//
// A Deadline is a plain value — kind, start, due instant, and whether it is
// measured in clock time — that the store can keep and give back; every
// question about it takes the calendar it was computed with.
package deadline

import (
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// Kind names a deadline. The strings are those of the JSON output (SPEC
// 12.1, `phananh show`).
type Kind string

// The five deadlines of a report (SPEC 3, 5.3, 5.4).
const (
	KindIntake        Kind = "intake"        // forward or reject a received report
	KindReturn        Kind = "return"        // an agency returns a wrong assignment
	KindResolve       Kind = "resolve"       // an agency submits its result
	KindPublish       Kind = "publish"       // the Center publishes an approved result
	KindClarification Kind = "clarification" // an agency answers a citizen's reply
)

// The regulation's limits (Art 7.3, 8.1, 8.3, 9.3; SPEC 5.3, 5.4).
const (
	NormalIntake      = 2 * time.Hour  // working hours, received inside the span
	ComplexIntake     = 8 * time.Hour  // working hours, received inside the span
	OutsideSpanIntake = 24 * time.Hour // clock hours, received outside the span
	ReturnTime        = 4 * time.Hour  // working hours after forwarding
	PublishTime       = 2 * time.Hour  // working hours after the result
	MaxResolveDays    = 6              // working days, the most an agency may set
	UrgentResolveDays = 1              // working days for an urgent report
	ClarificationDays = 2              // working days after the citizen's reply
)

// A Deadline is one deadline of a report.
type Deadline struct {
	Kind Kind
	// Start is the instant the deadline is counted from.
	Start time.Time
	// Due is the last instant at which the step is on time. The zero time
	// marks an open-ended deadline: a complex-case extension confirmed
	// before its days are known (SPEC 3, Art 8.3).
	Due time.Time
	// Clock is true for deadlines measured in clock time: the urgent
	// intake, and the intake of a report received outside a working day's
	// span. The others are measured in working time.
	Clock bool
}

// Intake returns the deadline to forward or reject a report received at
// received (SPEC 5.3). An urgent report has the calendar's
// urgent_intake_minutes of clock time, at any hour. Otherwise a report
// received inside a working day's span (the midday break included) has 2
// working hours, or 8 when complex; one received outside it (nights,
// weekends, holidays, and 17:00 itself) has 24 clock hours, complex or not.
// Marking a report urgent or complex later means calling Intake again with
// the same received time. Intake also serves a report returned by an agency,
// counted from the return.
func Intake(cal *calendar.Calendar, received time.Time, urgent, complex bool) Deadline {
	received = received.In(cal.Location())
	d := Deadline{Kind: KindIntake, Start: received}
	switch {
	case urgent:
		d.Due, d.Clock = received.Add(cal.UrgentIntake()), true
	case !cal.InSpan(received):
		d.Due, d.Clock = received.Add(OutsideSpanIntake), true
	case complex:
		d.Due = cal.AddWorkingHours(received, ComplexIntake)
	default:
		d.Due = cal.AddWorkingHours(received, NormalIntake)
	}
	return d
}

// Return returns the deadline for an agency to return a report forwarded at
// forwarded: 4 working hours (Art 8.1).
func Return(cal *calendar.Calendar, forwarded time.Time) Deadline {
	return workingHours(cal, KindReturn, forwarded, ReturnTime)
}

// Resolve returns the deadline for an agency to submit the result of a
// report forwarded at forwarded (Art 8.3): limitDays working days, the
// agency's own limit, which the regulation caps at MaxResolveDays; a limit
// out of 1..MaxResolveDays (0 for an agency that set none) counts as
// MaxResolveDays. An urgent report has UrgentResolveDays.
func Resolve(cal *calendar.Calendar, forwarded time.Time, limitDays int, urgent bool) Deadline {
	days := limitDays
	switch {
	case urgent:
		days = UrgentResolveDays
	case days < 1 || days > MaxResolveDays:
		days = MaxResolveDays
	}
	return workingDays(cal, KindResolve, forwarded, days)
}

// Publish returns the deadline for the Center to publish a result approved
// by the agency at resolved: 2 working hours (Art 9.3).
func Publish(cal *calendar.Calendar, resolved time.Time) Deadline {
	return workingHours(cal, KindPublish, resolved, PublishTime)
}

// Clarification returns the deadline for an agency to answer a citizen's
// reply to a result, received at reply: 2 working days (Art 10; SPEC 5.4).
func Clarification(cal *calendar.Calendar, reply time.Time) Deadline {
	return workingDays(cal, KindClarification, reply, ClarificationDays)
}

func workingHours(cal *calendar.Calendar, kind Kind, start time.Time, d time.Duration) Deadline {
	start = start.In(cal.Location())
	return Deadline{Kind: kind, Start: start, Due: cal.AddWorkingHours(start, d)}
}

func workingDays(cal *calendar.Calendar, kind Kind, start time.Time, n int) Deadline {
	start = start.In(cal.Location())
	return Deadline{Kind: kind, Start: start, Due: cal.AddWorkingDays(start, n)}
}
