package deadline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// A Query is one computation of `phananh calendar due` and of the rows of
// deadline-vectors.tsv: a kind of arithmetic and its argument. Build one with
// ParseQuery; the zero Query is the intake of a normal report.
type Query struct {
	kind    string
	hours   time.Duration
	days    int
	urgent  bool
	complex bool
}

// The kinds a Query accepts.
const (
	QueryWorkingHours = "working-hours" // argument: hours, may be fractional ("0.5")
	QueryWorkingDays  = "working-days"  // argument: a whole number of days, at least 1
	QueryIntake       = "intake"        // argument: normal, complex or urgent
)

// ParseQuery checks kind and its argument.
func ParseQuery(kind, arg string) (Query, error) {
	q := Query{kind: kind}
	switch kind {
	case QueryWorkingHours:
		d, err := parseHours(arg)
		if err != nil {
			return q, err
		}
		q.hours = d
	case QueryWorkingDays:
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return q, fmt.Errorf("working days: %q is not a whole number of days, at least 1", arg)
		}
		q.days = n
	case QueryIntake:
		switch arg {
		case "normal":
		case "complex":
			q.complex = true
		case "urgent":
			q.urgent = true
		default:
			return q, fmt.Errorf("intake: %q is not one of normal, complex, urgent", arg)
		}
	default:
		return q, fmt.Errorf("%q is not a kind: use %s, %s or %s", kind, QueryWorkingHours, QueryWorkingDays, QueryIntake)
	}
	return q, nil
}

// parseHours reads a decimal number of hours exactly (no floating point):
// "2", "0.5", "1.25".
func parseHours(arg string) (time.Duration, error) {
	bad := fmt.Errorf("working hours: %q is not a number of hours like 2 or 0.5", arg)
	whole, frac, _ := strings.Cut(arg, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, bad
	}
	d, err := time.ParseDuration(arg + "h")
	if err != nil {
		return 0, bad
	}
	return d, nil
}

func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// Due returns the due instant of q counted from from, in the calendar's
// zone.
func (q Query) Due(cal *calendar.Calendar, from time.Time) time.Time {
	switch q.kind {
	case QueryWorkingHours:
		return cal.AddWorkingHours(from, q.hours)
	case QueryWorkingDays:
		return cal.AddWorkingDays(from, q.days)
	default:
		return Intake(cal, from, q.urgent, q.complex).Due
	}
}
