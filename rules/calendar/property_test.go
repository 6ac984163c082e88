package calendar_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// propertyCalendars are the calendars the properties are checked on: the
// spec's, the shipped one, one with three intervals and Saturday mornings,
// and one in a zone that changes its clocks inside working hours.
func propertyCalendars(t *testing.T) map[string]*calendar.Calendar {
	cals := map[string]*calendar.Calendar{"calendar-test.toml": testCalendar(t), "shipped": shippedCalendar(t)}
	odd := calendar.Default()
	odd.WorkingWeekdays = []int{1, 2, 3, 4, 5, 6}
	odd.WorkingHours = []string{"06:30-09:15", "09:15-11:00", "12:45-16:10", "18:00-19:00"}
	odd.Holidays = []calendar.Date{"2026-03-10", "2026-03-11"}
	odd.ExtraWorkingDays = []calendar.Date{"2026-03-15"}
	dst := calendar.Default()
	dst.HolidaysFile = ""
	dst.Timezone = "America/New_York" // clocks change at 02:00 on Sundays
	dst.WorkingWeekdays = []int{1, 2, 3, 4, 5, 6, 7}
	dst.WorkingHours = []string{"01:00-04:00", "09:00-17:00"}
	for name, cfg := range map[string]calendar.Config{"odd": odd, "dst": dst} {
		cal, err := calendar.New(cfg, "")
		if err != nil {
			t.Fatal(err)
		}
		cals[name] = cal
	}
	return cals
}

// sampler draws instants and durations from a fixed seed; a quarter of the
// instants fall on whole hours, where openings and closings are.
type sampler struct {
	r   *rand.Rand
	loc *time.Location
}

func newSampler(loc *time.Location) sampler {
	return sampler{rand.New(rand.NewPCG(2026, 11)), loc}
}

func (s sampler) instant() time.Time {
	base := time.Date(2025, 12, 1, 0, 0, 0, 0, s.loc)
	t := base.Add(time.Duration(s.r.Int64N(int64(500 * 24 * time.Hour))))
	switch s.r.IntN(4) {
	case 0:
		return t.Truncate(time.Hour)
	case 1:
		return t.Truncate(time.Minute)
	}
	return t
}

func (s sampler) duration() time.Duration {
	switch s.r.IntN(4) {
	case 0:
		return time.Duration(s.r.IntN(9)) * time.Hour
	case 1:
		return time.Duration(s.r.IntN(3)) * time.Nanosecond
	}
	return time.Duration(s.r.Int64N(int64(60 * time.Hour)))
}

const propertyRuns = 3000

func TestPropertyAddIsAdditive(t *testing.T) {
	for name, cal := range propertyCalendars(t) {
		s := newSampler(cal.Location())
		for range propertyRuns {
			from, a, b := s.instant(), s.duration(), s.duration()
			twice := cal.AddWorkingHours(cal.AddWorkingHours(from, a), b)
			once := cal.AddWorkingHours(from, a+b)
			if !twice.Equal(once) {
				t.Fatalf("%s: from %v: +%v then +%v = %v, but +%v = %v", name, from, a, b, twice, a+b, once)
			}
		}
	}
}

func TestPropertyWorkingTimeInvertsAdd(t *testing.T) {
	for name, cal := range propertyCalendars(t) {
		s := newSampler(cal.Location())
		for range propertyRuns {
			from, d := s.instant(), s.duration()
			due := cal.AddWorkingHours(from, d)
			if got := cal.WorkingTime(from, due); got != d {
				t.Fatalf("%s: WorkingTime(%v, AddWorkingHours(+%v) = %v) = %v", name, from, d, due, got)
			}
			if d > 0 && !cal.InWorkingHours(due) {
				t.Fatalf("%s: AddWorkingHours(%v, %v) = %v is outside working hours", name, from, d, due)
			}
		}
	}
}

func TestPropertyWorkingTimeIsAdditive(t *testing.T) {
	for name, cal := range propertyCalendars(t) {
		s := newSampler(cal.Location())
		for range propertyRuns {
			a, b, c := s.instant(), s.instant(), s.instant()
			if got, want := cal.WorkingTime(a, b)+cal.WorkingTime(b, c), cal.WorkingTime(a, c); got != want {
				t.Fatalf("%s: WorkingTime(%v, %v) + WorkingTime(%v, %v) = %v, want %v", name, a, b, b, c, got, want)
			}
		}
	}
}

func TestPropertySubIsEarliest(t *testing.T) {
	for name, cal := range propertyCalendars(t) {
		s := newSampler(cal.Location())
		for range propertyRuns {
			to, d := s.instant(), s.duration()
			from := cal.SubWorkingHours(to, d)
			if got := cal.WorkingTime(from, to); got != d {
				t.Fatalf("%s: WorkingTime(SubWorkingHours(%v, %v) = %v, ·) = %v", name, to, d, from, got)
			}
			if got := cal.WorkingTime(from.Add(-time.Nanosecond), to); got <= d {
				t.Fatalf("%s: SubWorkingHours(%v, %v) = %v is not the earliest: 1ns before leaves %v", name, to, d, from, got)
			}
		}
	}
}

func TestPropertyAddWorkingDaysLandsOnClosing(t *testing.T) {
	for name, cal := range propertyCalendars(t) {
		s := newSampler(cal.Location())
		for range propertyRuns / 3 {
			from, n := s.instant(), 1+s.r.IntN(10)
			due := cal.AddWorkingDays(from, n)
			if !cal.InWorkingHours(due) || cal.InWorkingHours(due.Add(time.Nanosecond)) || !cal.IsWorkingDay(due) {
				t.Fatalf("%s: AddWorkingDays(%v, %d) = %v is not the closing of a working day", name, from, n, due)
			}
			days := 0
			for d := dayAfter(from.In(cal.Location())); !d.After(due); d = dayAfter(d) {
				if cal.IsWorkingDay(d) {
					days++
				}
			}
			if days != n {
				t.Fatalf("%s: AddWorkingDays(%v, %d) = %v spans %d working days", name, from, n, due, days)
			}
		}
	}
}

// dayAfter returns noon of the day after t's date, in t's location; every
// property calendar closes after noon.
func dayAfter(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day()+1, 12, 0, 0, 0, t.Location())
}
