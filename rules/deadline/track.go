package deadline

import (
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// State is the state of an open deadline (SPEC 5.5). The strings are those
// of the JSON output.
type State string

// The states of an open deadline.
const (
	OnTime  State = "on-time"
	DueSoon State = "due-soon"
	Overdue State = "overdue"
)

// MinSoon is the shortest due-soon warning: a deadline is due soon when the
// time left is at most max(25 % of its whole span, MinSoon).
const MinSoon = time.Hour

// Span returns the deadline's whole span: the working time from Start to Due,
// or the clock time for a clock deadline.
func (d Deadline) Span(cal *calendar.Calendar) time.Duration {
	if d.Clock {
		return d.Due.Sub(d.Start)
	}
	return cal.WorkingTime(d.Start, d.Due)
}

// Left returns the time left at now until Due, in working time for a
// working-time deadline and in clock time for a clock deadline; it is
// negative once Due has passed.
func (d Deadline) Left(cal *calendar.Calendar, now time.Time) time.Duration {
	if d.Clock {
		return d.Due.Sub(now)
	}
	return cal.WorkingTime(now, d.Due)
}

// SoonAt returns the instant the deadline becomes due soon: the earliest
// instant from Start on at which the time left is at most max(25 % of the
// whole span, 1 hour) (SPEC 5.5). A deadline whose whole span is within that
// threshold is due soon from its start (an urgent intake of 15 minutes, for
// instance). For a working-time deadline the time left does not shrink
// outside working hours, so SoonAt can fall on a closing time: a deadline
// due at 08:00 on Monday is due soon from 17:00 on Friday, when 1 working
// hour is left.
//
// The deadline watch stores SoonAt and Due and selects on them: State is
// DueSoon exactly when SoonAt ≤ now < Due. An open-ended deadline (zero Due)
// is never due soon, and SoonAt returns the zero time: the watch must skip
// deadlines without a due instant.
func (d Deadline) SoonAt(cal *calendar.Calendar) time.Time {
	if d.Due.IsZero() {
		return time.Time{}
	}
	threshold := max(d.Span(cal)/4, MinSoon)
	var at time.Time
	if d.Clock {
		at = d.Due.Add(-threshold)
	} else {
		at = cal.SubWorkingHours(d.Due, threshold)
	}
	if at.Before(d.Start) {
		at = d.Start
	}
	return at.In(cal.Location())
}

// State returns the state of the open deadline at now: Overdue from Due on,
// DueSoon from SoonAt on, OnTime before. From Start on this is the rule of
// SPEC 5.5 — due soon when Left(now) ≤ max(Span/4, 1 hour); before Start a
// deadline is on time. An open-ended deadline (zero Due) is always on time.
func (d Deadline) State(cal *calendar.Calendar, now time.Time) State {
	switch {
	case d.Due.IsZero():
		return OnTime
	case !now.Before(d.Due):
		return Overdue
	case !now.Before(d.SoonAt(cal)):
		return DueSoon
	default:
		return OnTime
	}
}

// Outcome is how a completed step fared against its deadline (SPEC 5.5,
// 9.3). The strings are those of the JSON output.
type Outcome string

// The outcomes of a completed step.
const (
	Met     Outcome = "met"     // completed at or before Due
	Late    Outcome = "late"    // completed after Due
	Excused Outcome = "excused" // completed after Due under a confirmed complex-case extension
)

// Outcome returns how a step completed at completedAt fared. Completing at
// the due instant itself meets the deadline (a deadline at 17:00 allows
// acting at 17:00), although an open deadline is overdue from that instant
// on. excused is true when the deadline was extended with a confirmed
// complex-case extension (Art 8.3): a late completion is then not counted
// late. Under an open-ended extension (zero Due) a completion is Excused when
// excused and Met otherwise.
func (d Deadline) Outcome(completedAt time.Time, excused bool) Outcome {
	switch {
	case d.Due.IsZero() && excused:
		return Excused
	case d.Due.IsZero() || !completedAt.After(d.Due):
		return Met
	case excused:
		return Excused
	default:
		return Late
	}
}
