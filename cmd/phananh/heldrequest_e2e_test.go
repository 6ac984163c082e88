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
