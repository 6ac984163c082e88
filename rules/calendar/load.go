package calendar

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"
)

// New builds the calendar cfg describes. dir is the folder of the TOML file
// the table came from: a relative holidays_file resolves against it. The
// holiday file's days and the table's inline holidays and extra_working_days
// add up. Every error names the key at fault and what is wrong with it.
func New(cfg Config, dir string) (*Calendar, error) {
	c := &Calendar{}
	var err error
	if c.loc, err = loadZone(cfg.Timezone); err != nil {
		return nil, err
	}
	if c.weekdays, err = parseWeekdays(cfg.WorkingWeekdays); err != nil {
		return nil, err
	}
	if c.hours, err = parseHours(cfg.WorkingHours); err != nil {
		return nil, err
	}
	if c.urgent, err = urgentIntake(cfg.UrgentIntakeMinutes); err != nil {
		return nil, err
	}
	days, err := gatherDays(cfg, dir)
	if err != nil {
		return nil, err
	}
	c.holidays, c.extra = set(days.holidays), set(days.extra)
	return c, nil
}

// gatherDays reads the holiday file and adds the inline days to its own.
func gatherDays(cfg Config, dir string) (dayList, error) {
	days := dayList{holidays: map[day]string{}, extra: map[day]string{}}
	if cfg.HolidaysFile != "" {
		f, name, err := readHolidayFile(cfg.HolidaysFile, dir)
		if err != nil {
			return days, err
		}
		if err := addDays(days.holidays, name+": holidays", f.Holidays); err != nil {
			return days, err
		}
		if err := addDays(days.extra, name+": extra_working_days", f.ExtraWorkingDays); err != nil {
			return days, err
		}
	}
	if err := addDays(days.holidays, "calendar.holidays", cfg.Holidays); err != nil {
		return days, err
	}
	if err := addDays(days.extra, "calendar.extra_working_days", cfg.ExtraWorkingDays); err != nil {
		return days, err
	}
	return days, days.check()
}

func set(m map[day]string) map[day]struct{} {
	s := make(map[day]struct{}, len(m))
	for d := range m {
		s[d] = struct{}{}
	}
	return s
}

// dayList gathers holidays and extra working days with where each came
// from, to name both places when a day is in the two lists.
type dayList struct {
	holidays, extra map[day]string
}

// addDays parses dates into into, remembering the first source of each day.
func addDays(into map[day]string, source string, dates []Date) error {
	for _, s := range dates {
		d, err := s.parse()
		if err != nil {
			return fmt.Errorf("%s: %w", source, err)
		}
		if _, ok := into[d]; !ok {
			into[d] = source
		}
	}
	return nil
}

// check refuses a day that is both a holiday and an extra working day,
// reporting the earliest such day.
func (l dayList) check() error {
	var clash day
	found := false
	for d := range l.holidays {
		if _, ok := l.extra[d]; ok && (!found || d < clash) {
			clash, found = d, true
		}
	}
	if !found {
		return nil
	}
	return fmt.Errorf("calendar: %s is both a holiday (%s) and an extra working day (%s)",
		clash, l.holidays[clash], l.extra[clash])
}

// Load reads the [calendar] table of the TOML file at path, as `phananh
// calendar due --calendar FILE` does: the table alone, over Default() but with
// no holiday file unless the table names one (SPEC 5.1). Other tables of the
// file are ignored, so a daemon configuration file can be given; unknown keys
// inside [calendar] are refused. A relative holidays_file resolves against
// the file's folder.
func Load(path string) (*Calendar, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // names the file and the problem
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return parse(path, data, filepath.Dir(abs))
}

// parse is Load on data read from the file called name in folder dir.
func parse(name string, data []byte, dir string) (*Calendar, error) {
	cfg := Default()
	cfg.HolidaysFile = ""
	file := struct {
		Calendar *Config `toml:"calendar"`
	}{&cfg}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&file)
	if err != nil {
		return nil, decodeError(name, err)
	}
	if !md.IsDefined("calendar") {
		return nil, fmt.Errorf("%s: no [calendar] table", name)
	}
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == "calendar" {
			return nil, fmt.Errorf("%s: unknown key %s", name, k)
		}
	}
	cal, err := New(cfg, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cal, nil
}
