package templates

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestGolden2025 renders every kind in every language with the bodies of
// the 2025 table, and compares subject, text and HTML with the golden files
// of TestGolden (Appendix I) in which the bodies of Appendix I are replaced
// by those of the 2025 table: the mail differs in the bodies' names and in
// nothing else. The Center signs with its name of that table, and escalated
// reports go to the Dept. of Science and Technology of Cần Thơ city, to
// advise the city's People's Committee; no mail names the Dept. of
// Information and Communications or Hậu Giang province, which no longer
// exist, while the golden files of Appendix I name them.
func TestGolden2025(t *testing.T) {
	table, _ := routing.Builtin("2025")
	b := table.Bodies()
	s, err := LoadFor("", b)
	if err != nil {
		t.Fatal(err)
	}
	old := routing.Default().Bodies()
	// The names of Appendix I's bodies, the longest first, and the
	// 2025 table's.
	rename := strings.NewReplacer(
		old.Center, b.Center, old.CenterEnglish, b.CenterEnglish,
		strings.ToUpper(old.Escalation), strings.ToUpper(b.Escalation), old.Escalation, b.Escalation,
		old.Committee(), b.Committee(),
	)
	named := map[string]bool{}
	for name, k := range kinds {
		if _, ok := borrowed[name]; ok {
			continue
		}
		for _, lang := range k.langs {
			// The data of a report under the 2025 table: its state's
			// label names that table's escalation body.
			data, _ := json.Marshal(sampleIn(k, lang))
			r, err := s.Render(name, lang, json.RawMessage(rename.Replace(string(data))))
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Join("testdata", name+"."+lang)
			for golden, got := range map[string]string{base + ".golden": "Subject: " + r.Subject + "\n\n" + r.Text, base + ".html.golden": r.HTML} {
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if got != rename.Replace(string(want)) {
					t.Errorf("%s under the 2025 table differs from the golden file in more than the bodies' names:\n%s", golden, got)
				}
				named[name] = named[name] || rename.Replace(string(want)) != string(want)
			}
			for _, gone := range []string{"Thông tin và Truyền thông", "THÔNG TIN VÀ TRUYỀN THÔNG", "tỉnh Hậu Giang", "UBND tỉnh"} {
				if strings.Contains(r.Subject+r.Text+r.HTML, gone) {
					t.Errorf("%s.%s names %q under the 2025 table", name, lang, gone)
				}
			}
		}
	}
	// The notices that name the bodies under Appendix I.
	for _, name := range []string{"ack", "result", "forwarded", "rejection", "escalation", "escalated", "rated", "returned", "help"} {
		if !named[name] {
			t.Errorf("%s names no body under Appendix I", name)
		}
	}
}
