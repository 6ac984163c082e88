package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleIn is a kind's sample data as a mail in lang carries it: in
// English, the field and the agencies are named by the routing table's
// English names (name_en), as the mail to an English writer names them;
// the unit keeps its Vietnamese name, which the table gives in English
// too.
func sampleIn(k kind, lang string) any {
	v := k.sample()
	if lang != English {
		return v
	}
	switch d := v.(type) {
	case *Ack:
		d.Field = "Electricity"
	case *CitizenNotice:
		d.FieldName, d.AgencyName = "Electricity", "Hậu Giang Power Company"
	case *Result:
		d.FieldName, d.AgencyName = "Electricity", "Hậu Giang Power Company"
		d.CoAgencyNames = []string{"People's Committee of Vị Thủy District", "Department of Industry and Trade"}
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
