package calendar_test

import (
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

func testCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.Load("testdata/calendar-test.toml")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// at parses an RFC 3339 instant.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIsWorkingDay(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2026-11-23T12:00:00+07:00", true},  // Monday
		{"2026-11-28T12:00:00+07:00", false}, // Saturday
		{"2026-11-29T12:00:00+07:00", false}, // Sunday
		{"2026-02-17T09:00:00+07:00", false}, // Tết
		{"2026-01-10T09:00:00+07:00", true},  // extra working Saturday
		{"2026-08-22T09:00:00+07:00", true},  // extra working Saturday
		{"2026-11-22T17:30:00Z", true},       // Sunday in UTC, Monday 00:30 in Hồ Chí Minh City
		{"2026-11-23T17:30:00Z", true},       // Tuesday 00:30
		{"2026-11-27T17:30:00Z", false},      // Saturday 00:30
	} {
		if got := cal.IsWorkingDay(at(t, tc.at)); got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestInSpanAndWorkingHours(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		at           string
		span, inside bool
	}{
		{"2026-11-23T06:59:59+07:00", false, false},
		{"2026-11-23T07:00:00+07:00", true, true},
		{"2026-11-23T11:00:00+07:00", true, true}, // a closing counts as inside working hours
		{"2026-11-23T11:00:01+07:00", true, false},
		{"2026-11-23T12:00:00+07:00", true, false}, // the midday break is inside the span
		{"2026-11-23T13:00:00+07:00", true, true},
		{"2026-11-23T16:59:59+07:00", true, true},
		{"2026-11-23T17:00:00+07:00", false, true}, // the span is half-open
		{"2026-11-23T17:00:01+07:00", false, false},
		{"2026-11-28T09:00:00+07:00", false, false}, // Saturday
		{"2026-01-10T09:00:00+07:00", true, true},   // extra working Saturday
		{"2026-11-23T01:00:00Z", true, true},        // 08:00 local
	} {
		v := at(t, tc.at)
		if got := cal.InSpan(v); got != tc.span {
			t.Errorf("InSpan(%s) = %v, want %v", tc.at, got, tc.span)
		}
		if got := cal.InWorkingHours(v); got != tc.inside {
			t.Errorf("InWorkingHours(%s) = %v, want %v", tc.at, got, tc.inside)
		}
	}
}

func TestAddWorkingHoursEdges(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2026-11-23T12:00:00+07:00", 0, "2026-11-23T12:00:00+07:00"}, // nothing to add
		{"2026-11-23T12:00:00+07:00", -time.Hour, "2026-11-23T12:00:00+07:00"},
		{"2026-11-23T10:59:59.5+07:00", time.Second, "2026-11-23T13:00:00.5+07:00"},
		{"2026-11-23T00:00:00Z", 8 * time.Hour, "2026-11-23T17:00:00+07:00"},
		{"2026-02-13T07:00:00+07:00", 16 * time.Hour, "2026-02-23T17:00:00+07:00"}, // across Tết
		// A year of working time: 250 working days of 8 hours from 1 January 2026.
		{"2026-01-01T00:00:00+07:00", 250 * 8 * time.Hour, "2026-12-31T17:00:00+07:00"},
	} {
		got := cal.AddWorkingHours(at(t, tc.from), tc.d)
		if got.Format(time.RFC3339Nano) != tc.want {
			t.Errorf("AddWorkingHours(%s, %v) = %s, want %s", tc.from, tc.d, got.Format(time.RFC3339Nano), tc.want)
		}
	}
}

func TestAddWorkingDaysEdges(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-23T06:00:00+07:00", 1, "2026-11-24T17:00:00+07:00"}, // the day of t never counts
		{"2026-11-23T06:00:00+07:00", 0, "2026-11-24T17:00:00+07:00"}, // n < 1 counts as 1
		{"2026-11-23T06:00:00+07:00", -3, "2026-11-24T17:00:00+07:00"},
		{"2026-11-22T23:30:00Z", 1, "2026-11-24T17:00:00+07:00"}, // Monday 06:30 local
		{"2026-02-13T16:00:00+07:00", 1, "2026-02-23T17:00:00+07:00"},
	} {
		got := cal.AddWorkingDays(at(t, tc.from), tc.n)
		if got.Format(time.RFC3339) != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got.Format(time.RFC3339), tc.want)
		}
	}
}

