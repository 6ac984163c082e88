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
// English names (name_en), as the mail to an English writer names them;
// the unit keeps its Vietnamese name, as the table gives it in English
// too.
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
		d.Field = field.NameFor(true)
	case *CitizenNotice:
		d.FieldName, d.AgencyName = field.NameFor(true), agency("dien-luc")
	case *Result:
		d.FieldName, d.AgencyName = field.NameFor(true), agency("dien-luc")
		d.CoAgencyNames = []string{agency("ubnd-vi-thuy"), agency("so-ct")}
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
