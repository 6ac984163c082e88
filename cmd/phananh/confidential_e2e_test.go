package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EConfidentialityAskedLater: a citizen whose report went to the
// power company with their name, phone and address asks, in a reply to the
// forwarded notice, to keep their identity confidential. The report is
// confidential from then on and the request is recorded; the handler is
// told, in a mail without the citizen's identity; the receiver is told that
// what the agency already received cannot be recalled; the citizen's next
// reply reaches the handler masked, its photo renamed by position.
func TestE2EConfidentialityAskedLater(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	citizen := "Nguyễn Văn An <" + e2eCitizen + ">"
	e.deliver(receivedAt, threadReply(citizen, "phananh@haugiang.gov.vn", "Mất điện kéo dài", "",
		"Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\nTôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, "+
			"số điện thoại 0912 345 678.\n", ""))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	if text := e.waitMail("assignment", e2eHandler, 1).text(); !strings.Contains(text, "Nguyễn Văn An") {
		t.Fatalf("the report was not sent to the agency with the citizen's name:\n%s", text)
	}
	forwarded := e.waitMail("forwarded", e2eCitizen, 1)

	e.replyTo(forwarded, citizen, receivedAt.Add(30*time.Minute),
		"Kính gửi Trung tâm,\nXin giữ bí mật danh tính của tôi, tôi sợ bị làm khó.\nNguyễn Văn An – 0912 345 678\n", "")
	identity := []string{"Nguyễn Văn An", "0912 345 678", "an.nguyen", "Trần Hưng Đạo"}
	told := e.waitMail("citizen-note", e2eHandler, 1)
	checkMasked(t, "the handler's notice of the request", told, identity...)
	if text := told.text(); !strings.Contains(text, "đề nghị giữ bí mật danh tính") || !strings.Contains(text, "sợ bị làm khó") {
		t.Errorf("the handler is not told of the request:\n%s", text)
	}
	center := e.waitMail("citizen-note", e2eReceiver, 1).text()
	for _, s := range []string{"đề nghị giữ bí mật danh tính", "không thể thu hồi", "Công ty Điện lực", "Nguyễn Văn An"} {
		if !strings.Contains(center, s) {
			t.Errorf("the receiver's notice lacks %q:\n%s", s, center)
		}
	}

	e.replyTo(forwarded, citizen, receivedAt.Add(40*time.Minute),
		"Bổ sung: cột điện trước nhà 12 Trần Hưng Đạo bị ngã. Tôi là Nguyễn Văn An, gọi 0912 345 678.\n", "Nguyễn Văn An 0912345678.jpg")
	later := e.waitMail("citizen-note", e2eHandler, 2)
	checkMasked(t, "the handler's notice of the next reply", later, identity...)
	if files := later.files(); len(files) != 1 || files["tep-1.jpg"] == nil {
		t.Errorf("the next reply's photo reaches the agency as %v, want tep-1.jpg", keys(files))
	}
	if !strings.Contains(later.text(), "cột điện") {
		t.Errorf("the next reply lost its text:\n%s", later.text())
	}
	time.Sleep(time.Second) // anything else owed would be sent by now
	if n := len(e.mailsOf("citizen-note", e2eReceiver)); n != 1 {
		t.Errorf("the receiver got %d notes, want the one of the request", n)
	}

	db := e.openStore()
	var r store.Report
	var events []store.Event
	db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(triage.code())
		events, _ = tx.Events(r.ID)
		return nil
	})
	if !r.Confidential {
		t.Errorf("the report is not confidential after the request")
	}
	if !slices.ContainsFunc(events, func(ev store.Event) bool {
		return ev.Actor == "citizen" && strings.Contains(ev.Detail["changed"], "confidential")
	}) {
		t.Errorf("no event records the citizen's request: %+v", events)
	}
}
