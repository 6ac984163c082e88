package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// appendixContent is the "Nội dung phản ánh" line of an Appendix II result
// notice.
var appendixContent = regexp.MustCompile(`(?m)^Nội dung phản ánh: (.*)$`)

// TestE2EResultNoticeRepeatsNoContactLabel: the demo's power-cut report
// gives its phone number on a line of its own, "Số điện thoại liên hệ: 0912
// 345 678"; the result notice's "Nội dung phản ánh" repeats what the citizen
// reported, not that label without its number.
func TestE2EResultNoticeRepeatsNoContactLabel(t *testing.T) {
	raw, err := os.ReadFile("demo/01-mat-dien.eml")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, string(raw))
	code := e.waitMail("ack", "an.nguyen@example.com", 1).code()
	result := e.walk(code, "an.nguyen@example.com", &at, "Đã thay dây dẫn bị đứt, cấp điện trở lại lúc 11:20.", "", true)
	m := appendixContent.FindStringSubmatch(strings.ReplaceAll(result.text(), "\r\n", "\n"))
	if m == nil {
		t.Fatalf("no «Nội dung phản ánh» in the result notice:\n%s", result.text())
	}
	content := strings.TrimSpace(m[1])
	if strings.Contains(content, "điện thoại") || strings.HasSuffix(content, ":") || !strings.HasSuffix(content, "kiểm tra sớm.") {
		t.Errorf("the result notice repeats %q", content)
	}
}

// TestE2ERatingWithPoliteWords: Vietnamese citizens answer politely — "Dạ,
// rất hài lòng ạ." — and that is a rating: it closes the report and the
// agency is told, rather than being asked to clarify a result nobody
// questioned.
func TestE2ERatingWithPoliteWords(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code := e.reported(81, 1, at)
	result := e.walk(code, e2eCitizen, &at, "Đã thay dây dẫn.", "", true)
	e.replyTo(result, e2eCitizen, at.Add(time.Hour), "Dạ, rất hài lòng ạ.\n\nCảm ơn các anh chị đã xử lý nhanh.\n", "")
	rated := e.mailAbout("rated", e2eHandler, code).text()
	if !strings.Contains(rated, "Rất hài lòng") || !strings.Contains(rated, "Cảm ơn các anh chị đã xử lý nhanh.") {
		t.Errorf("the agency's notice of the rating:\n%s", rated)
	}
	if n := len(e.mailsOf("citizen-reply", e2eHandler)); n != 0 {
		t.Errorf("the rating went to the agency as %d replies to clarify", n)
	}
}

// TestE2EExtensionToldByTheCenterFullName: the citizen told of an
// extension reads the Center's name whole, as in every other mail to them.
func TestE2EExtensionToldByTheCenterFullName(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code, assignment := e.forwarded(96, 1, at)
	e.replyTo(assignment, e2eHandler, at.Add(20*time.Minute), "/giahan 5 Cần thay cột điện, chờ vật tư.\n", "")
	e.replyTo(e.mailAbout("extension-request", e2eApprover, code), e2eApprover, at.Add(30*time.Minute), "/duyetgiahan\n", "")
	text := strings.Join(strings.Fields(e.mailAbout("extended", e2eCitizen, code).text()), " ")
	if !strings.Contains(text, "đã được Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Hậu Giang đồng ý gia hạn") {
		t.Errorf("the extension notice names the Center:\n%s", text)
	}
}

// TestE2EDisplayNamesThatAreNoNames: many citizens' mail accounts carry a
// nickname ("Bé Heo 🐷") or a placeholder ("admin") for a display name.
// The report's name is the one the citizen signed with, beside their
// phone number; a display name that is no person's name is not put in the
// Appendix II notice's "Kính gửi: Quý Ông/Bà …", and the receivers are
// told the name is missing.
func TestE2EDisplayNamesThatAreNoNames(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at,
		citizenMail("Bé Heo 🐷 <behe@gmail.com>", "nick@gmail.com", "Mất điện",
			"Ấp 3 xã Vị Đông huyện Vị Thủy mất điện từ sáng.\n\nNguyễn Văn An\n0912 345 678\n"),
		citizenMail("admin <admin123@gmail.com>", "admin@gmail.com", "Mất điện",
			"Ấp 5 xã Vị Đông huyện Vị Thủy mất điện từ sáng.\nSĐT 0912 345 670\n"))
	nick := e.waitMail("ack", "behe@gmail.com", 1).code()
	admin := e.waitMail("ack", "admin123@gmail.com", 1).code()
	if text := strings.ReplaceAll(e.mailAbout("triage", e2eReceiver, nick).text(), "\r\n", "\n"); !strings.Contains(text, "Họ tên: Nguyễn Văn An\n") {
		t.Errorf("the signed name is not the report's:\n%s", text)
	}
	if text := strings.ReplaceAll(e.mailAbout("triage", e2eReceiver, admin).text(), "\r\n", "\n"); !strings.Contains(text, "Họ tên:\n") || !strings.Contains(text, "Còn thiếu (cần xác minh qua điện thoại): họ tên") {
		t.Errorf("a placeholder is taken for the citizen's name:\n%s", text)
	}
	result := e.walk(admin, "admin123@gmail.com", &at, "Đã sửa.", "", true).text()
	if strings.Contains(result, "admin") || !strings.Contains(result, "Kính gửi: Quý Ông/Bà.") {
		t.Errorf("the result notice greets a placeholder:\n%s", result)
	}
}
