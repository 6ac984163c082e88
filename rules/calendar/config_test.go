package calendar_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"haugiang.gov.vn/phananh/rules/calendar"
)

func TestNewValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*calendar.Config)
		want string
	}{
		{"unknown zone", func(c *calendar.Config) { c.Timezone = "Asia/Hanoi" },
			`calendar.timezone: unknown time zone "Asia/Hanoi"`},
		{"empty zone", func(c *calendar.Config) { c.Timezone = "" },
			`calendar.timezone: must not be empty`},
		{"local zone", func(c *calendar.Config) { c.Timezone = "Local" },
			`calendar.timezone: name a zone such as "Asia/Ho_Chi_Minh", not "Local"`},
		{"no weekday", func(c *calendar.Config) { c.WorkingWeekdays = nil },
			`calendar.working_weekdays: must name at least one weekday`},
		{"weekday 0", func(c *calendar.Config) { c.WorkingWeekdays = []int{0, 1} },
			`calendar.working_weekdays: 0 is not an ISO weekday (1 = Monday … 7 = Sunday)`},
		{"weekday 8", func(c *calendar.Config) { c.WorkingWeekdays = []int{1, 8} },
			`calendar.working_weekdays: 8 is not an ISO weekday (1 = Monday … 7 = Sunday)`},
		{"weekday twice", func(c *calendar.Config) { c.WorkingWeekdays = []int{1, 2, 1} },
			`calendar.working_weekdays: 1 is listed twice`},
		{"no hours", func(c *calendar.Config) { c.WorkingHours = []string{} },
			`calendar.working_hours: must hold at least one interval`},
		{"overlap", func(c *calendar.Config) { c.WorkingHours = []string{"07:00-11:30", "11:00-17:00"} },
			`calendar.working_hours: "11:00-17:00" overlaps "07:00-11:30"`},
		{"unordered", func(c *calendar.Config) { c.WorkingHours = []string{"13:00-17:00", "07:00-11:00"} },
			`calendar.working_hours: "07:00-11:00" comes after "13:00-17:00": list the intervals in order`},
		{"not an interval", func(c *calendar.Config) { c.WorkingHours = []string{"07:00"} },
			`calendar.working_hours: "07:00": not an interval like "07:00-11:00"`},
		{"bad time", func(c *calendar.Config) { c.WorkingHours = []string{"7h-11h"} },
			`calendar.working_hours: "7h-11h": "7h" is not a time like 07:30`},
		{"hour 25", func(c *calendar.Config) { c.WorkingHours = []string{"07:00-25:00"} },
			`calendar.working_hours: "07:00-25:00": "25:00" is not a time of day (00:00 to 24:00)`},
		{"minute 60", func(c *calendar.Config) { c.WorkingHours = []string{"07:60-11:00"} },
			`calendar.working_hours: "07:60-11:00": "07:60" is not a time of day (00:00 to 24:00)`},
		{"backwards", func(c *calendar.Config) { c.WorkingHours = []string{"11:00-07:00"} },
			`calendar.working_hours: "11:00-07:00": closes before it opens`},
		{"empty interval", func(c *calendar.Config) { c.WorkingHours = []string{"07:00-07:00"} },
			`calendar.working_hours: "07:00-07:00": closes before it opens`},
		{"opens at 24:00", func(c *calendar.Config) { c.WorkingHours = []string{"24:00-24:00"} },
			`calendar.working_hours: "24:00-24:00": an interval cannot open at 24:00`},
		{"bad holiday", func(c *calendar.Config) { c.Holidays = []calendar.Date{"2026-02-30"} },
			`calendar.holidays: "2026-02-30" is not a date (YYYY-MM-DD)`},
		{"bad extra day", func(c *calendar.Config) { c.ExtraWorkingDays = []calendar.Date{"10/01/2026"} },
			`calendar.extra_working_days: "10/01/2026" is not a date (YYYY-MM-DD)`},
		{"holiday and extra", func(c *calendar.Config) {
			c.Holidays = []calendar.Date{"2026-12-24", "2026-01-10"}
			c.ExtraWorkingDays = []calendar.Date{"2026-12-26", "2026-01-10"}
		}, `calendar: 2026-01-10 is both a holiday (calendar.holidays) and an extra working day (calendar.extra_working_days)`},
		{"urgent 0", func(c *calendar.Config) { c.UrgentIntakeMinutes = 0 },
			`calendar.urgent_intake_minutes: 0 must be between 1 and 1440`},
		{"urgent too long", func(c *calendar.Config) { c.UrgentIntakeMinutes = 1441 },
			`calendar.urgent_intake_minutes: 1441 must be between 1 and 1440`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := calendar.Default()
			cfg.HolidaysFile = ""
			tc.edit(&cfg)
			_, err := calendar.New(cfg, "")
			if err == nil || err.Error() != tc.want {
				t.Errorf("got error %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestNewAcceptsTouchingIntervals(t *testing.T) {
	cfg := calendar.Default()
	cfg.WorkingHours = []string{"7:30-11:00", "11:00-12:00", "13:00 - 16:30"}
	cal, err := calendar.New(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	from := at(t, "2026-11-23T10:00:00+07:00")
	if got, want := cal.AddWorkingHours(from, 2*time.Hour), at(t, "2026-11-23T12:00:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours(2h) = %v, want %v", got, want)
	}
	if got, want := cal.AddWorkingHours(from, 3*time.Hour), at(t, "2026-11-23T14:00:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingHours(3h) = %v, want %v", got, want)
	}
	if got, want := cal.AddWorkingDays(from, 1), at(t, "2026-11-24T16:30:00+07:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays = %v, want %v", got, want)
	}
}

func TestShippedAndInlineDaysAddUp(t *testing.T) {
	cfg := calendar.Default()
	cfg.Holidays = []calendar.Date{"2026-12-24"}
	cal, err := calendar.New(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]bool{
		"2026-12-24": false, // inline
		"2026-02-17": false, // shipped
		"2026-01-10": true,  // shipped extra working day
		"2026-12-23": true,
	} {
		if got := cal.IsWorkingDay(at(t, day+"T09:00:00+07:00")); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", day, got, want)
		}
	}

	cfg.ExtraWorkingDays = []calendar.Date{"2026-01-01"}
	_, err = calendar.New(cfg, "")
	want := `calendar: 2026-01-01 is both a holiday (shipped holidays file: holidays) and an extra working day (calendar.extra_working_days)`
	if err == nil || err.Error() != want {
		t.Errorf("got error %v\nwant %s", err, want)
	}
}

