package parse

import "testing"

// TestBlankBody checks what a message's body holds of the sender's own: a
// body with only a signature or a phone's "Sent from my iPhone" line holds
// nothing (a report written in the subject alone, SPEC 4.2).
func TestBlankBody(t *testing.T) {
	const head = "From: An <an@example.vn>\r\nSubject: Đèn đường hỏng ở ấp 3\r\nMIME-Version: 1.0\r\n"
	const photo = "Content-Type: image/jpeg; name=IMG_0001.jpg\r\nContent-Disposition: attachment; filename=IMG_0001.jpg\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==\r\n"
	tests := []struct {
		name, msg string
		blank     bool
		signature string
	}{
		{"no body", head + "\r\n", true, ""},
		{"white space", head + "Content-Type: text/plain\r\n\r\n \r\n\r\n", true, ""},
		{"sent from my iPhone", head + "Content-Type: text/plain\r\n\r\n\r\n\r\nSent from my iPhone\r\n", true, ""},
		{"gửi từ iPhone", head + "Content-Type: text/plain; charset=utf-8\r\n\r\nGửi từ iPhone của tôi\r\n", true, ""},
		{"a signature", head + "Content-Type: text/plain; charset=utf-8\r\n\r\n-- \r\nNguyễn Văn An\r\n0912 345 678\r\n", true,
			"Nguyễn Văn An\n0912 345 678"},
		{"a signature and a phone's line", head + "Content-Type: text/plain; charset=utf-8\r\n\r\n-- \r\nNguyễn Văn An\r\n\r\nSent from my Galaxy\r\n", true,
			"Nguyễn Văn An"},
		{"a photo and a phone's line", head + "Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n" +
			"Content-Type: text/plain\r\n\r\nSent from my iPhone\r\n--m\r\n" + photo + "--m--\r\n", true, ""},
		{"gmail alternatives with a signature", head + "Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\n" +
			"Content-Type: text/plain; charset=UTF-8\r\n\r\n-- \r\nNguyễn Văn An\r\n--a\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n" +
			"<div dir=\"ltr\"><br clear=\"all\"><div><span class=\"gmail_signature_prefix\">-- </span><br><div dir=\"ltr\" class=\"gmail_signature\">Nguyễn Văn An</div></div></div>\r\n--a--\r\n",
			true, "Nguyễn Văn An"},
		{"text", head + "Content-Type: text/plain; charset=utf-8\r\n\r\nĐèn tắt cả tuần.\r\n\r\nSent from my iPhone\r\n", false, ""},
		{"text and a signature", head + "Content-Type: text/plain; charset=utf-8\r\n\r\nĐèn tắt.\r\n-- \r\nAn\r\n", false, "An"},
		{"only quoted history", head + "Content-Type: text/plain; charset=utf-8\r\n\r\n> Đèn tắt.\r\n", false, ""},
	}
	for _, tt := range tests {
		m := readString(t, tt.msg)
		if m.BlankBody != tt.blank || m.Signature != tt.signature {
			t.Errorf("%s: blank %v, signature %q; want %v, %q (text %q)", tt.name, m.BlankBody, m.Signature, tt.blank, tt.signature, m.Text)
		}
	}
}
