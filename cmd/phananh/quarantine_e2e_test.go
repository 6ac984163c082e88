package main

import (
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"
)

// videoReport is a citizen's report with a video too large for the
// mailbox's limit, as the iPhone's Mail app sends one: the text, then the
// clip as a base64 attachment.
func videoReport(from, subject string, clip int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: phananh@haugiang.gov.vn\r\nSubject: %s\r\nDate: Mon, 23 Nov 2026 08:05:00 +0700\r\n"+
		"Message-ID: <9C5B2D4E-1F3A-4B7C-8E6D-2A1F0B3C4D5E@icloud.com>\r\nMIME-Version: 1.0 (1.0)\r\nX-Mailer: iPhone Mail (22B91)\r\n"+
		"Content-Type: multipart/mixed; boundary=Apple-Mail-4A1B2C3D\r\n\r\n--Apple-Mail-4A1B2C3D\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"+
		"Đường Trần Hưng Đạo ngập sâu, xe máy chết máy hàng loạt.\r\n\r\n--Apple-Mail-4A1B2C3D\r\n"+
		"Content-Type: video/quicktime; name=IMG_0412.MOV\r\nContent-Disposition: attachment; filename=IMG_0412.MOV\r\n"+
		"Content-Transfer-Encoding: base64\r\n\r\n", from, mime.BEncoding.Encode("utf-8", subject))
	video := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x00\x00\x00\x14ftypqt  moov", clip/16)))
	for len(video) > 76 {
		b.WriteString(video[:76] + "\r\n")
		video = video[76:]
	}
	b.WriteString(video + "\r\n--Apple-Mail-4A1B2C3D--\r\n")
	return b.String()
}

// TestE2EQuarantineNamesTheMessage: a report with a video over the
// mailbox's size limit is quarantined, and the notice gives the receivers
// what they need to find it in the quarantine folder and to call the
// citizen — the sender as written, the subject, the date the sender's
// mail program gave it, its size, the folder and its Message-ID — while
// the log names none of it.
func TestE2EQuarantineNamesTheMessage(t *testing.T) {
	e := newEnv(t, envOptions{extra: "[intake]\nmax_message_bytes = 20000\n"})
	e.startDaemon()
	const subject = "Video ngập nước đường Trần Hưng Đạo"
	e.deliver(receivedAt, videoReport("Lê Thị Hoa <hoa.le@icloud.com>", subject, 40000))
	eventually(t, 30*time.Second, "the message in quarantine", func() bool { return e.count(e.imap.Config().Quarantine) == 1 })
	notice := e.waitMail("quarantine", e2eReceiver, 1).text()
	for _, want := range []string{"Lê Thị Hoa <hoa.le@icloud.com>", "Tiêu đề: " + subject, "08:05 ngày 23/11/2026", "08:15 ngày 23/11/2026",
		"56 KB", `"` + e.imap.Config().Quarantine + `"`, "9C5B2D4E-1F3A-4B7C-8E6D-2A1F0B3C4D5E@icloud.com"} {
		if !strings.Contains(notice, want) {
			t.Errorf("the quarantine notice lacks %q:\n%s", want, notice)
		}
	}
}
