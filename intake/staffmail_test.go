package intake

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/parse"
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

// TestQuarantineReasonInVietnamese: the receivers read why a message was
// quarantined in Vietnamese, never the parser's English error, which stays
// in the message's record and the log.
func TestQuarantineReasonInVietnamese(t *testing.T) {
	w := newWalker(t)
	w.p.Limits.MaxDepth = 5
	out := w.send(eml([]string{"From: an@gmail.com", "Message-ID: <n@x>", "MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=a"}, nest(10)))
	if !strings.Contains(out.Reason, "MIME depth over 5") {
		t.Errorf("the recorded reason %q lost the parser's words", out.Reason)
	}
	w.p.Limits = parse.DefaultLimits()
	w.p.Limits.MaxMessageBytes = 1000
	w.send(report("an@gmail.com", "big@x", "Video", strings.Repeat("x", 5000)))
	w.p.Limits = parse.DefaultLimits()
	w.send("From: an@gmail.com\nMessage-ID: <h@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n" +
		"Content-Transfer-Encoding: base64\n\n--x\nContent-Type: text/plain\n\n" + strings.Repeat("a", 2<<20) + "\n--x--\n")
	notices := w.renderAll()["quarantine"]
	if len(notices) != 3 {
		t.Fatalf("%d quarantine notices, want 3", len(notices))
	}
	for i, want := range []string{"Lý do: thư có các phần MIME lồng nhau quá 5 lớp", "Lý do: thư lớn hơn giới hạn 1 KB", "Lý do: thư có dòng dài hơn giới hạn"} {
		text := notices[i].Text
		if !strings.Contains(text, want) {
			t.Errorf("quarantine notice %d lacks %q:\n%s", i+1, want, text)
		}
		for _, english := range []string{"MIME depth", "larger than", "line length", "exceeds", "parse:"} {
			if strings.Contains(text, english) {
				t.Errorf("quarantine notice %d holds the English %q:\n%s", i+1, english, text)
			}
		}
	}
}
