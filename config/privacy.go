package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Privacy is the [privacy] table: what the personal data law asks of the
// Center (SPEC 10.5).
type Privacy struct {
	// Contact is the data protection unit's contact, named in the
	// processing notice of every acknowledgement: a name with an address
	// or a phone number.
	Contact string `toml:"contact"`
	// EnglishContact is the contact as the acknowledgements of reports
	// written in English name it; left empty, they name Contact as
	// written (its phone number and address serve a reader of English).
	EnglishContact string `toml:"english_contact"`
	// Retention is how long a report's personal data is kept after it is
	// closed: the daily job then erases it. Zero keeps it for ever.
	Retention Retention `toml:"retention"`
}

// Retention is a period written in years or days ("5y", "90d"); "0" is
// none, for ever.
type Retention struct {
	Years, Days int
}

// DefaultRetention keeps personal data five years after a report is
// closed.
var DefaultRetention = Retention{Years: 5}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Retention) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "0" {
		*r = Retention{}
		return nil
	}
	unit := s[max(len(s)-1, 0):]
	n, err := strconv.Atoi(strings.TrimSuffix(s, unit))
	if err != nil || n <= 0 || (unit != "y" && unit != "d") {
		return fmt.Errorf("not a period like \"5y\" (years) or \"90d\" (days), or \"0\" (for ever): %q", b)
	}
	if unit == "y" {
		*r = Retention{Years: n}
	} else {
		*r = Retention{Days: n}
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (r Retention) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

func (r Retention) String() string {
	switch {
	case r.Years > 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Days > 0:
		return strconv.Itoa(r.Days) + "d"
	}
	return "0"
}

// Forever reports whether data is kept for ever.
func (r Retention) Forever() bool { return r.Years == 0 && r.Days == 0 }

// Cutoff returns the latest closing time whose reports are past retention
// at now; the zero time when data is kept for ever.
func (r Retention) Cutoff(now time.Time) time.Time {
	if r.Forever() {
		return time.Time{}
	}
	return now.AddDate(-r.Years, 0, -r.Days)
}

func (p Privacy) validate() error {
	for _, c := range []struct{ key, s string }{{"contact", p.Contact}, {"english_contact", p.EnglishContact}} {
		if len(c.s) > 500 {
			return fmt.Errorf("privacy.%s: %d characters is too long for a notice (at most 500)", c.key, len(c.s))
		}
	}
	if p.Retention.Years > 100 || p.Retention.Days > 36500 {
		return fmt.Errorf("privacy.retention: %s is longer than a century: \"0\" keeps data for ever", p.Retention)
	}
	return nil
}
