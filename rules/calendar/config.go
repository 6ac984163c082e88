package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Shipped is the holidays_file value that names the holiday file embedded in
// the binary (see holidays.toml in this package). It is the default: a
// daemon configuration that leaves holidays_file out uses the shipped file.
// A file really named "shipped" is written "./shipped".
const Shipped = "shipped"

// Config is the [calendar] table of a TOML file, laid out as SPEC 12.2 and
// calendar-test.toml lay it out.
//
// Decoding a table over Default() (as the daemon's configuration and Load
// both do) keeps the default of every key the table leaves out: a missing
// timezone, working_weekdays, working_hours or urgent_intake_minutes takes
// the province's value, and missing holidays or extra_working_days add
// nothing. holidays_file differs between the two callers: the daemon's
// configuration starts from Default(), so a missing key means the Shipped
// file; Load (`phananh calendar due --calendar FILE`) uses FILE's table
// alone, so there a missing key means no file at all (SPEC 5.1). An explicit
// holidays_file = "" means no file in both.
type Config struct {
	// Timezone is an IANA zone name; the zone database is embedded, so it
	// resolves on machines without zone files.
	Timezone string `toml:"timezone"`
	// WorkingWeekdays are ISO weekdays: 1 = Monday … 7 = Sunday.
	WorkingWeekdays []int `toml:"working_weekdays"`
	// WorkingHours are the intervals of a working day, in order and not
	// overlapping, as "HH:MM-HH:MM" wall-clock times ("24:00" may close the
	// day).
	WorkingHours []string `toml:"working_hours"`
	// Holidays are days off in addition to those of HolidaysFile.
	Holidays []Date `toml:"holidays"`
	// ExtraWorkingDays are days worked although not a working weekday
	// (Saturdays worked in exchange for a bridge day), in addition to those
	// of HolidaysFile.
	ExtraWorkingDays []Date `toml:"extra_working_days"`
	// UrgentIntakeMinutes is the clock time in which an urgent report must
	// be forwarded or rejected (SPEC 5.3).
	UrgentIntakeMinutes int `toml:"urgent_intake_minutes"`
	// HolidaysFile names a holiday file: Shipped, "" for none, or a path;
	// a relative path resolves against the folder of the TOML file that
	// names it (the dir argument of New).
	HolidaysFile string `toml:"holidays_file"`
}

// Default returns the province's calendar: Asia/Ho_Chi_Minh, Monday to
// Friday, 07:00–11:00 and 13:00–17:00, 15 minutes for urgent intake, and the
// shipped holiday file. Each call returns new slices, so decoding over the
// result never changes another caller's defaults.
func Default() Config {
	return Config{
		Timezone:            ZoneName,
		WorkingWeekdays:     []int{1, 2, 3, 4, 5},
		WorkingHours:        []string{"07:00-11:00", "13:00-17:00"},
		UrgentIntakeMinutes: 15,
		HolidaysFile:        Shipped,
	}
}

// A Date is a calendar day, "YYYY-MM-DD". In TOML it may be written as a
// string ("2026-01-01", as calendar-test.toml does) or as a local date
// (2026-01-01, unquoted); New checks that it is a real date.
type Date string

// UnmarshalTOML implements toml.Unmarshaler.
func (d *Date) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*d = Date(v)
		return nil
	case time.Time:
		// BurntSushi/toml gives a local date the location "date-local".
		if v.Location().String() != "date-local" {
			return fmt.Errorf("%s is a date and time; write the day alone, like \"2026-01-01\"", v.Format(time.RFC3339))
		}
		*d = Date(v.Format(time.DateOnly))
		return nil
	default:
		return fmt.Errorf("%v is not a date like \"2026-01-01\"", v)
	}
}

// parse returns the day d names.
func (d Date) parse() (day, error) {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", string(d))
	}
	return dayOf(t), nil
}

// errNoWeekday is returned for an empty working_weekdays.
var errNoWeekday = errors.New("calendar.working_weekdays: must name at least one weekday")

// parseWeekdays checks the ISO weekdays of working_weekdays.
func parseWeekdays(iso []int) ([7]bool, error) {
	var set [7]bool
	if len(iso) == 0 {
		return set, errNoWeekday
	}
	for _, n := range iso {
		if n < 1 || n > 7 {
			return set, fmt.Errorf("calendar.working_weekdays: %d is not an ISO weekday (1 = Monday … 7 = Sunday)", n)
		}
		wd := time.Weekday(n % 7)
		if set[wd] {
			return set, fmt.Errorf("calendar.working_weekdays: %d is listed twice", n)
		}
		set[wd] = true
	}
	return set, nil
}

// loadZone resolves the timezone key.
func loadZone(name string) (*time.Location, error) {
	switch name {
	case "":
		return nil, errors.New("calendar.timezone: must not be empty")
	case "Local":
		return nil, errors.New(`calendar.timezone: name a zone such as "Asia/Ho_Chi_Minh", not "Local"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("calendar.timezone: unknown time zone %q", name)
	}
	return loc, nil
}

// maxUrgentMinutes bounds urgent_intake_minutes: an urgent report cannot wait
// longer than any other report does outside working hours (24 hours).
const maxUrgentMinutes = 24 * 60

func urgentIntake(minutes int) (time.Duration, error) {
	if minutes < 1 || minutes > maxUrgentMinutes {
		return 0, fmt.Errorf("calendar.urgent_intake_minutes: %d must be between 1 and %d", minutes, maxUrgentMinutes)
	}
	return time.Duration(minutes) * time.Minute, nil
}
