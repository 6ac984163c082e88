package routing

import "testing"

func TestUnitLabel(t *testing.T) {
	t2025 := table2025(t)
	for _, c := range []struct {
		table        *Table
		unit, former string
		english      bool
		want         string
	}{
		{t2025, "xa-hoa-luu", "xa-hoa-tien", false, "xã Hỏa Lựu (xã Hỏa Tiến cũ)"},
		{t2025, "xa-hoa-luu", "xa-hoa-tien", true, "Hỏa Lựu Commune (formerly Hỏa Tiến Commune)"},
		{t2025, "phuong-vi-thanh", "phuong-i", true, "Vị Thanh Ward (formerly Ward I)"},
		{t2025, "vi-thanh", "", true, "Vị Thanh City"},
		{Default(), "vi-thuy", "", true, "Vị Thủy District"},
		{t2025, "phuong-vi-thanh", "phuong-i", false, "phường Vị Thanh (phường I cũ)"},
		{t2025, "xa-hoa-luu", "", false, "xã Hỏa Lựu"},
		{t2025, "xa-hoa-luu", "phuong-i", false, "xã Hỏa Lựu"}, // the unit changed since: the old name is of another
		{t2025, "vi-thanh", "", false, "thành phố Vị Thanh"},   // a report routed with appendix1
		{Default(), "xa-hoa-luu", "xa-hoa-tien", false, "xã Hỏa Lựu (xã Hỏa Tiến cũ)"},
		{t2025, "", "", false, ""},
		{t2025, "nowhere", "", false, ""},
	} {
		if got := c.table.UnitLabel(c.unit, c.former, c.english); got != c.want {
			t.Errorf("%s: UnitLabel(%q, %q, %v) = %q, want %q", c.table.Edition(), c.unit, c.former, c.english, got, c.want)
		}
	}
	if a, ok := t2025.RecordedAgency("so-gtvt"); !ok || a.Name != "Sở Giao thông vận tải" {
		t.Errorf("an agency of appendix1 from the 2025 table: %+v", a)
	}
	if a, _ := t2025.RecordedAgency("so-xd"); a.Name != "Sở Xây dựng thành phố Cần Thơ" {
		t.Errorf("the table in use names an agency first: %+v", a)
	}
}
