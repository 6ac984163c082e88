package intake

import (
	"strings"
	"testing"
)

// The tests of what staff read in their mail (SPEC 8.4): everything in
// Vietnamese, the codes they answer with, and only the commands they can
// use.

// TestTriageGroundsInVietnamese: the triage notice says in Vietnamese why
// routing proposed what it did, and lists the rules that came next with
// their codes and scores; the English sentence stays in the report's
// record (rules explain, the logs).
func TestTriageGroundsInVietnamese(t *testing.T) {
	w := newWalker(t)
	w.code = w.send(report("Nguyễn Văn An <"+citizen+">", "g1@mail.gmail.com", "Ổ gà và mất điện",
		"Đường ở huyện Vị Thủy có ổ gà, cột điện nghiêng, mất điện từ sáng.\nSố điện thoại: 0912 345 678\n")).Code
	text := w.renderAll()["triage"][0].Text
	for _, want := range []string{
		"Căn cứ: từ khóa «mất điện» (2 từ), «cột điện» (2 từ): quy tắc dien/* có điểm cao nhất, 4; địa bàn vi-thuy theo tên «huyện Vị Thủy»\n",
		"Các quy tắc khác cũng có điểm:\n- Giao thông, hạ tầng đường bộ (giao-thong), toàn tỉnh: Sở Giao thông vận tải (so-gtvt), 2 điểm\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the triage notice lacks %q:\n%s", want, text)
		}
	}
	for _, english := range []string{"keyword", "score", "alias", "unit vi-thuy"} {
		if strings.Contains(text, english) {
			t.Errorf("the triage notice holds the English %q:\n%s", english, text)
		}
	}
	if r := w.report(); !strings.HasPrefix(r.Routing.Why, `keywords "mất điện" (2)`) {
		t.Errorf("the report's record lost the English reasons: %q", r.Routing.Why)
	}
}
