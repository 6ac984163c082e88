package intake

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestAssignAbolishedAgency: under the 2025 table, a receiver who writes
// the name of a department merged away (/assign Sở GTVT, or its full name,
// or the Department of Information and Communications beside it) has the
// report assigned to the department that absorbed it, and the confirmation
// says so.
func TestAssignAbolishedAgency(t *testing.T) {
	for _, c := range []struct {
		command, agency string
		co              []string
		says            []string
	}{
		{"/assign Sở GTVT", "so-xd", nil,
			[]string{"/assign Sở GTVT — «Sở GTVT»: Sở Giao thông vận tải nay đã hợp nhất vào Sở Xây dựng thành phố Cần Thơ (so-xd)",
				"Cơ quan xử lý: Sở Xây dựng thành phố Cần Thơ (so-xd)"}},
		{"/chuyen Sở Giao thông vận tải; Sở TT&TT", "so-xd", []string{"so-khcn"},
			[]string{"Sở Giao thông vận tải nay đã hợp nhất vào Sở Xây dựng thành phố Cần Thơ (so-xd); " +
				"«Sở TT&TT»: Sở Thông tin và Truyền thông nay đã hợp nhất vào Sở Khoa học và Công nghệ thành phố Cần Thơ (so-khcn)"}},
	} {
		t.Run(c.command, func(t *testing.T) {
			w := newWalker(t)
			table, _ := routing.Builtin("2025")
			w.p.Routing = func() *routing.Table { return table }
			w.ingest(outage)
			w.command(receiver, c.command, "forwarded")
			if r := w.report(); r.Routing.Agency != c.agency || strings.Join(r.CoAgencies, ",") != strings.Join(c.co, ",") {
				t.Errorf("agency %s, co-agencies %v; want %s, %v", r.Routing.Agency, r.CoAgencies, c.agency, c.co)
			}
			confirmation := w.renderAll()["confirmation"][0].Text
			for _, want := range c.says {
				if !strings.Contains(confirmation, want) {
					t.Errorf("the confirmation lacks %q:\n%s", want, confirmation)
				}
			}
		})
	}
}

// TestCodesNameAbsorbedAgencies: under the 2025 table /codes lists, beside
// each department, the agencies merged into it, and a filter with an old
// name finds the department that absorbed it.
func TestCodesNameAbsorbedAgencies(t *testing.T) {
	w := newWalker(t)
	table, _ := routing.Builtin("2025")
	w.p.Routing = func() *routing.Table { return table }
	w.ingest(outage)
	w.command(receiver, "/codes giao thông vận tải\n", "received")
	text := w.renderAll()["codes"][0].Text
	if !strings.Contains(text, "so-xd  Sở Xây dựng thành phố Cần Thơ — đã hợp nhất: Sở Giao thông vận tải\n") {
		t.Errorf("/codes giao thông vận tải answered:\n%s", text)
	}
}
