package reports

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// TestDifficulties lists the period's difficulties (SPEC 9.5, Art 13.4):
// a report returned twice, one escalated, one given an extension, one whose
// result came later than twice its limit; not a report late by less than
// its limit, nor one returned once.
func TestDifficulties(t *testing.T) {
	w := newWorld(t)
	ingest := func(day int) string {
		return w.ingest(at(2026, 3, day, 8, 0), intake{field: "dien", unit: "vi-thanh", agency: "dien-luc"})
	}
	returned := ingest(16)
	w.do(returned, at(2026, 3, 16, 9, 0), lifecycle.Accept, "")
	w.do(returned, at(2026, 3, 16, 10, 0), lifecycle.Return, "")
	w.do(returned, at(2026, 3, 16, 11, 0), lifecycle.Assign, "dien-luc")
	w.do(returned, at(2026, 3, 17, 8, 0), lifecycle.Return, "")

	once := ingest(16)
	w.do(once, at(2026, 3, 16, 9, 0), lifecycle.Accept, "")
	w.do(once, at(2026, 3, 16, 10, 0), lifecycle.Return, "")

	escalated := ingest(17)
	w.do(escalated, at(2026, 3, 17, 9, 0), lifecycle.Escalate, "")

	extended := ingest(17)
	w.do(extended, at(2026, 3, 17, 9, 0), lifecycle.Accept, "")
	w.do(extended, at(2026, 3, 18, 9, 0), lifecycle.Extend, "3")
	w.do(extended, at(2026, 3, 18, 10, 0), lifecycle.ConfirmExtension, "3")

	// The power company has 3 working days: forwarded Wednesday 18 March
	// 09:00, due Monday 23 March 17:00, 30 working hours later.
	veryLate := ingest(18)
	w.do(veryLate, at(2026, 3, 18, 9, 0), lifecycle.Accept, "")
	w.do(veryLate, at(2026, 3, 30, 9, 0), lifecycle.Resolve, "") // 34 working hours late
	late := ingest(18)
	w.do(late, at(2026, 3, 18, 9, 0), lifecycle.Accept, "")
	w.do(late, at(2026, 3, 24, 9, 0), lifecycle.Resolve, "") // 2 working hours late

	r := compute(t, w, ending(t, Monthly, "2026-04", Decree), Decree)
	got := map[string]string{}
	for _, d := range r.Difficulties {
		got[d.Code] = d.summary(r.Escalation)
	}
	for code, want := range map[string]string{
		returned:  "bị trả lại 2 lần",
		escalated: "chuyển Sở Thông tin và Truyền thông lúc 17/03/2026 09:00",
		extended:  "được gia hạn lúc 18/03/2026 10:00",
		veryLate:  "Xử lý tại cơ quan (thời hạn 30,0 giờ làm việc, quá hạn 34,0 giờ làm việc)",
	} {
		if !strings.Contains(got[code], want) {
			t.Errorf("%s: %q, want %q", code, got[code], want)
		}
	}
	if strings.Contains(got[once], "trả lại") || strings.Contains(got[late], "Xử lý tại cơ quan") {
		t.Errorf("a report returned once: %q; one late by less than its limit: %q", got[once], got[late])
	}
	var table Table
	for _, tb := range r.Tables() {
		if tb.Code == "vuong-mac" {
			table = tb
		}
	}
	if len(table.Rows) != len(r.Difficulties) || len(table.Rows) == 0 {
		t.Errorf("the table of difficulties: %d rows for %d difficulties", len(table.Rows), len(r.Difficulties))
	}
}
