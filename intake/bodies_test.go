package intake

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestEscalationNamesTheTablesDepartment: under the 2025 table, a report
// escalated is "đã chuyển Sở Khoa học và Công nghệ thành phố Cần Thơ" in
// the confirmation, and an /escalate with no escalation address is refused
// naming that department: the Dept. of Information and Communications no
// longer exists.
func TestEscalationNamesTheTablesDepartment(t *testing.T) {
	const dept = "Sở Khoa học và Công nghệ thành phố Cần Thơ"
	table, _ := routing.Builtin("2025")
	for _, address := range []string{"", "skhcn@cantho.gov.vn"} {
		w := newWalker(t)
		w.p.Routing = func() *routing.Table { return table }
		w.p.EscalationAddress = address
		w.ingest(outage)
		if address == "" {
			if out := w.reply(receiver, "/escalate Vượt thẩm quyền\n"); out.State != "received" {
				t.Errorf("/escalate without an address: %+v, want refused", out)
			}
			refused := w.renderAll()["refused"]
			want := "lệnh /escalate: chưa cấu hình địa chỉ thư của " + dept + " (process.escalation_address)"
			if text := refused[len(refused)-1].Text; !strings.Contains(text, want) {
				t.Errorf("the refusal lacks %q:\n%s", want, text)
			}
			continue
		}
		w.command(receiver, "/escalate Vượt thẩm quyền\n", "escalated")
		confirmations := w.renderAll()["confirmation"]
		text := confirmations[len(confirmations)-1].Text
		if !strings.Contains(text, "đã chuyển "+dept) || strings.Contains(text, "Thông tin và Truyền thông") {
			t.Errorf("the confirmation does not name the report's state under the 2025 table:\n%s", text)
		}
	}
}
