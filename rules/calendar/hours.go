package calendar

import (
	"errors"
	"fmt"
	"strings"
)

// A span is one working interval of a day, in minutes after midnight
// (wall clock); close may be 24*60.
type span struct{ open, close int }

// parseHours checks working_hours: each interval well formed and not empty,
// the list in order, no two intervals overlapping. Touching intervals
// ("07:00-11:00", "11:00-12:00") are accepted and behave as one.
func parseHours(list []string) ([]span, error) {
	if len(list) == 0 {
		return nil, errors.New("calendar.working_hours: must hold at least one interval")
	}
	spans := make([]span, len(list))
	for i, s := range list {
		sp, err := parseSpan(s)
		if err != nil {
			return nil, fmt.Errorf("calendar.working_hours: %q: %w", s, err)
		}
		if i > 0 {
			prev := spans[i-1]
			switch {
			case sp.open < prev.open:
				return nil, fmt.Errorf("calendar.working_hours: %q comes after %q: list the intervals in order", s, list[i-1])
			case sp.open < prev.close:
				return nil, fmt.Errorf("calendar.working_hours: %q overlaps %q", s, list[i-1])
			}
		}
		spans[i] = sp
	}
	return spans, nil
}

// parseSpan parses "HH:MM-HH:MM".
func parseSpan(s string) (span, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, errors.New(`not an interval like "07:00-11:00"`)
	}
	open, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return span{}, err
	}
	closing, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return span{}, err
	}
	if open >= 24*60 {
		return span{}, errors.New("an interval cannot open at 24:00")
	}
	if closing <= open {
		return span{}, errors.New("closes before it opens")
	}
	return span{open, closing}, nil
}

// parseClock parses a wall-clock time "HH:MM" (one-digit hours accepted)
// from 00:00 to 24:00 into minutes after midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("%q is not a time like 07:30", s)
	}
	hours, minutes := atoi(h), atoi(m)
	if minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
		return 0, fmt.Errorf("%q is not a time of day (00:00 to 24:00)", s)
	}
	return hours*60 + minutes, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// atoi converts at most two decimal digits, already checked.
func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
