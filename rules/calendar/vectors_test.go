package calendar_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// sharedSpec is the spec folder of the development machine; CI has only the
// copies in testdata.
const sharedSpec = "/work/shared/spec/"

// vector is one row of deadline-vectors.tsv.
type vector struct {
	id, kind, arg string
	from, want    time.Time
}

func readVectors(t *testing.T, path string) []vector {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("%s: %d columns in %q", path, len(cols), line)
		}
		from, err1 := time.Parse(time.RFC3339, cols[2])
		want, err2 := time.Parse(time.RFC3339, cols[4])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad times in %q", path, line)
		}
		rows = append(rows, vector{id: cols[0], kind: cols[1], arg: cols[3], from: from, want: want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// vectorSources returns the vector and calendar files to test: the copies in
// testdata, and the spec's originals where present.
func vectorSources(t *testing.T) [][2]string {
	sources := [][2]string{{"testdata/deadline-vectors.tsv", "testdata/calendar-test.toml"}}
	if _, err := os.Stat(sharedSpec + "deadline-vectors.tsv"); err == nil {
		sources = append(sources, [2]string{sharedSpec + "deadline-vectors.tsv", sharedSpec + "calendar-test.toml"})
		t.Logf("also read 2 files from %s", sharedSpec)
	}
	return sources
}

// TestVectors checks the working-hours and working-days rows of
// deadline-vectors.tsv; the deadline package checks every row.
func TestVectors(t *testing.T) {
	for _, src := range vectorSources(t) {
		cal, err := calendar.Load(src[1])
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range readVectors(t, src[0]) {
			var got time.Time
			switch v.kind {
			case "working-hours":
				h, err := strconv.ParseFloat(v.arg, 64)
				if err != nil {
					t.Fatalf("%s: %v", v.id, err)
				}
				got = cal.AddWorkingHours(v.from, time.Duration(h*float64(time.Hour)))
			case "working-days":
				days, err := strconv.Atoi(v.arg)
				if err != nil {
					t.Fatalf("%s: %v", v.id, err)
				}
				got = cal.AddWorkingDays(v.from, days)
			default:
				continue
			}
			n++
			if s, w := got.Format(time.RFC3339), v.want.Format(time.RFC3339); s != w {
				t.Errorf("%s %s %s from %s: got %s, want %s", src[0], v.id, v.kind, v.from.Format(time.RFC3339), s, w)
			}
		}
		if n < 20 {
			t.Errorf("%s: only %d working-hours and working-days rows", src[0], n)
		}
	}
}
