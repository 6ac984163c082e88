package reports

import (
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// at is a wall-clock time in Vietnam.
func at(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, calendar.Vietnam)
}

// testCalendar is the calendar of SPEC's calendar-test.toml: 2026's
// holidays, Tết from 14 to 22 February among them.
func testCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.Load("testdata/calendar-test.toml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}
