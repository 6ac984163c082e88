package reports

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/templates"
)

func TestHuman(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1.000"}, {1234567, "1.234.567"}, {-1234, "-1.234"},
		{Hours(90 * time.Minute), "1,5"}, {Hours(42*time.Hour + 35*time.Minute), "42,6"}, {Hours(1234 * time.Hour), "1.234,0"},
		{Percent(0.875), "87,5"}, {Percent(1), "100,0"}, {Percent(2.0 / 3), "66,7"},
		{Day(at(2026, 3, 14, 0, 0)), "14/03/2026"}, {at(2026, 3, 3, 17, 0), "03/03/2026 17:00"},
		{nil, "–"}, {"Sở Xây dựng", "Sở Xây dựng"},
	} {
		if got := human(tc.v); got != tc.want {
			t.Errorf("human(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// TestMail renders the March report's mail and compares its text with a
// golden file; a mail lists at most MailOverdue overdue reports.
func TestMail(t *testing.T) {
	w := newWorld(t)
	w.seed()
	r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(r.View(false, "cid:chart.png"))
	mail, err := set.Render("periodic-report", "vi", data)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden/monthly-2026-03.mail.txt", []byte("Subject: "+mail.Subject+"\n\n"+mail.Text))
	if !strings.Contains(mail.HTML, `src="cid:chart.png"`) {
		t.Error("the mail's HTML does not show the chart")
	}

	r.Overdue = make([]Overdue, MailOverdue+5)
	v := r.View(false, "")
	for _, tb := range v.Tables {
		if tb.Title == "Phản ánh quá hạn" && (len(tb.Rows) != MailOverdue || tb.More != 5) {
			t.Errorf("the mail lists %d overdue reports and %d more, want %d and 5", len(tb.Rows), tb.More, MailOverdue)
		}
	}
	if v.Chart != "" {
		t.Errorf("chart %q without one", v.Chart)
	}
}

func TestWriteFiles(t *testing.T) {
	w := newWorld(t)
	w.seed()
	r := compute(t, w, ending(t, Quarterly, "2026-03", Decree), Decree)
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := r.WriteFiles(dir, set)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 4 {
		t.Errorf("wrote %q", paths)
	}
	html, err := os.ReadFile(filepath.Join(dir, FileHTML))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Báo cáo quý: Quý I/2026", `src="chart.png"`, "Xếp hạng cơ quan", "PA-2026-000007"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
