package config

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestCenterNames: the Center's names the configuration gives replace the
// routing table's, one by one; the others stay the table's.
func TestCenterNames(t *testing.T) {
	p := write(t, "[center]\nname = \" Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ \"\n")
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	table, _ := routing.Builtin("2025")
	b := cfg.Center.Bodies(table.Bodies())
	want := table.Bodies()
	want.Center = "Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ"
	if b != want {
		t.Errorf("bodies %+v, want %+v", b, want)
	}
	if got := (Center{}).Bodies(table.Bodies()); got != table.Bodies() {
		t.Errorf("no [center]: %+v", got)
	}
}

func TestBadCenterNames(t *testing.T) {
	for body, want := range map[string]string{
		"[center]\nname = \"Trung tâm\\nGiám sát\"\n":                     "center.name: write the name on one line",
		"[center]\nshort_name = \"  \"\n":                                 "center.short_name: must not be blank (leave the key out for the routing table's)",
		"[center]\nenglish_name = \"" + strings.Repeat("x", 201) + "\"\n": "center.english_name: longer than 200 characters",
		"[center]\nname = \"Trung tâm\"\ncolour = 1\n":                    "colour",
	} {
		_, err := Load(write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", body, err, want)
		}
	}
}
