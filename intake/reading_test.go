package intake

import (
	"mime"
	"slices"
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

// TestSubjectOnlyReport: a report written in the subject alone — an empty
// body, a body that is only a signature or a phone's "Sent from my
// iPhone", or only photos — is a report whose content is the subject, with
// its acknowledgement and triage notice (SPEC 4.2). Junk is only a message
// with no subject text, no body text and no attachment.
func TestSubjectOnlyReport(t *testing.T) {
	const subject = "Cây xanh ngã chắn đường Trần Hưng Đạo, phường 1, Vị Thanh"
	photo := func(t *testing.T, text string) (string, []string) {
		return "--M\nContent-Type: text/plain; charset=UTF-8\n\n" + text + "\n" + photoPart(t, "M", "IMG_0042.jpg") + "--M--\n",
			[]string{"MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="M"`}
	}
	for _, c := range []struct {
		name, body string
		phone      string // the phone the signature gives
		mime       bool   // the body is the photo's multipart
	}{
		{name: "empty body", body: ""},
		{name: "blank lines", body: "\n\n  \n"},
		{name: "iPhone", body: "\n\nSent from my iPhone\n"},
		{name: "Vietnamese iPhone", body: "Gửi từ iPhone của tôi\n"},
		{name: "signature", body: "-- \nNguyễn Văn An\nĐT: 0912 345 678\n", phone: "0912345678"},
		{name: "photo only", mime: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWalker(t)
			headers := []string{"From: Nguyễn Văn An <" + citizen + ">", "To: phananh@haugiang.gov.vn",
				"Subject: " + encodeSubject(subject), "Message-ID: <s1@mail.gmail.com>", "Date: Mon, 23 Nov 2026 08:10:00 +0700"}
			body := c.body
			if c.mime {
				var h []string
				body, h = photo(t, "")
				headers = append(headers, h...)
			}
			out := w.send(eml(headers, body))
			if out.Kind != KindReport {
				t.Fatalf("%+v, want a report", out)
			}
			w.code = out.Code
			r := w.report()
			if r.Content != subject || r.Citizen.Phone != c.phone {
				t.Errorf("content %q, phone %q; want the subject and %q", r.Content, r.Citizen.Phone, c.phone)
			}
			if slices.Contains(r.Missing, "content") {
				t.Errorf("missing %v: the subject is the content", r.Missing)
			}
			mark := 0
			if got := owed(w.sentSince(&mark)); got != "ack→"+citizen+" triage→"+receiver {
				t.Errorf("mail owed %s", got)
			}
			triage := w.renderAll()["triage"][0].Text
			if strings.Count(triage, "Cây xanh ngã") != 1 || strings.Contains(triage, "iPhone") {
				t.Errorf("the triage notice does not show the subject once as the report:\n%s", triage)
			}
		})
	}
}

// TestJunk: junk is only a message with no subject text, no body text and
// no attachment; a body that is only a phone's signature is no text.
func TestJunk(t *testing.T) {
	for _, body := range []string{"", "\n \n", "Sent from my iPhone\n"} {
		f := newFixture(t)
		out := f.process(t, report("an@gmail.com", "e@x", "", body))
		if out.Kind != KindJunk || !out.Quarantined() {
			t.Errorf("%q: %+v, want junk", body, out)
		}
		f.assertNoMail(t)
	}
	f := newFixture(t)
	if out := f.process(t, report("an@gmail.com", "e@x", "", "Cột điện nghiêng ở ấp 2.\n")); out.Kind != KindReport {
		t.Errorf("a body without a subject: %+v, want a report", out)
	}
}
