package calendar

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// shippedHolidays is the holiday file shipped in the binary: 2025 and 2026
// as announced, 2027's statutory days.
//
//go:embed holidays.toml
var shippedHolidays []byte

// shippedName names the shipped file in error messages.
const shippedName = "shipped holidays file"

// A holidayFile is a holiday file: two top-level arrays of dates, laid out
// like the keys of the same name in [calendar].
type holidayFile struct {
	Holidays         []Date `toml:"holidays"`
	ExtraWorkingDays []Date `toml:"extra_working_days"`
}

// readHolidayFile reads the holiday file that holidays_file names, resolving
// a relative path against dir. It returns the file and its name for error
// messages.
func readHolidayFile(name, dir string) (holidayFile, string, error) {
	if name == Shipped {
		f, err := decodeHolidays(shippedName, shippedHolidays)
		return f, shippedName, err
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return holidayFile{}, path, fmt.Errorf("calendar.holidays_file: %w", err)
	}
	f, err := decodeHolidays(path, data)
	return f, path, err
}

func decodeHolidays(name string, data []byte) (holidayFile, error) {
	var f holidayFile
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return f, decodeError(name, err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		at := lineOf(data, regexp.MustCompile(`(?m)^[ \t]*["']?`+regexp.QuoteMeta(keys[0].String())+`["']?[ \t]*=`))
		return f, fmt.Errorf("%s%s: unknown key %s (a holiday file holds holidays and extra_working_days)", name, at, keys[0])
	}
	for _, list := range []struct {
		key   string
		dates []Date
	}{{"holidays", f.Holidays}, {"extra_working_days", f.ExtraWorkingDays}} {
		for _, d := range list.dates {
			if _, err := d.parse(); err != nil {
				q := regexp.QuoteMeta(string(d))
				at := cmp.Or(lineOf(data, regexp.MustCompile(`["']`+q+`["']`)), lineOf(data, regexp.MustCompile(q)))
				return f, fmt.Errorf("%s%s: %s: %w", name, at, list.key, err)
			}
		}
	}
	return f, nil
}

// lineOf is ":LINE", the line of data where re first matches, or "".
func lineOf(data []byte, re *regexp.Regexp) string {
	loc := re.FindIndex(data)
	if loc == nil {
		return ""
	}
	return fmt.Sprintf(":%d", bytes.Count(data[:loc[0]], []byte("\n"))+1)
}

// typeError matches the decoder's message for a value of the wrong type.
var typeError = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeError names the file and, where the decoder knows it, the line, as
// "FILE:LINE: problem".
func decodeError(name string, err error) error {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		return fmt.Errorf("%s:%d: %s", name, perr.Position.Line, perr.Message)
	}
	if m := typeError.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s: %s", name, m[1], m[2], m[3])
	}
	return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "toml: "))
}

// tetFrom and tetTo bound the days where the Tết holiday falls: the lunar new
// year is between 21 January and 20 February, and the days off around it
// start at most a few days before and end at most a week after.
const (
	tetFrom = 15 // January 15
	tetTo   = 28 // February 28
)

// tetMinDays is how many holidays in that window make a Tết.
const tetMinDays = 3

// HasTet reports whether the calendar holds the Tết holiday of year. Tết is
// recognised as at least three holidays between 15 January and 28 February:
// Tết gives at least five days off on working weekdays (the statutory days,
// moved off weekends), and no other holiday falls in that window (New Year's
// days end by early January, Hùng Kings' day is in late March at the
// earliest). The daemon uses it to warn, in January, when the holiday file
// lacks the coming Tết (SPEC 5.1).
func (c *Calendar) HasTet(year int) bool {
	from := civil(year, time.January, tetFrom)
	to := civil(year, time.February, tetTo)
	n := 0
	for d := from; d <= to; d++ {
		if _, ok := c.holidays[d]; ok {
			n++
		}
	}
	return n >= tetMinDays
}
