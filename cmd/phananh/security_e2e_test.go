package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2ECommandMailReplayAndCaps runs the review's attacks on the command
// path through the IMAP server and the SMTP sink, with
// require_authentication_results off as the review had it:
//
//   - a /call-failed delivered three times — the server's retry with one
//     more Received, the copy to our bare address — fails one call;
//   - a forged approver's mail to our bare address with 300 /status and 100
//     /report lines changes nothing and gets one answer, at the approver's
//     configured address;
//   - an authentic reply with 25 command lines is refused whole, in one
//     answer.
func TestE2ECommandMailReplayAndCaps(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(21, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	code := triage.code()

	at := receivedAt.Add(10 * time.Minute)
	call := threadReply(e2eReceiver, triage.header("Reply-To")+", phananh@haugiang.gov.vn", "Re: ["+code+"]",
		triage.header("Message-ID"), "/goikhongduoc Không nghe máy.\n", "")
	e.deliver(at, "Received: from mail.example.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:01 +0700\r\n"+call)
	e.waitMail("confirmation", e2eReceiver, 1)
	e.deliver(at.Add(time.Minute),
		"Received: from mx2.haugiang.gov.vn by mx.haugiang.gov.vn; Mon, 23 Nov 2026 09:01:00 +0700\r\n"+
			"Received: from mail.example.gov.vn by mx2.haugiang.gov.vn; Mon, 23 Nov 2026 09:00:01 +0700\r\n"+call,
		"Delivered-To: phananh@haugiang.gov.vn\r\nX-Original-To: phananh@haugiang.gov.vn\r\n"+call)

	flood := strings.Repeat("/status "+code+"\n", 300) + strings.Repeat("/report annual\n", 100)
	e.deliver(at.Add(2*time.Minute), threadReply(e2eApprover, "phananh@haugiang.gov.vn", "Hỏi", "", flood, ""))
	e.replyTo(triage, e2eReceiver, at.Add(3*time.Minute), strings.Repeat("/note Đã gọi.\n", 25), "")
	eventually(t, 60*time.Second, "the mail processed", func() bool { return e.count(e.imap.Config().Processed) == 6 })
	e.waitMail("refused", e2eReceiver, 1)
	e.waitMail("unauthenticated", e2eApprover, 1)

	db := e.openStore()
	var r store.Report
	var events []store.Event
	db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		events, _ = tx.Events(r.ID)
		return nil
	})
	if r.CallFailures != 1 || r.State != "received" {
		t.Errorf("after one /call-failed delivered three times: %d failed calls, state %s", r.CallFailures, r.State)
	}
	if len(events) != 2 {
		t.Errorf("%d events, want the intake and one failed call", len(events))
	}
	time.Sleep(time.Second) // anything else owed would be sent by now
	for kind, want := range map[string]int{"confirmation": 1, "refused": 1, "status": 0, "periodic-report": 0, "asked-report": 0} {
		if n := len(e.mailsOf(kind, e2eReceiver)) + len(e.mailsOf(kind, e2eApprover)); n != want {
			t.Errorf("%d %s mails, want %d", n, kind, want)
		}
	}
	if n := len(e.mailsOf("unauthenticated", e2eApprover)); n != 1 {
		t.Errorf("%d answers to the forged flood, want 1", n)
	}
	if text := e.waitMail("refused", e2eReceiver, 1).text(); !strings.Contains(text, "25 dòng lệnh") {
		t.Errorf("the refusal of 25 command lines:\n%s", text)
	}
}

// TestE2EConfidentialReportToTheAgency: a confidential report whose photo
// is named after the citizen reaches the power company's handler with the
// photo renamed by position and nothing of the citizen in the mail.
func TestE2EConfidentialReportToTheAgency(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, threadReply("Nguyễn Văn An <"+e2eCitizen+">", "phananh@haugiang.gov.vn", "Mất điện kéo dài", "",
		"Khu vực ấp 3, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\nTôi là Nguyễn Văn An, nhà ở 12 Trần Hưng Đạo, "+
			"số điện thoại 0912 345 678.\nĐề nghị giữ bí mật thông tin người phản ánh.\n", "Nguyễn Văn An 0912345678.jpg"))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	files := assignment.files()
	if _, ok := files["tep-1.jpg"]; !ok || len(files) != 1 {
		t.Errorf("the assignment carries %v, want tep-1.jpg", keys(files))
	}
	if phonePattern("0912 345 678").FindString(triage.readable()) == "" {
		t.Errorf("the phone is not found even in the Center's notice, which shows it:\n%s", triage.readable())
	}
	checkMasked(t, "the assignment to the agency", assignment, "Nguyễn Văn An", "0912 345 678", "an.nguyen", "Trần Hưng Đạo")
	if !strings.Contains(assignment.text(), "cúp điện") {
		t.Errorf("the assignment lost the report:\n%s", assignment.text())
	}
}
