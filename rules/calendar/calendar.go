// Package calendar is the province's working-time calendar (SPEC 5.1, 5.2):
// which days are working days, the working hours of each, and the arithmetic
// the regulation's deadlines are counted in — working hours, working days,
// and the working time between two instants.
//
// A working day is a configured weekday (Monday to Friday) that is not a
// holiday, or an extra working day (a Saturday worked in exchange for a
// bridge day). Holidays come from a holiday file — by default the one shipped
// in the binary (holidays.toml: 2025 and 2026 as announced, 2027's statutory
// days) — plus the days listed inline in [calendar].
//
// Every method takes instants in any location and returns instants in the
// calendar's zone. Wall-clock times are resolved with time.Date in that zone,
// so a zone that changes its clocks is handled as Go's time package does;
// Asia/Ho_Chi_Minh has not changed since 1975. Arithmetic walks whole days,
// never minutes, so spans of years cost a few microseconds per year.
package calendar

import (
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh resolves on machines without zone files
)

// A Calendar answers working-time questions. It is immutable and safe for
// concurrent use; build one with New or Load.
type Calendar struct {
	loc      *time.Location
	weekdays [7]bool // indexed by time.Weekday
	hours    []span  // in order, not overlapping
	holidays map[day]struct{}
	extra    map[day]struct{}
	urgent   time.Duration
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// UrgentIntake returns the clock time within which an urgent report must be
// forwarded or rejected (urgent_intake_minutes).
func (c *Calendar) UrgentIntake() time.Duration { return c.urgent }

// IsWorkingDay reports whether the date of t, in the calendar's zone, is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.working(dayOf(t.In(c.loc)))
}

func (c *Calendar) working(n day) bool {
	if _, ok := c.extra[n]; ok {
		return true
	}
	if _, ok := c.holidays[n]; ok {
		return false
	}
	return c.weekdays[n.weekday()]
}

// bounds returns the opening and closing instants of the i-th working
// interval of day n.
func (c *Calendar) bounds(n day, i int) (open, closing time.Time) {
	y, m, d := n.date()
	sp := c.hours[i]
	open = time.Date(y, m, d, sp.open/60, sp.open%60, 0, 0, c.loc)
	closing = time.Date(y, m, d, sp.close/60, sp.close%60, 0, 0, c.loc)
	return open, closing
}

// InSpan reports whether t falls inside a working day's span: from its first
// opening (included) to its last closing (excluded), the breaks between
// intervals included (SPEC 5.3). 17:00 on a working day is outside.
func (c *Calendar) InSpan(t time.Time) bool {
	t = t.In(c.loc)
	n := dayOf(t)
	if !c.working(n) {
		return false
	}
	first, _ := c.bounds(n, 0)
	_, last := c.bounds(n, len(c.hours)-1)
	return !t.Before(first) && t.Before(last)
}

// InWorkingHours reports whether t falls inside a working interval of a
// working day, its opening and its closing instants included: a deadline
// that lands on a closing time is inside working hours.
func (c *Calendar) InWorkingHours(t time.Time) bool {
	t = t.In(c.loc)
	n := dayOf(t)
	// An interval closing at 24:00 ends on the next date.
	for _, d := range []day{n - 1, n} {
		if !c.working(d) {
			continue
		}
		for i := range c.hours {
			o, cl := c.bounds(d, i)
			if !t.Before(o) && !t.After(cl) {
				return true
			}
		}
	}
	return false
}

// AddWorkingHours returns the instant at which d of working time has elapsed
// after t (SPEC 5.2): the count starts at t if t is inside working hours,
// else at the next opening, and a result that falls on a closing time stays
// there (07:00 + 4h is 11:00, not 13:00). It is the earliest instant u ≥ t
// with WorkingTime(t, u) = d, so adding a then b equals adding a+b. d ≤ 0
// returns t.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	if d <= 0 {
		return t
	}
	for n := dayOf(t); ; n++ {
		if !c.working(n) {
			continue
		}
		for i := range c.hours {
			o, cl := c.bounds(n, i)
			if !t.Before(cl) {
				continue
			}
			start := o
			if t.After(o) {
				start = t
			}
			avail := cl.Sub(start)
			if d <= avail {
				return start.Add(d)
			}
			d -= avail
		}
	}
}

// SubWorkingHours returns the earliest instant u ≤ t from which at most d of
// working time remains until t: WorkingTime(u, t) ≤ d exactly when u is at
// or after the result. When the count back from t ends on an opening, the
// result is the closing before it, since no working time passes in between.
// The deadline package uses it for the instant a deadline becomes due soon.
// d < 0 counts as 0.
func (c *Calendar) SubWorkingHours(t time.Time, d time.Duration) time.Time {
	t = t.In(c.loc)
	d = max(d, 0)
	for n := dayOf(t); ; n-- {
		if !c.working(n) {
			continue
		}
		for i := len(c.hours) - 1; i >= 0; i-- {
			o, cl := c.bounds(n, i)
			if !o.Before(t) {
				continue
			}
			end := cl
			if t.Before(cl) {
				end = t
			}
			avail := end.Sub(o)
			if d < avail {
				return end.Add(-d)
			}
			d -= avail
		}
	}
}

// AddWorkingDays returns the deadline n working days after t (SPEC 5.2): the
// day of t does not count (Civil Code 2015 art. 147), and the deadline is the
// last closing time of the n-th working day after t's date (art. 148). n < 1
// counts as 1.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dayOf(t.In(c.loc))
	for n = max(n, 1); n > 0; {
		d++
		if c.working(d) {
			n--
		}
	}
	_, last := c.bounds(d, len(c.hours)-1)
	return last
}

// WorkingTime returns the working time between a and b: the length of the
// parts of [a, b] inside working intervals of working days. It is negative
// when b is before a (WorkingTime(b, a) = -WorkingTime(a, b)).
func (c *Calendar) WorkingTime(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.WorkingTime(b, a)
	}
	a, b = a.In(c.loc), b.In(c.loc)
	var total time.Duration
	for n, end := dayOf(a), dayOf(b); n <= end; n++ {
		if !c.working(n) {
			continue
		}
		for i := range c.hours {
			o, cl := c.bounds(n, i)
			from, to := later(o, a), earlier(cl, b)
			if from.Before(to) {
				total += to.Sub(from)
			}
		}
	}
	return total
}

func later(x, y time.Time) time.Time {
	if x.After(y) {
		return x
	}
	return y
}

func earlier(x, y time.Time) time.Time {
	if x.Before(y) {
		return x
	}
	return y
}