func TestNoHolidayFile(t *testing.T) {
	cfg := calendar.Default()
	cfg.HolidaysFile = ""
	cal, err := calendar.New(cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if !cal.IsWorkingDay(at(t, "2026-02-17T09:00:00+07:00")) {
		t.Error("without a holiday file, Tuesday 17 February 2026 should be a working day")
	}
	if cal.IsWorkingDay(at(t, "2026-01-10T09:00:00+07:00")) {
		t.Error("without a holiday file, Saturday 10 January 2026 should not be a working day")
	}
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"syntax.toml", "[calendar]\n\ntimezone = Asia/Ho_Chi_Minh\n",
			"syntax.toml:3: "},
		{"type.toml", "[calendar]\n\nworking_weekdays = \"1-5\"\n",
			`type.toml:3: calendar.working_weekdays: incompatible types: TOML value has type string; destination has type slice`},
		{"datetime.toml", "[calendar]\nholidays = [2026-01-01T07:00:00+07:00]\n",
			`datetime.toml:2: 2026-01-01T07:00:00+07:00 is a date and time; write the day alone, like "2026-01-01"`},
		{"notable.toml", "[rules]\nfile = \"x.toml\"\n",
			`notable.toml: no [calendar] table`},
		{"unknown.toml", "[calendar]\ntimezon = \"Asia/Ho_Chi_Minh\"\n",
			`unknown.toml: unknown key calendar.timezon`},
		{"invalid.toml", "[calendar]\ntimezone = \"Mars/Olympus\"\n",
			`invalid.toml: calendar.timezone: unknown time zone "Mars/Olympus"`},
		{"nofile.toml", "[calendar]\nholidays_file = \"missing.toml\"\n",
			`nofile.toml: calendar.holidays_file: open ` + filepath.Join(dir, "missing.toml") + `: no such file or directory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, tc.name, tc.content)
			_, err := calendar.Load(path)
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			if !strings.HasPrefix(got, tc.want) || (!strings.HasSuffix(tc.want, ": ") && got != tc.want) {
				t.Errorf("got error %s\nwant %s", got, tc.want)
			}
		})
	}
	if _, err := calendar.Load(filepath.Join(dir, "absent.toml")); err == nil || !strings.Contains(err.Error(), "absent.toml") {
		t.Errorf("a missing calendar file: got error %v", err)
	}
}

func TestLoadHolidayFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "conf/days/holidays.toml", "holidays = [\"2026-12-24\", 2026-12-25]\nextra_working_days = [\"2026-12-26\"]\n")
	writeFile(t, dir, "conf/bad.toml", "# days off\nholidays = [\"2026-12-24\",,]\n")
	writeFile(t, dir, "conf/keys.toml", "holiday = [\"2026-12-24\"]\n")
	writeFile(t, dir, "conf/keys2.toml", "holidays = [\"2026-12-24\"]\n\nextra_working_day = [\"2026-12-26\"]\n")
	writeFile(t, dir, "conf/date.toml", "holidays = [\n  \"2027-01-01\",\n  \"2027-02-30\", # Tết\n]\nextra_working_days = [\"2027-1-9\"]\n")
	writeFile(t, dir, "conf/extra.toml", "holidays = [\"2027-01-01\"]\nextra_working_days = [\"2027-1-9\"]\n")
	for _, tc := range []struct {
		name, content, want string
	}{
		{"relative.toml", "[calendar]\nholidays_file = \"days/holidays.toml\"\nholidays = [\"2026-12-31\"]\n", ""},
		{"bad.toml.cal", "[calendar]\nholidays_file = \"bad.toml\"\n", filepath.Join(dir, "conf/bad.toml") + ":2: "},
		{"keys.toml.cal", "[calendar]\nholidays_file = \"keys.toml\"\n",
			filepath.Join(dir, "conf/keys.toml") + ":1: unknown key holiday (a holiday file holds holidays and extra_working_days)"},
		{"keys2.toml.cal", "[calendar]\nholidays_file = \"keys2.toml\"\n", filepath.Join(dir, "conf/keys2.toml") + ":3: unknown key extra_working_day"},
		{"date.toml.cal", "[calendar]\nholidays_file = \"date.toml\"\n",
			filepath.Join(dir, "conf/date.toml") + `:3: holidays: "2027-02-30" is not a date (YYYY-MM-DD)`},
		{"extra.toml.cal", "[calendar]\nholidays_file = \"extra.toml\"\n",
			filepath.Join(dir, "conf/extra.toml") + `:2: extra_working_days: "2027-1-9" is not a date (YYYY-MM-DD)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, "conf/"+tc.name, tc.content)
			cal, err := calendar.Load(path)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got error %v\nwant one holding %s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for day, want := range map[string]bool{"2026-12-24": false, "2026-12-25": false, "2026-12-31": false, "2026-12-26": true, "2026-12-28": true, "2026-02-17": true} {
				if got := cal.IsWorkingDay(at(t, day+"T09:00:00+07:00")); got != want {
					t.Errorf("IsWorkingDay(%s) = %v, want %v", day, got, want)
				}
			}
		})
	}
}

