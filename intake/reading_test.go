package intake

import (
	"mime"
	"strings"
	"testing"
)

// TestContactInSignature: a Thunderbird report whose name and phone stand
// only under its "-- " line reaches the receivers with both (SPEC 4.4).
func TestContactInSignature(t *testing.T) {
	w := newWalker(t)
	raw := eml([]string{"From: an.nguyen@gmail.com", "To: phananh@haugiang.gov.vn", "Subject: Mất điện kéo dài",
		"Message-ID: <tb1@gmail.com>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8; format=flowed",
		"Content-Transfer-Encoding: 8bit"},
		"Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa \ncó lại.\n\n-- \nNguyễn Văn An\nĐT: 0912 345 678\n")
	w.code = w.send(raw).Code
	r := w.report()
	if r.Citizen.Phone != "0912345678" || r.Citizen.Name != "Nguyễn Văn An" {
		t.Errorf("citizen %+v, want the name and phone of the signature", r.Citizen)
	}
	if strings.Contains(strings.Join(r.Missing, " "), "phone") {
		t.Errorf("missing %v", r.Missing)
	}
	triage := w.renderAll()["triage"][0].Text
	if !strings.Contains(triage, "0912345678") || strings.Contains(triage, "còn thiếu: số điện thoại") {
		t.Errorf("the triage notice:\n%s", triage)
	}
}

// TestResultNoticeSummary: Appendix II's "Nội dung phản ánh" is the
// summary of SPEC 8.3, without the phone number, the closing and the
// name, and "Địa điểm" is the place the citizen gave.
func TestResultNoticeSummary(t *testing.T) {
	w := newWalker(t)
	w.ingest("Kính gửi Trung tâm,\n\n" + outage + "Email: an.nguyen@gmail.com\n")
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/resolve Đã xử lý.", "resolved")
	w.command(approver, "/approve", "published")
	text := w.renderAll()["result"][0].Text
	want := "Nội dung phản ánh: Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa có lại.\n"
	if !strings.Contains(text, want) || strings.Contains(text, "0912") || strings.Contains(text, "an.nguyen@") {
		t.Errorf("the result notice:\n%s\nwant %q", text, want)
	}

	w = newWalker(t)
	w.ingest("Họ tên: Nguyễn Văn An\nSĐT: 0912 345 678\nĐịa điểm: trạm biến áp ấp 3, xã Vị Đông\nNội dung: Trạm biến áp phát nổ, mất điện cả ấp.\n")
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/resolve Đã thay máy biến áp.", "resolved")
	w.command(approver, "/approve", "published")
	text = w.renderAll()["result"][0].Text
	for _, want := range []string{"Nội dung phản ánh: Trạm biến áp phát nổ, mất điện cả ấp.\n", "Địa điểm: trạm biến áp ấp 3, xã Vị Đông\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("the result notice lacks %q:\n%s", want, text)
		}
	}
}

// TestAutoReplySubjects: a subject makes a message an automatic reply
// only with a known client's exact prefix, and never when the text reads
// as a report (SPEC 4.2). A complaint about absent officials is a report.
func TestAutoReplySubjects(t *testing.T) {
	const absent = "Sáng nay 8 giờ tôi đến bộ phận một cửa xã Vị Đông, huyện Vị Thủy nhưng không có cán bộ nào làm việc.\n" +
		"Số điện thoại: 0912 345 678\n"
	for _, c := range []struct {
		name, subject, body, kind string
	}{
		{"absent officials", "Vắng mặt cán bộ tại bộ phận một cửa xã", absent, KindReport},
		{"absent officials, no form", "Vắng mặt cán bộ tại bộ phận một cửa xã", "Không có ai làm việc cả buổi sáng.\n", KindReport},
		{"out of office words", "Out of office hours noise from the karaoke bar", "Loud music every night until 2 am.\n", KindReport},
		{"outlook", "Automatic reply: Mất điện", "I am out of the office until Monday.\n", KindAutoreply},
		{"outlook in Vietnamese", "Trả lời tự động: Mất điện", "Tôi đang nghỉ phép đến thứ Hai.\n", KindAutoreply},
		{"auto", "Auto: Mất điện", "I am away.\n", KindAutoreply},
		{"old outlook", "Out of Office: Mất điện", "I am away.\n", KindAutoreply},
		{"prefix, but a report", "Automatic reply: Mất điện", absent, KindReport},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			out := f.process(t, report("Nguyễn Văn An <an@gmail.com>", "a@x", encodeSubject(c.subject), c.body))
			if out.Kind != c.kind {
				t.Errorf("%q: %s (%s), want %s", c.subject, out.Kind, out.Reason, c.kind)
			}
		})
	}
}

// encodeSubject writes a subject as mail clients do: RFC 2047 when it is
// not ASCII.
func encodeSubject(s string) string { return mime.BEncoding.Encode("UTF-8", s) }