func TestWorkingTime(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		a, b string
		want time.Duration
	}{
		{"2026-11-23T08:00:00+07:00", "2026-11-23T10:00:00+07:00", 2 * time.Hour},
		{"2026-11-23T10:00:00+07:00", "2026-11-23T14:00:00+07:00", 2 * time.Hour},
		{"2026-11-23T12:00:00+07:00", "2026-11-23T12:30:00+07:00", 0},
		{"2026-11-27T16:00:00+07:00", "2026-11-30T08:00:00+07:00", 2 * time.Hour},
		{"2026-11-30T08:00:00+07:00", "2026-11-27T16:00:00+07:00", -2 * time.Hour},
		{"2026-02-13T07:00:00+07:00", "2026-02-23T17:00:00+07:00", 16 * time.Hour},
		{"2026-01-01T00:00:00+07:00", "2027-01-01T00:00:00+07:00", 250 * 8 * time.Hour},
	} {
		if got := cal.WorkingTime(at(t, tc.a), at(t, tc.b)); got != tc.want {
			t.Errorf("WorkingTime(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSubWorkingHours(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		t    string
		d    time.Duration
		want string
	}{
		{"2026-11-23T10:00:00+07:00", time.Hour, "2026-11-23T09:00:00+07:00"},
		{"2026-11-23T14:00:00+07:00", time.Hour, "2026-11-23T11:00:00+07:00"}, // ends on 13:00: the closing before
		{"2026-11-23T14:00:00+07:00", 90 * time.Minute, "2026-11-23T10:30:00+07:00"},
		{"2026-11-30T08:00:00+07:00", time.Hour, "2026-11-27T17:00:00+07:00"},
		{"2026-11-23T10:00:00+07:00", 0, "2026-11-23T10:00:00+07:00"},
		{"2026-11-23T13:00:00+07:00", 0, "2026-11-23T11:00:00+07:00"},
		{"2026-11-23T12:00:00+07:00", 0, "2026-11-23T11:00:00+07:00"},
	} {
		got := cal.SubWorkingHours(at(t, tc.t), tc.d)
		if got.Format(time.RFC3339) != tc.want {
			t.Errorf("SubWorkingHours(%s, %v) = %s, want %s", tc.t, tc.d, got.Format(time.RFC3339), tc.want)
		}
	}
}

// TestResultsInZone checks that results come back in the calendar's zone
// whatever the input's.
func TestResultsInZone(t *testing.T) {
	cal := testCalendar(t)
	from := at(t, "2026-11-23T01:00:00Z")
	for name, got := range map[string]time.Time{
		"AddWorkingHours":  cal.AddWorkingHours(from, time.Hour),
		"AddWorkingHours0": cal.AddWorkingHours(from, 0),
		"AddWorkingDays":   cal.AddWorkingDays(from, 1),
		"SubWorkingHours":  cal.SubWorkingHours(from, time.Hour),
	} {
		if got.Location() != cal.Location() {
			t.Errorf("%s: result in %v, want %v", name, got.Location(), cal.Location())
		}
	}
	if cal.Location().String() != "Asia/Ho_Chi_Minh" || cal.UrgentIntake() != 15*time.Minute {
		t.Errorf("Location %v, UrgentIntake %v", cal.Location(), cal.UrgentIntake())
	}
}

// TestMidnightClosing checks a calendar whose working day runs to 24:00.
func TestMidnightClosing(t *testing.T) {
	cfg := calendar.Default()
	cfg.HolidaysFile = ""
	cfg.WorkingHours = []string{"00:00-24:00"}
	cal, err := calendar.New(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	fri := at(t, "2026-11-27T20:00:00+07:00")
	if got, want := cal.AddWorkingHours(fri, 4*time.Hour), at(t, "2026-11-28T00:00:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours(4h) = %v, want %v (Friday's closing)", got, want)
	}
	if got, want := cal.AddWorkingHours(fri, 5*time.Hour), at(t, "2026-11-30T01:00:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours(5h) = %v, want %v", got, want)
	}
	if got, want := cal.AddWorkingDays(fri, 1), at(t, "2026-12-01T00:00:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays = %v, want %v", got, want)
	}
	if sat := at(t, "2026-11-28T00:00:00+07:00"); !cal.InWorkingHours(sat) || cal.InSpan(sat) {
		t.Errorf("Saturday 00:00 closes Friday: InWorkingHours should be true and InSpan false")
	}
	if got := cal.WorkingTime(fri, at(t, "2026-11-30T02:00:00+07:00")); got != 6*time.Hour {
		t.Errorf("WorkingTime = %v, want 6h", got)
	}
}