// TestLoadUsesTheTableAlone checks SPEC 5.1: `calendar due --calendar FILE`
// adds no holiday file unless FILE's table names one, and keys left out take
// the defaults.
func TestLoadUsesTheTableAlone(t *testing.T) {
	dir := t.TempDir()
	bare, err := calendar.Load(writeFile(t, dir, "bare.toml", "[calendar]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !bare.IsWorkingDay(at(t, "2026-02-17T09:00:00+07:00")) {
		t.Error("a bare [calendar] table should have no holidays")
	}
	from := at(t, "2026-11-23T10:30:00+07:00")
	if got, want := bare.AddWorkingHours(from, 2*time.Hour), at(t, "2026-11-23T14:30:00+07:00"); !got.Equal(want) {
		t.Errorf("defaults: AddWorkingHours = %v, want %v", got, want)
	}
	if bare.Location().String() != "Asia/Ho_Chi_Minh" || bare.UrgentIntake() != 15*time.Minute {
		t.Errorf("defaults: zone %v, urgent %v", bare.Location(), bare.UrgentIntake())
	}
	shipped, err := calendar.Load(writeFile(t, dir, "shipped.toml", "[calendar]\nholidays_file = \"shipped\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if shipped.IsWorkingDay(at(t, "2026-02-17T09:00:00+07:00")) {
		t.Error(`holidays_file = "shipped" should give the shipped holidays`)
	}
}

// TestDecodeWithinAConfig checks that a daemon configuration embedding
// Config decodes with BurntSushi/toml over Default: keys left out keep their
// default, a missing holidays_file means the shipped file.
func TestDecodeWithinAConfig(t *testing.T) {
	var file struct {
		Calendar calendar.Config `toml:"calendar"`
	}
	file.Calendar = calendar.Default()
	const doc = "[calendar]\nworking_hours = [\"08:00-12:00\"]\nholidays = [\"2026-12-24\", 2026-12-25]\n"
	if _, err := toml.Decode(doc, &file); err != nil {
		t.Fatal(err)
	}
	got := file.Calendar
	if got.Timezone != "Asia/Ho_Chi_Minh" || len(got.WorkingWeekdays) != 5 || got.UrgentIntakeMinutes != 15 || got.HolidaysFile != calendar.Shipped {
		t.Errorf("defaults lost: %+v", got)
	}
	if len(got.WorkingHours) != 1 || got.WorkingHours[0] != "08:00-12:00" {
		t.Errorf("working_hours = %q", got.WorkingHours)
	}
	if len(got.Holidays) != 2 || got.Holidays[1] != "2026-12-25" {
		t.Errorf("holidays = %q", got.Holidays)
	}
	if d := calendar.Default(); len(d.WorkingHours) != 2 || d.WorkingHours[0] != "07:00-11:00" {
		t.Errorf("decoding changed the next Default: %q", d.WorkingHours)
	}
}
