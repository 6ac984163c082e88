package reports

import (
	"encoding/json"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/templates"
)

// TestMailUnderBothTables renders the March report's mail, and writes its
// CSV, under each built-in table: the escalation department and the
// Center's signature are those of the table in use. Under the 2025 table
// neither names the Dept. of Information and Communications nor Hậu Giang
// province, which no longer exist; under Appendix I both do.
func TestMailUnderBothTables(t *testing.T) {
	w := newWorld(t)
	w.seed()
	for _, c := range []struct {
		table, golden, escalation string
		gone                      []string
	}{
		{"appendix1", "golden/monthly-2026-03.mail.txt", "Chuyển Sở Thông tin và Truyền thông", nil},
		{"2025", "golden/monthly-2026-03.2025.mail.txt", "Chuyển Sở Khoa học và Công nghệ thành phố Cần Thơ",
			[]string{"Thông tin và Truyền thông", "thông minh tỉnh Hậu Giang"}},
	} {
		w.table, _ = routing.Builtin(c.table)
		r := compute(t, w, ending(t, Monthly, "2026-03", Decree), Decree)
		set, err := templates.LoadFor("", w.table.Bodies())
		if err != nil {
			t.Fatal(err)
		}
		data, _ := json.Marshal(r.View(false, "cid:chart.png"))
		mail, err := set.Render("periodic-report", "vi", data)
		if err != nil {
			t.Fatal(err)
		}
		text := "Subject: " + mail.Subject + "\n\n" + mail.Text
		golden(t, c.golden, []byte(text))
		files, err := r.Render()
		if err != nil {
			t.Fatal(err)
		}
		csv := string(files.CSV)
		if !strings.Contains(text, c.escalation) || !strings.Contains(csv, c.escalation) ||
			!strings.Contains(text, w.table.Bodies().Center) {
			t.Errorf("%s: the report does not name %q and the Center %q", c.table, c.escalation, w.table.Bodies().Center)
		}
		for _, s := range c.gone {
			for what, out := range map[string]string{"mail": text, "html": mail.HTML, "csv": csv} {
				if strings.Contains(out, s) {
					t.Errorf("%s: the %s names %q", c.table, what, s)
				}
			}
		}
	}
}
