package privacy

import (
	"fmt"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

// The kinds of data subject request and the days each has (Decree 356
// art. 5): a copy of one's data within 10 days, its erasure within 20.
// Other requests (correction, restriction, objection) are given 10 days,
// the shorter limit, where the decree sets none of their own.
const (
	KindCopy    = "copy"
	KindErasure = "erasure"
	KindOther   = "other"

	// AckWorkingDays is the time to acknowledge any request.
	AckWorkingDays = 2
	CopyDays       = 10
	ErasureDays    = 20
	OtherDays      = 10
)

// Days returns the days a request of kind has to be answered, 0 for an
// unknown kind.
func Days(kind string) int {
	switch kind {
	case KindCopy:
		return CopyDays
	case KindErasure:
		return ErasureDays
	case KindOther:
		return OtherDays
	}
	return 0
}

// RequestDeadlines returns when a request received at received must be
// acknowledged — 2 working days, counted as the regulation's working-day
// deadlines (SPEC 5.2) — and answered: its days counted in calendar days
// from the day after receipt (Civil Code 2015 art. 147), ending at the
// close of the last day, moved to the close of the next working day when
// that day is not one (art. 148).
func RequestDeadlines(cal *calendar.Calendar, kind string, received time.Time) (ack, due time.Time, err error) {
	n := Days(kind)
	if n == 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("request kind %q is not copy, erasure or other", kind)
	}
	return cal.AddWorkingDays(received, AckWorkingDays), addDays(cal, received, n), nil
}

// Extend returns the due time of a request extended once: its days again
// from the current due time (Decree 356 art. 5 allows one extension).
func Extend(cal *calendar.Calendar, kind string, due time.Time) time.Time {
	return addDays(cal, due, Days(kind))
}

// addDays is the close of the n-th calendar day after t's date, or of the
// next working day when that day is not one.
func addDays(cal *calendar.Calendar, t time.Time, n int) time.Time {
	t = t.In(cal.Location())
	last := time.Date(t.Year(), t.Month(), t.Day()+n, 12, 0, 0, 0, cal.Location())
	return cal.AddWorkingDays(last.AddDate(0, 0, -1), 1)
}

// State is a request deadline's state now, as the regulation's deadlines
// have theirs (SPEC 5.5): on time, due soon (at most a quarter of its span,
// or an hour, left), overdue; met or late once done.
func State(cal *calendar.Calendar, start, due, done, now time.Time, working bool) string {
	if !done.IsZero() {
		if done.After(due) {
			return "late"
		}
		return "met"
	}
	d := deadline.Deadline{Start: start, Due: due, Clock: !working}
	return string(d.State(cal, now))
}
