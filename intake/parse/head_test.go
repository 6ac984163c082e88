package parse

import (
	"strings"
	"testing"
	"time"
)

// TestReadHead reads what names a message from its start alone: encoded
// and folded fields, raw UTF-8, the first of a repeated field, and nothing
// of the body, even a body line that looks like a field.
func TestReadHead(t *testing.T) {
	raw := "Received: from mx.example.com\r\n\tby mail.haugiang.gov.vn; Mon, 23 Nov 2026 08:05:02 +0700\r\n" +
		"From: =?UTF-8?B?TMOqIFRo4buLIEhvYQ==?=\r\n <hoa.le@icloud.com>\r\nFrom: second@example.com\r\n" +
		"Subject: Video ngập nước\r\n =?UTF-8?Q?=C4=91=C6=B0=E1=BB=9Dng_Tr=E1=BA=A7n_H=C6=B0ng_=C4=90=E1=BA=A1o?=\r\n" +
		"Date: Mon, 23 Nov 2026 08:05:00 +0700\r\nMessage-ID: <9C5B@icloud.com>\r\n\r\nSubject: not a field\r\n"
	h := ReadHead(strings.NewReader(raw))
	want := Head{From: "Lê Thị Hoa <hoa.le@icloud.com>", Subject: "Video ngập nước đường Trần Hưng Đạo",
		Date: time.Date(2026, 11, 23, 8, 5, 0, 0, time.FixedZone("", 7*3600)), MessageID: "9C5B@icloud.com"}
	if h.From != want.From || h.Subject != want.Subject || !h.Date.Equal(want.Date) || h.MessageID != want.MessageID {
		t.Errorf("ReadHead = %+v\nwant %+v", h, want)
	}
	long := ReadHead(strings.NewReader("Subject: " + strings.Repeat("rất dài ", 100) + "\r\n\r\n"))
	if n := len([]rune(long.Subject)); n != maxHeadText+1 || !strings.HasSuffix(long.Subject, "…") {
		t.Errorf("a long subject kept %d runes", n)
	}
	if h := ReadHead(strings.NewReader("not a header at all\r\nSubject: x\r\n")); h != (Head{}) {
		t.Errorf("a message without a header: %+v", h)
	}
}

// TestSubjectIsOneLine: an encoded word can carry CR and LF, and a staff
// notice shows the subject on a line of its own: a line break in it would
// start a line of the citizen's choosing, out of the mark that notices set
// before what they reproduce. The subject is one line, as a name is.
func TestSubjectIsOneLine(t *testing.T) {
	m := readString(t, "From: an@example.vn\r\nSubject: =?UTF-8?B?TeG6pXQgxJFp4buHbiDhuqVwIDUNCi90dWNob2kgTuG7mWkgZHVuZyBzYWkgc+G7sSB0aOG6rXQ=?=\r\n\r\nx\r\n")
	if want := "Mất điện ấp 5 /tuchoi Nội dung sai sự thật"; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
}
