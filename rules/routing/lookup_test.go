package routing

import (
	"fmt"
	"strings"
	"testing"
)

// TestFind finds agencies, fields and units by what staff write after
// /assign, /field and /unit (SPEC 7.1): a code, or a name or alias with or
// without diacritics that names exactly one entry; otherwise the entries
// it names, or the closest.
func TestFind(t *testing.T) {
	table := Default()
	show := func(f Found) string {
		if f.Code != "" {
			return f.Code
		}
		var codes []string
		for _, e := range f.Candidates {
			codes = append(codes, e.Code)
		}
		return fmt.Sprintf("several=%v %s", f.Several, strings.Join(codes, " "))
	}
	for _, c := range []struct {
		kind, text, want string
	}{
		{"agency", "so-xd", "so-xd"},
		{"agency", "SO-XD", "so-xd"},
		{"agency", "so xd", "so-xd"},
		{"agency", "Sở Xây dựng", "so-xd"},
		{"agency", "so xay dung", "so-xd"},
		{"agency", "SỞ XÂY DỰNG", "so-xd"},
		{"agency", "điện lực", "dien-luc"},
		{"agency", "cong ty dien luc hau giang", "dien-luc"},
		{"agency", "huyện Châu Thành", "ubnd-chau-thanh"},
		{"agency", "huyện Châu Thành A", "ubnd-chau-thanh-a"},
		{"agency", "Vị Thủy", "ubnd-vi-thuy"},
		{"agency", "Vị Thuỷ", "ubnd-vi-thuy"},
		{"agency", "long my", "several=true ubnd-tx-long-my ubnd-h-long-my"},
		{"agency", "chau thanh", "ubnd-chau-thanh"}, // as the unit's alias: Châu Thành A is not Châu Thành
		{"agency", "Ủy ban nhân dân", "several=true vp-ubnd ubnd-vi-thanh ubnd-nga-bay ubnd-tx-long-my ubnd-chau-thanh"},
		{"agency", "so", "several=true so-tttt so-gtvt so-tnmt so-xd so-yt"},
		{"agency", "Sở Xây", "so-xd"},
		{"agency", "xay dung so", "several=false so-xd"},
		{"agency", "so xay dng", "several=false so-xd"},
		{"agency", "so-gtvx", "several=false so-gtvt"},
		{"agency", "Sở Xay dựng", "several=false so-xd"},
		{"agency", "qwerty", "several=false "},
		{"agency", "", "several=false "},
		{"agency", "UBND huyện Vị Thủy", "ubnd-vi-thuy"},
		{"agency", "ubnd huyen vi thuy", "ubnd-vi-thuy"},
		{"agency", "UBND TP. Vị Thanh", "ubnd-vi-thanh"},
		{"agency", "UBND TX Long Mỹ", "ubnd-tx-long-my"},
		{"agency", "Sở GTVT", "so-gtvt"},
		{"agency", "Sở TN&MT", "so-tnmt"},
		{"agency", "so TN-MT", "so-tnmt"},
		{"agency", "Sở GD&ĐT", "so-gddt"},
		{"agency", "CA tỉnh", "ca-tinh"},
		{"agency", "ubnd-vi-thuy", "ubnd-vi-thuy"},
		{"field", "dien", "dien"},
		{"field", "Điện", "dien"},
		{"field", "giao thong", "giao-thong"},
		{"unit", "vi-thanh", "vi-thanh"},
		{"unit", "TP Vị Thanh", "vi-thanh"},
		{"unit", "nang mau", "vi-thuy"},
		{"unit", "Châu Thành", "chau-thanh"},
		{"unit", "chau thanh a", "chau-thanh-a"},
	} {
		var f Found
		switch c.kind {
		case "agency":
			f = table.FindAgency(c.text)
		case "field":
			f = table.FindField(c.text)
		case "unit":
			f = table.FindUnit(c.text)
		}
		if got := show(f); got != c.want {
			t.Errorf("%s %q: %s, want %s", c.kind, c.text, got, c.want)
		}
	}
}

// TestFindFormerUnits: with the 2025 table, /unit takes the names of the
// units a reorganisation abolished, as routing reads them, and the
// abbreviations staff write.
func TestFindFormerUnits(t *testing.T) {
	table, _ := Builtin("2025")
	for text, want := range map[string]string{
		"xã Hỏa Tiến": "xa-hoa-luu", "Hoa Tien": "xa-hoa-luu", "X. Hỏa Tiến": "xa-hoa-luu",
		"phường 1": "phuong-vi-thanh", "P1": "phuong-vi-thanh", "Hỏa Lựu": "xa-hoa-luu",
	} {
		if got := table.FindUnit(text); got.Code != want {
			t.Errorf("unit %q: %+v, want %s", text, got, want)
		}
	}
	if got := table.FindAgency("UBND xã Hỏa Lựu"); got.Code != "ubnd-xa-hoa-luu" {
		t.Errorf("agency \"UBND xã Hỏa Lựu\": %+v", got)
	}
	if got := table.FindUnit("Vị Thanh"); !got.Several {
		t.Errorf("unit \"Vị Thanh\" (phường Vị Thanh, or xã Vị Thanh before 2025): %+v, want several", got)
	}
}
