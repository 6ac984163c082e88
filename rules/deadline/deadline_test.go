package deadline_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

// The vectors and their calendar live in the calendar package's testdata;
// the spec folder is read too where present.
const (
	testdata   = "../calendar/testdata/"
	sharedSpec = "/work/shared/spec/"
)

func load(t testing.TB, path string) *calendar.Calendar {
	t.Helper()
	cal, err := calendar.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVectors runs every row of deadline-vectors.tsv through ParseQuery and
// Query.Due, and through the function the lifecycle calls for its kind.
func TestVectors(t *testing.T) {
	dirs := []string{testdata}
	if _, err := os.Stat(sharedSpec + "deadline-vectors.tsv"); err == nil {
		dirs = append(dirs, sharedSpec)
		t.Logf("also read 2 files from %s", sharedSpec)
	}
	for _, dir := range dirs {
		cal := load(t, dir+"calendar-test.toml")
		f, err := os.Open(dir + "deadline-vectors.tsv")
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
				rows++
				checkRow(t, cal, dir, strings.Split(line, "\t"))
			}
		}
		f.Close()
		if rows < 40 {
			t.Errorf("%s: only %d rows", dir, rows)
		}
	}
}

func checkRow(t *testing.T, cal *calendar.Calendar, dir string, cols []string) {
	t.Helper()
	if len(cols) != 5 {
		t.Fatalf("%s: row %q has %d columns", dir, cols, len(cols))
	}
	id, kind, from, arg, want := cols[0], cols[1], at(t, cols[2]), cols[3], cols[4]
	q, err := deadline.ParseQuery(kind, arg)
	if err != nil {
		t.Fatalf("%s %s: %v", dir, id, err)
	}
	if got := q.Due(cal, from).Format(time.RFC3339); got != want {
		t.Errorf("%s %s: Query.Due = %s, want %s", dir, id, got, want)
	}
	var direct time.Time
	switch kind {
	case "working-hours":
		h, _ := strconv.ParseFloat(arg, 64)
		direct = cal.AddWorkingHours(from, time.Duration(h*float64(time.Hour)))
	case "working-days":
		n, _ := strconv.Atoi(arg)
		direct = cal.AddWorkingDays(from, n)
	case "intake":
		direct = deadline.Intake(cal, from, arg == "urgent", arg == "complex").Due
	}
	if got := direct.Format(time.RFC3339); got != want {
		t.Errorf("%s %s: %s = %s, want %s", dir, id, kind, got, want)
	}
}

func TestIntake(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	for _, tc := range []struct {
		received        string
		urgent, complex bool
		due             string
		clock           bool
	}{
		{"2026-11-23T08:00:00+07:00", false, false, "2026-11-23T10:00:00+07:00", false},
		{"2026-11-23T08:00:00+07:00", false, true, "2026-11-24T08:00:00+07:00", false},
		{"2026-11-23T08:00:00+07:00", true, true, "2026-11-23T08:15:00+07:00", true}, // urgent wins
		{"2026-11-23T12:00:00+07:00", false, false, "2026-11-23T15:00:00+07:00", false},
		{"2026-11-23T17:00:00+07:00", false, true, "2026-11-24T17:00:00+07:00", true},
		{"2026-11-29T03:00:00+07:00", false, false, "2026-11-30T03:00:00+07:00", true},
	} {
		d := deadline.Intake(cal, at(t, tc.received), tc.urgent, tc.complex)
		if d.Kind != deadline.KindIntake || d.Due.Format(time.RFC3339) != tc.due || d.Clock != tc.clock || !d.Start.Equal(at(t, tc.received)) {
			t.Errorf("Intake(%s, urgent %v, complex %v) = %+v, want due %s clock %v", tc.received, tc.urgent, tc.complex, d, tc.due, tc.clock)
		}
	}
}

