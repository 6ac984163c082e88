package calendar

import "time"

// A day is a civil date, counted in days from 1970-01-01.
type day int

const secondsPerDay = 24 * 60 * 60

// civil returns the day of a date.
func civil(year int, month time.Month, d int) day {
	return day(time.Date(year, month, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay)
}

// dayOf returns the date of t in t's own location.
func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return civil(y, m, d)
}

// date returns the year, month and day of n.
func (n day) date() (int, time.Month, int) {
	return time.Unix(int64(n)*secondsPerDay, 0).UTC().Date()
}

// weekday returns n's day of the week (1970-01-01 was a Thursday).
func (n day) weekday() time.Weekday {
	return time.Weekday(((int(n)+int(time.Thursday))%7 + 7) % 7)
}

// String formats n as "YYYY-MM-DD".
func (n day) String() string {
	return time.Unix(int64(n)*secondsPerDay, 0).UTC().Format(time.DateOnly)
}
