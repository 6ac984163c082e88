package reports

import (
	"bytes"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
)

// TestPeriodAcrossTables: a period that spans the 2025 reorganisation
// counts each report under the unit and agency it recorded — the district
// and the department of the old table, the ward and the merged department
// of the new — names them from the table that routed them, and says that
// two tables routed its reports.
func TestPeriodAcrossTables(t *testing.T) {
	w := newWorld(t)
	w.table = routing.Default() // until the reorganisation
	before := w.ingest(at(2025, 6, 20, 9, 0), intake{field: "giao-thong", unit: "vi-thanh", agency: "so-gtvt", edition: "appendix1"})
	w.do(before, at(2025, 6, 20, 10, 0), lifecycle.Accept, "so-gtvt")
	w.do(before, at(2025, 6, 23, 10, 0), lifecycle.Resolve, "")
	w.do(before, at(2025, 6, 23, 11, 0), lifecycle.Approve, "")
	w.table, _ = routing.Builtin("2025")
	w.ingest(at(2025, 7, 2, 9, 0), intake{field: "giao-thong", unit: "phuong-vi-thanh", agency: "so-xd", edition: "2025"})
	w.ingest(at(2025, 7, 3, 9, 0), intake{field: "giao-thong", unit: "xa-hoa-luu", agency: "so-xd", edition: "2025"})

	r := compute(t, w, ending(t, Monthly, "2025-07", Decree), Decree)
	if len(r.Editions) != 2 || r.Editions[0].Code != "appendix1" || r.Editions[0].Reports != 1 ||
		r.Editions[1].Code != "2025" || r.Editions[1].Reports != 2 {
		t.Errorf("editions %+v", r.Editions)
	}
	names := map[string]string{}
	for _, g := range append(r.ByUnit, r.ByAgency...) {
		names[g.Code] = g.Name
	}
	for code, want := range map[string]string{"vi-thanh": "Thành phố Vị Thanh", "phuong-vi-thanh": "Phường Vị Thanh",
		"so-gtvt": "Sở Giao thông vận tải", "ttgsdh": "Trung tâm Giám sát, điều hành đô thị thông minh (khu vực Hậu Giang)"} {
		if names[code] != want {
			t.Errorf("group %s named %q, want %q (groups %v)", code, names[code], want, names)
		}
	}
	v := r.View(false, "")
	if len(v.Notes) != 1 || !strings.Contains(v.Notes[0], "hai bảng phân loại: Phụ lục I của Quy chế") ||
		!strings.Contains(v.Notes[0], "bảng năm 2025 (chính quyền địa phương hai cấp từ ngày 01/7/2025) (2 phản ánh)") {
		t.Errorf("notes %q", v.Notes)
	}

	// The workbook and the CSV say it too, in the period's sheet and lines.
	var csvOut bytes.Buffer
	if err := r.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csvOut.String(), "ky-bao-cao,note,Lưu ý,value,Nội dung,\"kỳ báo cáo có phản ánh được phân loại theo hai bảng phân loại") {
		t.Errorf("the CSV does not say that two tables routed the period:\n%s", csvOut.String())
	}
	rows, _ := readXLSX(t, r).GetRows("Kỳ báo cáo")
	if last := rows[len(rows)-1]; len(last) != 3 || last[1] != "Lưu ý" || last[2] != v.Notes[0] {
		t.Errorf("the workbook's period sheet ends with %q, want the note", last)
	}

	one := compute(t, w, ending(t, Monthly, "2025-08", Decree), Decree)
	if len(one.Editions) > 1 || len(one.View(false, "").Notes) != 0 {
		t.Errorf("a period of one table: editions %+v", one.Editions)
	}
}
