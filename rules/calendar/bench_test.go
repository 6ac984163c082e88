package calendar_test

import (
	"testing"
	"time"
)

func BenchmarkAddWorkingHours(b *testing.B) {
	cal := shippedCalendar(b)
	from := time.Date(2026, 11, 27, 16, 30, 0, 0, cal.Location())
	for b.Loop() {
		cal.AddWorkingHours(from, 8*time.Hour)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	cal := shippedCalendar(b)
	from := time.Date(2026, 11, 27, 16, 30, 0, 0, cal.Location())
	for b.Loop() {
		cal.AddWorkingDays(from, 6)
	}
}

func BenchmarkWorkingTimeYear(b *testing.B) {
	cal := shippedCalendar(b)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, cal.Location())
	to := from.AddDate(1, 0, 0)
	for b.Loop() {
		cal.WorkingTime(from, to)
	}
}
