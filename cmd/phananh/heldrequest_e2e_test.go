package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2EHeldFollowUpStillAsksConfidentiality: someone sends follow-ups
// to a report forwarded to its agency in the citizen's name — enough to
// use up the citizen's hourly share — and then the citizen, from a
// provider whose mail our border cannot authenticate, asks in a follow-up
// to keep their identity secret. The caps hold that mail from a notice of
// its own, but the answer tells the citizen that the Center will consider
// the request: the Center's receiver is told of it all the same, with the
// command that grants it, once in the hour however many such requests
// come; the report stays as it was (SPEC 4.2).
func TestE2EHeldFollowUpStillAsksConfidentiality(t *testing.T) {
	e := newEnv(t, envOptions{extra: "[intake]\nfollow_ups_per_sender_per_hour = 2\n"})
	e.startDaemon()
	at := receivedAt
	code, _ := e.forwarded(81, 1, at)
	at = at.Add(20 * time.Minute)
	for i := range 2 {
		at = at.Add(time.Minute)
		e.deliver(at, followUpMail(i, e2eCitizen, code))
	}
	for i := range 2 {
		at = at.Add(time.Minute)
		e.deliver(at, strings.Replace(followUpMail(10+i, e2eCitizen, code), fmt.Sprintf("Bổ sung lần %d: khu vực vẫn mất điện.", 11+i),
			"Tôi xin giấu tên, đề nghị không công khai thông tin cá nhân của tôi.", 1))
	}
	e.drained(6) // the report, the receiver's reply, four follow-ups

	var asked []sentMail
	for _, m := range e.mailsOf("citizen-note", e2eReceiver) {
		if strings.Contains(m.text(), "/confidential") {
			asked = append(asked, m)
		}
	}
	if len(asked) != 1 {
		t.Fatalf("the receiver was told of the request for confidentiality %d times, want once", len(asked))
	}
	if text := asked[0].text(); !strings.Contains(text, "xin giấu tên") || !strings.Contains(text, "chưa được giữ bí mật") {
		t.Errorf("the receiver's notice does not show the request, or says the report is confidential:\n%s", text)
	}
	answers := e.mailsOf("follow-up", e2eCitizen)
	if len(answers) == 0 || !strings.Contains(answers[len(answers)-1].text(), "Trung tâm sẽ xem xét") {
		t.Fatalf("the citizen was not told that the Center will consider the request")
	}
	var r store.Report
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		return nil
	})
	if r.Code != code || r.Confidential {
		t.Errorf("the report %q: confidential %v, want it as it was", r.Code, r.Confidential)
	}
}

// TestE2EForgedFollowUpDoesNotThreadOurAnswer: a follow-up in the
// citizen's name that no border authenticated may be anyone's, with any
// Message-ID and References — a forger's own mail to the citizen among
// them. The short answer we owe goes to the citizen's real address, and
// must not answer that mail or carry those references: the citizen's mail
// client would show our signed mail in one conversation with the forger's.
// It continues the citizen's own conversation about the report instead.
func TestE2EForgedFollowUpDoesNotThreadOurAnswer(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	code := e.reported(91, 1, receivedAt)
	forged := strings.Replace(followUpMail(1, e2eCitizen, code), "Message-ID: <follow-1@example.net>",
		"Message-ID: <forged-1@evil.example>\r\nIn-Reply-To: <phish-2@evil.example>\r\nReferences: <phish-1@evil.example> <phish-2@evil.example>", 1)
	e.deliver(receivedAt.Add(10*time.Minute), forged)
	answer := e.waitMail("follow-up", e2eCitizen, 1)
	for _, h := range []string{"In-Reply-To", "References"} {
		if v := answer.header(h); strings.Contains(v, "evil.example") {
			t.Errorf("the answer to the forged follow-up has %s: %s", h, v)
		}
	}
	ack := e.waitMail("ack", e2eCitizen, 1)
	if v := answer.header("References"); !strings.Contains(v, strings.Trim(ack.header("In-Reply-To"), "<>")) {
		t.Errorf("the answer does not continue the citizen's conversation (References %q, the report's message %q)", v, ack.header("In-Reply-To"))
	}
}

// TestE2EHeldVerifiedFollowUpTellsTheCenter: the citizen, authenticated by
// our border, sends photos in separate follow-ups until the hourly share
// is used up, then asks in one more to keep their identity secret. The
// report becomes confidential at once (SPEC 3), caps or not — and the
// Center is told as it is of any such request: an agency has had the
// citizen's identity, which cannot be recalled, and only the receivers'
// note says so. The agency is told too, masked: from then on it learns
// nothing of the citizen.
func TestE2EHeldVerifiedFollowUpTellsTheCenter(t *testing.T) {
	e := newEnv(t, envOptions{extra: "[intake]\nfollow_ups_per_sender_per_hour = 2\n"})
	e.startDaemon()
	const border = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.com; dmarc=pass header.from=example.com"
	at := receivedAt
	code, _ := e.forwarded(83, 1, at)
	at = at.Add(20 * time.Minute)
	for i, text := range []string{"Gửi thêm ảnh hiện trường.\n", "Gửi thêm ảnh cột điện.\n", "Tôi xin giấu tên, đề nghị giữ bí mật danh tính của tôi.\n"} {
		at = at.Add(time.Minute)
		e.deliver(at, threadReply(e2eCitizen, "phananh@haugiang.gov.vn", "["+code+"] bổ sung "+fmt.Sprint(i+1), "", text, "", border))
	}
	e.drained(5) // the report, the receiver's reply, three follow-ups

	var r store.Report
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(code)
		return nil
	})
	if !r.Confidential {
		t.Fatal("the citizen's authenticated request did not make the report confidential")
	}
	var told bool
	for _, m := range e.mailsOf("citizen-note", e2eReceiver) {
		told = told || strings.Contains(m.text(), "không thể thu hồi")
	}
	if !told {
		t.Errorf("the receivers were not told that the report became confidential after the agency had the identity")
	}
}
