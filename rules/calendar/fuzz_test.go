package calendar

import (
	"os"
	"testing"
	"time"
)

// FuzzParse feeds the [calendar] loader arbitrary files: it must return a
// calendar or an error, never panic, and a calendar it returns must answer.
func FuzzParse(f *testing.F) {
	spec, err := os.ReadFile("testdata/calendar-test.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(spec)
	f.Add([]byte("[calendar]\n"))
	f.Add([]byte("[calendar]\nworking_hours = [\"00:00-24:00\"]\nworking_weekdays = [7]\nholidays = [2026-01-01]\n"))
	f.Add([]byte("[calendar]\nworking_hours = [\"7:00-11:00\", \"11:00-12:00\"]\nholidays_file = \"shipped\"\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := parse("fuzz.toml", data, dir)
		if err != nil {
			return
		}
		from := time.Date(2026, 11, 23, 10, 0, 0, 0, cal.Location())
		due := cal.AddWorkingHours(from, 8*time.Hour)
		if got := cal.WorkingTime(from, due); got != 8*time.Hour {
			t.Fatalf("WorkingTime after AddWorkingHours(8h) = %v", got)
		}
		cal.AddWorkingDays(from, 6)
		cal.SubWorkingHours(from, time.Hour)
		cal.HasTet(2026)
	})
}
