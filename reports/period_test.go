package reports

import (
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

func TestEnding(t *testing.T) {
	for _, tc := range []struct {
		kind       Kind
		at         string
		mode       Mode
		start, end string // first and last days
		name       string
		title      string
	}{
		// SPEC 9.2's examples.
		{Monthly, "2026-12", Decree, "2026-11-15", "2026-12-14", "2026-12", "Tháng 12/2026"},
		{Quarterly, "2026-12", Decree, "2026-09-15", "2026-12-14", "2026-12", "Quý IV/2026"},
		{Semiannual, "2026-12", Decree, "2026-06-15", "2026-12-14", "2026-12", "6 tháng cuối năm 2026"},
		{Annual, "2026-12", Decree, "2025-12-15", "2026-12-14", "2026-12", "Năm 2026"},
		// A month that ends no quarter, half or year: the one containing it.
		{Quarterly, "2026-11", Decree, "2026-09-15", "2026-12-14", "2026-12", "Quý IV/2026"},
		{Quarterly, "2026-01", Decree, "2025-12-15", "2026-03-14", "2026-03", "Quý I/2026"},
		{Semiannual, "2026-02", Decree, "2025-12-15", "2026-06-14", "2026-06", "6 tháng đầu năm 2026"},
		{Annual, "2026-03", Decree, "2025-12-15", "2026-12-14", "2026-12", "Năm 2026"},
		{Monthly, "2026-01", Decree, "2025-12-15", "2026-01-14", "2026-01", "Tháng 1/2026"},
		// Calendar periods.
		{Monthly, "2026-02", Calendar, "2026-02-01", "2026-02-28", "2026-02", "Tháng 2/2026"},
		{Quarterly, "2026-05", Calendar, "2026-04-01", "2026-06-30", "2026-06", "Quý II/2026"},
		{Semiannual, "2026-07", Calendar, "2026-07-01", "2026-12-31", "2026-12", "6 tháng cuối năm 2026"},
		{Annual, "2026-12", Calendar, "2026-01-01", "2026-12-31", "2026-12", "Năm 2026"},
	} {
		year, month, err := ParseMonth(tc.at)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Ending(tc.kind, year, month, tc.mode, calendar.Vietnam)
		if err != nil {
			t.Fatal(err)
		}
		last := p.End.Add(-time.Second)
		if got := p.Start.Format(time.DateOnly); got != tc.start || p.Start.Hour() != 0 || p.Start.Location() != calendar.Vietnam {
			t.Errorf("%s %s %s: start %s, want %s 00:00 in Vietnam", tc.kind, tc.at, tc.mode, p.Start, tc.start)
		}
		if got := last.Format(time.DateOnly); got != tc.end || p.End.Hour() != 0 {
			t.Errorf("%s %s %s: last day %s (end %s), want %s", tc.kind, tc.at, tc.mode, got, p.End, tc.end)
		}
		if p.Name != tc.name || p.Title() != tc.title {
			t.Errorf("%s %s %s: name %q title %q, want %q %q", tc.kind, tc.at, tc.mode, p.Name, p.Title(), tc.name, tc.title)
		}
	}
}

func TestEndingRefuses(t *testing.T) {
	if _, err := Ending(Daily, 2026, 3, Decree, calendar.Vietnam); err == nil {
		t.Error("a daily period of a month was accepted")
	}
	if _, err := Ending(Monthly, 2026, 3, "weekly", calendar.Vietnam); err == nil {
		t.Error("an unknown mode was accepted")
	}
	for _, s := range []string{"2026-13", "2026", "12-2026", ""} {
		if _, _, err := ParseMonth(s); err == nil {
			t.Errorf("ParseMonth(%q) accepted", s)
		}
	}
}

func TestLatest(t *testing.T) {
	cal := testCalendar(t)
	for _, tc := range []struct {
		kind  Kind
		at    time.Time
		mode  Mode
		start string
		name  string
	}{
		{Monthly, at(2026, 3, 15, 0, 0), Decree, "2026-02-15", "2026-03"},
		{Monthly, at(2026, 3, 14, 23, 59), Decree, "2026-01-15", "2026-02"},
		{Monthly, at(2026, 3, 1, 0, 0), Calendar, "2026-02-01", "2026-02"},
		{Quarterly, at(2026, 3, 15, 7, 30), Decree, "2025-12-15", "2026-03"},
		{Quarterly, at(2026, 3, 14, 7, 30), Decree, "2025-09-15", "2025-12"},
		{Semiannual, at(2026, 6, 15, 7, 30), Decree, "2025-12-15", "2026-06"},
		{Annual, at(2026, 12, 15, 7, 30), Decree, "2025-12-15", "2026-12"},
		{Annual, at(2026, 12, 1, 7, 30), Decree, "2024-12-15", "2025-12"},
		// Monday's digest covers Friday and the weekend.
		{Daily, at(2026, 3, 16, 7, 30), Decree, "2026-03-13", "2026-03-16"},
		// On a Sunday the latest digest is Friday's.
		{Daily, at(2026, 3, 15, 9, 0), Decree, "2026-03-12", "2026-03-13"},
		// The first working day after Tết (14–22 Feb 2026) covers the holiday
		// from the last working day before it.
		{Daily, at(2026, 2, 23, 7, 30), Decree, "2026-02-13", "2026-02-23"},
		// Saturday 10 January 2026 is worked: Monday's digest starts there.
		{Daily, at(2026, 1, 12, 7, 30), Decree, "2026-01-10", "2026-01-12"},
	} {
		p, err := Latest(tc.kind, tc.at, tc.mode, cal)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Start.Format(time.DateOnly); got != tc.start || p.Name != tc.name || p.Kind != tc.kind {
			t.Errorf("Latest(%s, %s, %s) = %s %s %s, want %s from %s", tc.kind, tc.at, tc.mode, p.Kind, p.Name, got, tc.name, tc.start)
		}
		if p.End.After(tc.at) {
			t.Errorf("Latest(%s, %s): ends %s, after the instant", tc.kind, tc.at, p.End)
		}
	}
}

func TestParseKind(t *testing.T) {
	for s, want := range map[string]Kind{
		"monthly": Monthly, "Tháng": Monthly, "thang": Monthly, "quý": Quarterly, "QUY": Quarterly,
		"6 tháng": Semiannual, "6thang": Semiannual, "semiannual": Semiannual, "năm": Annual, "annual": Annual,
		"ngày": Daily, "daily": Daily,
	} {
		if got, err := ParseKind(s); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	if _, err := ParseKind("weekly"); err == nil {
		t.Error("weekly accepted")
	}
}
