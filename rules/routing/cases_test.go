package routing

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// routingCase is one labelled row of testdata/routing-cases.tsv or
// routing-cases-2025.tsv.
type routingCase struct {
	ID, Subject, Body           string
	Field, Unit, Agency, Urgent string
}

// readCases reads the labelled reports: tab-separated, "\n" in the body
// stands for a line break, lines starting with "#" are comments.
func readCases(t testing.TB, name string) []routingCase {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []routingCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 7 {
			t.Fatalf("%s: %d columns in %q", name, len(c), line)
		}
		cases = append(cases, routingCase{ID: c[0], Subject: c[1], Body: strings.ReplaceAll(c[2], `\n`, "\n"),
			Field: c[3], Unit: c[4], Agency: c[5], Urgent: c[6]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return cases
}

// TestRoutingCases runs every labelled report through Route with the table
// it is labelled for: each must get the field, unit, agency and urgency a
// receiver would give it. routing-cases.tsv and routing-cases-2025.tsv are
// the specification's; the English ones are reports written in English
// that quote no Vietnamese term, which the tables' English keywords route.
func TestRoutingCases(t *testing.T) {
	t.Run("appendix1", func(t *testing.T) { testCases(t, Default(), "routing-cases.tsv") })
	t2025, _ := Builtin("2025")
	t.Run("2025", func(t *testing.T) { testCases(t, t2025, "routing-cases-2025.tsv") })
	t.Run("appendix1/english", func(t *testing.T) { testCases(t, Default(), "routing-cases-english.tsv") })
	t.Run("2025/english", func(t *testing.T) { testCases(t, t2025, "routing-cases-english-2025.tsv") })
}

func testCases(t *testing.T, table *Table, file string) {
	for _, c := range readCases(t, file) {
		t.Run(c.ID, func(t *testing.T) {
			d := table.Route(Input{Subject: c.Subject, Text: c.Body})
			urgent := "false"
			if d.Urgent {
				urgent = "true"
			}
			got := []string{d.Field, d.Unit, d.Agency, urgent}
			want := []string{c.Field, c.Unit, c.Agency, c.Urgent}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("field, unit, agency, urgent = %q, want %q\nwhy: %s", got, want, d.Why)
			}
		})
	}
}