func TestLifecycleDeadlines(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	fwd := at(t, "2026-11-23T10:00:00+07:00") // Monday
	for _, tc := range []struct {
		d    deadline.Deadline
		kind deadline.Kind
		due  string
	}{
		{deadline.Return(cal, fwd), deadline.KindReturn, "2026-11-23T16:00:00+07:00"},
		{deadline.Resolve(cal, fwd, 6, false), deadline.KindResolve, "2026-12-01T17:00:00+07:00"},
		{deadline.Resolve(cal, fwd, 3, false), deadline.KindResolve, "2026-11-26T17:00:00+07:00"},
		{deadline.Resolve(cal, fwd, 10, false), deadline.KindResolve, "2026-12-01T17:00:00+07:00"}, // capped at 6
		{deadline.Resolve(cal, fwd, 0, false), deadline.KindResolve, "2026-12-01T17:00:00+07:00"},  // no limit set
		{deadline.Resolve(cal, fwd, 6, true), deadline.KindResolve, "2026-11-24T17:00:00+07:00"},   // urgent: 1 day
		{deadline.Publish(cal, fwd), deadline.KindPublish, "2026-11-23T14:00:00+07:00"},
		{deadline.Clarification(cal, fwd), deadline.KindClarification, "2026-11-25T17:00:00+07:00"},
	} {
		if tc.d.Kind != tc.kind || tc.d.Clock || !tc.d.Start.Equal(fwd) || tc.d.Due.Format(time.RFC3339) != tc.due {
			t.Errorf("%s: got %+v, want due %s", tc.kind, tc.d, tc.due)
		}
		if tc.d.Start.Location() != cal.Location() || tc.d.Due.Location() != cal.Location() {
			t.Errorf("%s: times not in the calendar's zone", tc.kind)
		}
	}
}

func TestKindAndStateStrings(t *testing.T) {
	got := []string{
		string(deadline.KindIntake), string(deadline.KindReturn), string(deadline.KindResolve),
		string(deadline.KindPublish), string(deadline.KindClarification),
		string(deadline.OnTime), string(deadline.DueSoon), string(deadline.Overdue),
		string(deadline.Met), string(deadline.Late), string(deadline.Excused),
	}
	want := "intake return resolve publish clarification on-time due-soon overdue met late excused"
	if strings.Join(got, " ") != want {
		t.Errorf("strings %q, want %q", got, want)
	}
}

func TestParseQueryErrors(t *testing.T) {
	for _, tc := range []struct{ kind, arg, want string }{
		{"working-minutes", "2", `"working-minutes" is not a kind: use working-hours, working-days or intake`},
		{"working-hours", "two", `working hours: "two" is not a number of hours like 2 or 0.5`},
		{"working-hours", "-1", `working hours: "-1" is not a number of hours like 2 or 0.5`},
		{"working-hours", "1e3", `working hours: "1e3" is not a number of hours like 2 or 0.5`},
		{"working-hours", ".", `working hours: "." is not a number of hours like 2 or 0.5`},
		{"working-hours", "", `working hours: "" is not a number of hours like 2 or 0.5`},
		{"working-days", "0", `working days: "0" is not a whole number of days, at least 1`},
		{"working-days", "1.5", `working days: "1.5" is not a whole number of days, at least 1`},
		{"intake", "khẩn", `intake: "khẩn" is not one of normal, complex, urgent`},
	} {
		_, err := deadline.ParseQuery(tc.kind, tc.arg)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ParseQuery(%q, %q): got error %v, want %s", tc.kind, tc.arg, err, tc.want)
		}
	}
	cal := load(t, testdata+"calendar-test.toml")
	from := at(t, "2026-11-23T09:00:00+07:00")
	for arg, want := range map[string]string{"0.25": "09:15", ".5": "09:30", "1.": "10:00", "0": "09:00"} {
		q, err := deadline.ParseQuery("working-hours", arg)
		if err != nil {
			t.Fatalf("ParseQuery(working-hours, %q): %v", arg, err)
		}
		if got := q.Due(cal, from).Format("15:04"); got != want {
			t.Errorf("working-hours %s from 09:00 = %s, want %s", arg, got, want)
		}
	}
}
