package calendar_test

import (
	"slices"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

func shippedCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.New(calendar.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// offDays returns the days of year that are not working days although they
// are Monday to Friday, and the Saturdays and Sundays that are working days.
func offDays(cal *calendar.Calendar, year int) (off, worked []string) {
	for d := time.Date(year, 1, 1, 12, 0, 0, 0, cal.Location()); d.Year() == year; d = d.AddDate(0, 0, 1) {
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		switch working := cal.IsWorkingDay(d); {
		case !weekend && !working:
			off = append(off, d.Format(time.DateOnly))
		case weekend && working:
			worked = append(worked, d.Format(time.DateOnly))
		}
	}
	return off, worked
}

func TestShippedHolidays(t *testing.T) {
	cal := shippedCalendar(t)
	for _, tc := range []struct {
		year        int
		off, worked []string
	}{
		{2025, []string{
			"2025-01-01",
			"2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", // Tết 25/1–2/2
			"2025-04-07",
			"2025-04-30", "2025-05-01", "2025-05-02",
			"2025-09-01", "2025-09-02",
		}, []string{"2025-04-26"}},
		{2026, []string{
			"2026-01-01", "2026-01-02",
			"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
			"2026-04-27", "2026-04-30", "2026-05-01",
			"2026-08-31", "2026-09-01", "2026-09-02",
		}, []string{"2026-01-10", "2026-08-22"}},
		{2027, []string{"2027-01-01", "2027-04-16", "2027-04-30", "2027-05-03", "2027-09-02"}, nil},
	} {
		off, worked := offDays(cal, tc.year)
		if !slices.Equal(off, tc.off) {
			t.Errorf("%d: weekdays off %q\nwant %q", tc.year, off, tc.off)
		}
		if !slices.Equal(worked, tc.worked) {
			t.Errorf("%d: weekend days worked %q\nwant %q", tc.year, worked, tc.worked)
		}
	}
}

// TestShipped2026MatchesTestCalendar checks that the shipped 2026 is the
// 2026 of calendar-test.toml, the spec's calendar.
func TestShipped2026MatchesTestCalendar(t *testing.T) {
	shipped := shippedCalendar(t)
	for _, path := range []string{"testdata/calendar-test.toml", sharedSpec + "calendar-test.toml"} {
		spec, err := calendar.Load(path)
		if err != nil {
			if path != "testdata/calendar-test.toml" {
				continue // the spec folder is not there
			}
			t.Fatal(err)
		}
		for d := time.Date(2026, 1, 1, 12, 0, 0, 0, spec.Location()); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
			if shipped.IsWorkingDay(d) != spec.IsWorkingDay(d) {
				t.Errorf("%s: shipped says working %v, %s says %v", d.Format(time.DateOnly), shipped.IsWorkingDay(d), path, spec.IsWorkingDay(d))
			}
		}
	}
}

func TestHasTet(t *testing.T) {
	shipped := shippedCalendar(t)
	for year, want := range map[int]bool{2024: false, 2025: true, 2026: true, 2027: false, 2028: false} {
		if got := shipped.HasTet(year); got != want {
			t.Errorf("shipped: HasTet(%d) = %v, want %v", year, got, want)
		}
	}
	if !testCalendar(t).HasTet(2026) {
		t.Error("calendar-test.toml: HasTet(2026) = false")
	}

	// New Year's days never make a Tết, even three of them; Tết listed on
	// its weekdays only does.
	cfg := calendar.Default()
	cfg.HolidaysFile = ""
	cfg.Holidays = []calendar.Date{"2028-01-01", "2028-01-02", "2028-01-03",
		"2029-02-12", "2029-02-13", "2029-02-14", "2029-02-15", "2029-02-16"}
	cal, err := calendar.New(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if cal.HasTet(2028) || !cal.HasTet(2029) {
		t.Errorf("HasTet(2028) = %v, HasTet(2029) = %v; want false, true", cal.HasTet(2028), cal.HasTet(2029))
	}
}
