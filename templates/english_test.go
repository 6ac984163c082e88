package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// sampleIn is a kind's sample data as a mail in lang carries it: in
// English, the field and the agencies are named by the routing table's
// English names (name_en) and the unit as English writes it
// (routing.EnglishUnitName), as the mail to an English writer names them,
// and what the citizen and staff wrote is English.
func sampleIn(k kind, lang string) any {
	v := k.sample()
	if lang != English {
		return v
	}
	table := routing.Default()
	field, _ := table.RecordedField("dien")
	agency := func(code string) string {
		a, _ := table.RecordedAgency(code)
		return a.NameFor(true)
	}
	switch d := v.(type) {
	case *Ack:
		d.Field, d.Unit = field.NameFor(true), routing.EnglishUnitName(d.Unit)
	case *CitizenNotice:
		d.FieldName, d.AgencyName = field.NameFor(true), agency("dien-luc")
		d.UnitName = routing.EnglishUnitName(d.UnitName)
		d.Text = "Your message is about a dispute between neighbours, which is not a matter for field reports."
	case *Result:
		d.FieldName, d.AgencyName = field.NameFor(true), agency("dien-luc")
		d.CoAgencyNames = []string{agency("ubnd-vi-thuy"), agency("so-ct")}
		// The citizen wrote in English, and staff answer in English.
		d.Summary, d.Location = "No power in hamlet 3 since this morning.", "hamlet 3, Vị Đông"
		d.Result = "The broken line has been replaced.\nPower was restored at 15:00."
	}
	return v
}

// TestEnglishGoldenNamesInEnglish: the English golden files name the
// field and the agencies in English, as real English mail does, and no
// Vietnamese name of them is left.
func TestEnglishGoldenNamesInEnglish(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.en*.golden"))
	if len(files) == 0 {
		t.Fatal("no English golden file")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, vi := range []string{"Điện", "Công ty Điện lực", "Ủy ban nhân dân", "Sở Công Thương"} {
			if strings.Contains(string(b), vi) {
				t.Errorf("%s names %q in Vietnamese", f, vi)
			}
		}
	}
}

// TestEnglishAgencyNamesTakeTheArticle: in running English text an
// agency's name takes "the", as a native writes it ("passed to the Hậu
// Giang Power Company", "The Department of Health has…"); a label or a
// list names it bare ("Agency: Hậu Giang Power Company").
func TestEnglishAgencyNamesTakeTheArticle(t *testing.T) {
	table := routing.Default()
	var names []string
	for _, code := range []string{"dien-luc", "ubnd-vi-thuy", "so-ct"} {
		a, _ := table.RecordedAgency(code)
		names = append(names, a.NameFor(true))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.en*.golden"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		text := string(b)
		for _, name := range names {
			for i := strings.Index(text, name); i >= 0; {
				before := text[:i]
				if !hasAnySuffix(before, "the ", "The ", ": ", "; ", "<td>") {
					line := before[strings.LastIndexByte(before, '\n')+1:]
					t.Errorf("%s: %q without its article: %q", f, name, line+name)
				}
				next := strings.Index(text[i+len(name):], name)
				if next < 0 {
					break
				}
				i += len(name) + next
			}
		}
	}
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
