package main

import (
	"strings"
	"testing"
	"time"
)

// TestE2ECitizenContestsRejection: a citizen who answers the rejection of
// their report — they now give the phone number it lacked — reaches the
// receiver as a note. A rejected report cannot be taken up again (SPEC 3:
// no command leaves the rejected state), so the note says so plainly and
// what the receiver can do: call or write to the citizen and have them
// send a new report, as a new mail without the old code in its subject
// (which would only be a follow-up of the rejected one).
func TestE2ECitizenContestsRejection(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	code := e.reported(93, 1, at)
	e.replyTo(e.mailAbout("triage", e2eReceiver, code), e2eReceiver, at.Add(10*time.Minute),
		"/tuchoi Nội dung không rõ địa điểm, không liên lạc được với người phản ánh.\n", "")
	rejection := e.mailAbout("rejection", e2eCitizen, code)
	e.replyTo(rejection, e2eCitizen, at.Add(time.Hour),
		"Tôi không đồng ý. Điểm mất điện là ấp 93, xã Vị Đông; số điện thoại của tôi là 0912 345 093.\n", "")
	note := e.mailAbout("citizen-note", e2eReceiver, code).text()
	for _, want := range []string{"Tôi không đồng ý.", "đã bị từ chối", "không mở lại", "gửi phản ánh mới", "không ghi mã " + code} {
		if !strings.Contains(note, want) {
			t.Errorf("the receiver's note lacks %q:\n%s", want, note)
		}
	}
	for _, wrong := range []string{"/accept", "/assign", "/reject"} {
		if strings.Contains(note, wrong) {
			t.Errorf("the note offers %s on a rejected report:\n%s", wrong, note)
		}
	}
}
