package routing

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// routingCase is one labelled row of testdata/routing-cases.tsv.
type routingCase struct {
	ID, Subject, Body           string
	Field, Unit, Agency, Urgent string
}

// readCases reads the labelled reports: tab-separated, "\n" in the body
// stands for a line break, lines starting with "#" are comments.
func readCases(t testing.TB) []routingCase {
	t.Helper()
	f, err := os.Open("testdata/routing-cases.tsv")
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
			t.Fatalf("routing-cases.tsv: %d columns in %q", len(c), line)
		}
		cases = append(cases, routingCase{ID: c[0], Subject: c[1], Body: strings.ReplaceAll(c[2], `\n`, "\n"),
			Field: c[3], Unit: c[4], Agency: c[5], Urgent: c[6]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("routing-cases.tsv: no cases")
	}
	return cases
}

// TestRoutingCases runs every labelled report through Route: each must get
// the field, unit, agency and urgency a receiver would give it.
func TestRoutingCases(t *testing.T) {
	table := Default()
	for _, c := range readCases(t) {
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
