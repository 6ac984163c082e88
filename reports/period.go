package reports

import (
	"fmt"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/fold"
)

// Kind is a kind of report (SPEC 9.1): the daily digest to the Center and
// the periodic reports of Art 13.4 and 13.5.
type Kind string

// The kinds of report. The strings are those of the configuration, the
// command line and the record of reports sent.
const (
	Daily      Kind = "daily"      // the digest of the last working day(s), to the Center
	Monthly    Kind = "monthly"    // Art 13.4, before the 20th of each month
	Quarterly  Kind = "quarterly"  // Art 13.4, before the 20th of the quarter's last month
	Semiannual Kind = "semiannual" // Art 13.5, to the Dept. of Home Affairs
	Annual     Kind = "annual"     // Art 13.4, before 20 December
)

// Kinds lists every kind of report, shortest period first.
func Kinds() []Kind { return []Kind{Daily, Monthly, Quarterly, Semiannual, Annual} }

// months is the length of each kind's period in months.
var months = map[Kind]int{Monthly: 1, Quarterly: 3, Semiannual: 6, Annual: 12}

// kindNames are the words that name each kind on the command line and in
// the /report command: English, and Vietnamese with or without diacritics.
var kindNames = map[string]Kind{
	"daily": Daily, "ngay": Daily,
	"monthly": Monthly, "thang": Monthly,
	"quarterly": Quarterly, "quy": Quarterly,
	"semiannual": Semiannual, "6thang": Semiannual, "6 thang": Semiannual, "6-thang": Semiannual, "nuanam": Semiannual, "nua nam": Semiannual,
	"annual": Annual, "yearly": Annual, "nam": Annual,
}

// ParseKind reads a kind of report: "monthly", "quarterly", "semiannual",
// "annual", "daily", or the Vietnamese "tháng", "quý", "6 tháng",
// "năm", "ngày", with or without diacritics.
func ParseKind(s string) (Kind, error) {
	if k, ok := kindNames[fold.String(strings.Join(strings.Fields(s), " "))]; ok {
		return k, nil
	}
	return "", fmt.Errorf("%q is not a kind of report (monthly, quarterly, semiannual, annual, daily)", s)
}

// Mode says how periods are cut (SPEC 9.2).
type Mode string

// The modes.
const (
	// Decree follows the state reporting regime (Decree 09/2019/NĐ-CP
	// art. 12): a month runs from the 15th of the month before to the 14th.
	Decree Mode = "decree"
	// Calendar runs a month from its 1st to its last day.
	Calendar Mode = "calendar"
)

// Period is the span a report covers: [Start, End) in the calendar's zone.
// A report is counted in the period holding its received time; a step in
// the one holding its end (SPEC 9.2).
type Period struct {
	Kind       Kind
	Start, End time.Time
	// Name identifies the period among those of its kind: the month it
	// ends in ("2026-12"), or the digest's day ("2026-03-16").
	Name string
}

// Ending returns the period of kind (not Daily) that ends in the month
// year-month, or, for quarters, halves and years, the one that contains
// that month when it ends none (SPEC 9.2): in Decree mode monthly 2026-12 is
// 15 Nov – 14 Dec 2026, quarterly 2026-12 15 Sep – 14 Dec 2026, semiannual
// 2026-12 15 Jun – 14 Dec 2026, annual 2026-12 15 Dec 2025 – 14 Dec 2026;
// quarterly 2026-11 is the same quarter as 2026-12.
func Ending(kind Kind, year int, month time.Month, mode Mode, loc *time.Location) (Period, error) {
	n, ok := months[kind]
	if !ok {
		return Period{}, fmt.Errorf("no period of a month for a %s report", kind)
	}
	if mode != Decree && mode != Calendar {
		return Period{}, fmt.Errorf("period mode %q is neither %q nor %q", mode, Decree, Calendar)
	}
	if month < 1 || month > 12 {
		return Period{}, fmt.Errorf("month %d is not a month", month)
	}
	last := (int(month) + n - 1) / n * n // the period's last month
	p := Period{Kind: kind, Name: fmt.Sprintf("%04d-%02d", year, last)}
	if mode == Decree {
		p.End = time.Date(year, time.Month(last), 15, 0, 0, 0, 0, loc)
	} else {
		p.End = time.Date(year, time.Month(last)+1, 1, 0, 0, 0, 0, loc)
	}
	p.Start = p.End.AddDate(0, -n, 0)
	return p, nil
}

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (year int, month time.Month, err error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a month like 2026-12", s)
	}
	return t.Year(), t.Month(), nil
}

// Latest returns the latest period of kind that has ended at or before t.
// For Daily it is the digest of the latest working day begun by t (see
// Digest).
func Latest(kind Kind, t time.Time, mode Mode, cal *calendar.Calendar) (Period, error) {
	loc := cal.Location()
	t = t.In(loc)
	if kind == Daily {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		for !cal.IsWorkingDay(day) {
			day = day.AddDate(0, 0, -1)
		}
		return Digest(day, cal), nil
	}
	p, err := Ending(kind, t.Year(), t.Month(), mode, loc)
	for err == nil && p.End.After(t) {
		before := p.Start.AddDate(0, 0, -1) // a day of the period before
		p, err = Ending(kind, before.Year(), before.Month(), mode, loc)
	}
	return p, err
}

// Digest returns the period of the daily digest sent on the working day
// day: from the start of the working day before it to the start of day,
// so that Monday's digest covers Friday and the weekend, and the first
// digest after Tết covers the whole holiday.
func Digest(day time.Time, cal *calendar.Calendar) Period {
	loc := cal.Location()
	day = day.In(loc)
	end := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	start := end.AddDate(0, 0, -1)
	for i := 0; i < 60 && !cal.IsWorkingDay(start); i++ {
		start = start.AddDate(0, 0, -1)
	}
	return Period{Kind: Daily, Start: start, End: end, Name: end.Format(time.DateOnly)}
}

// Title names the period as the report's heading does: "Tháng 12/2026",
// "Quý IV/2026", "6 tháng cuối năm 2026", "Năm 2026". A digest names the
// days it covers, not the day it is sent (a digest caught up after a
// restart leaves days later): "Ngày 16/03/2026", or for Monday's "Từ ngày
// 13/03/2026 đến ngày 15/03/2026".
func (p Period) Title() string {
	last := p.End.Add(-time.Nanosecond) // the period's last instant
	switch p.Kind {
	case Daily:
		first, end := p.Start.Format("02/01/2006"), last.Format("02/01/2006")
		if first == end {
			return "Ngày " + first
		}
		return "Từ ngày " + first + " đến ngày " + end
	case Monthly:
		return fmt.Sprintf("Tháng %d/%d", last.Month(), last.Year())
	case Quarterly:
		return fmt.Sprintf("Quý %s/%d", []string{"I", "II", "III", "IV"}[(last.Month()-1)/3], last.Year())
	case Semiannual:
		if last.Month() <= 6 {
			return fmt.Sprintf("6 tháng đầu năm %d", last.Year())
		}
		return fmt.Sprintf("6 tháng cuối năm %d", last.Year())
	default:
		return fmt.Sprintf("Năm %d", last.Year())
	}
}

// Dates gives the period's first and last days: "15/11/2026 – 14/12/2026".
func (p Period) Dates() string {
	return p.Start.Format("02/01/2006") + " – " + p.End.AddDate(0, 0, -1).Format("02/01/2006")
}
