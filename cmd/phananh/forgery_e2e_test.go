package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// requireAuthentication turns security.require_authentication_results on
// in the test's configuration, as production has it.
func (e *env) requireAuthentication() {
	e.t.Helper()
	b, err := os.ReadFile(e.config)
	if err != nil {
		e.t.Fatal(err)
	}
	on := strings.Replace(string(b), "require_authentication_results = false", "require_authentication_results = true", 1)
	if on == string(b) {
		e.t.Fatal("the configuration has no require_authentication_results to turn on")
	}
	if err := os.WriteFile(e.config, []byte(on), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// Authentication-Results headers as our border server (the configured
// trusted_authserv_id, mail.haugiang.gov.vn) writes them.
const (
	authPass       = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn"
	authFail       = "Authentication-Results: mail.haugiang.gov.vn; dkim=fail header.d=example.gov.vn; dmarc=fail header.from=example.gov.vn"
	authUnaligned  = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=example.gov.vn"
	authOtherSever = "Authentication-Results: mx.evil.example; dkim=pass header.d=example.gov.vn; dmarc=pass"
)

// TestE2EForgeries sends forged command mail through the IMAP server with
// require_authentication_results on: no token, another operator's token, a
// failed and an unaligned authentication, a command in the quoted part, a
// stranger with a receiver's reply address, the citizen's /approve and a
// rating from the citizen's address without the token (a follow-up: an
// unverified note). None changes the report; the operators whose addresses
// were claimed get one answer each at their configured address, nobody
// else gets anything. Then an authentic reply is applied.
func TestE2EForgeries(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.requireAuthentication()
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(7, e2eCitizen))
	ack := e.waitMail("ack", e2eCitizen, 1)
	code := ack.code()
	triage := e.waitMail("triage", e2eReceiver, 1)
	receiverAddr, citizenAddr := triage.header("Reply-To"), ack.header("Reply-To")
	subject := "Re: [" + code + "] Phản ánh mới"

	at := receivedAt.Add(10 * time.Minute)
	forged := []string{
		threadReply(e2eReceiver, "phananh@haugiang.gov.vn", subject, "", "/accept\n", "", authPass),
		threadReply(e2eApprover, receiverAddr, subject, "", "/accept\n", "", authPass),
		threadReply(e2eReceiver, receiverAddr, subject, "", "/accept\n", "", authFail),
		threadReply(e2eReceiver, receiverAddr, subject, "", "/accept\n", "", authUnaligned),
		threadReply(e2eReceiver, receiverAddr, subject, "", "/accept\n", "", "Authentication-Results: mail.haugiang.gov.vn; none", authOtherSever),
		threadReply(e2eReceiver, receiverAddr, subject, "", "Đã xem.\n\nVào 08:16 ngày 23/11/2026, Phản ánh đã viết:\n> /accept\n", "", authPass),
		threadReply("mallory@evil.example", receiverAddr, subject, "", "/accept\n", "", authPass),
		threadReply(e2eCitizen, "phananh@haugiang.gov.vn", subject, "", "Rất hài lòng\n", ""),
		threadReply(e2eCitizen, citizenAddr, subject, "", "/approve\n", ""),
	}
	for _, raw := range forged {
		e.deliver(at, raw)
	}
	eventually(t, 30*time.Second, "the forgeries processed", func() bool { return e.count(e.imap.Config().Processed) == len(forged)+1 })

	db := e.openStore()
	var r store.Report
	var events []store.Event
	read := func() {
		db.Read(context.Background(), func(tx *store.Tx) error {
			r, _ = tx.Report(code)
			events, _ = tx.Events(r.ID)
			return nil
		})
	}
	read()
	// The citizen's "Rất hài lòng" without the token is a follow-up, an
	// unverified note; their /approve with it, a note: neither changes the
	// report.
	if r.State != "received" || r.Rating != "" || r.Routing.Agency != "dien-luc" || len(events) != 3 ||
		events[1].Command != "followup" || events[2].Command != "reply" {
		t.Fatalf("after the forgeries: %s, %d events %+v", r.State, len(events), events)
	}
	// Each claimed operator hears once; the receivers get both notes.
	e.waitMail("citizen-note", e2eReceiver, 2)
	e.waitMail("follow-up", e2eCitizen, 1)
	e.waitMail("unauthenticated", e2eApprover, 1)
	e.waitMail("unauthenticated", e2eReceiver, 1)
	e.waitMail("refused", e2eReceiver, 1)
	time.Sleep(500 * time.Millisecond)
	for _, r := range e.sink.Messages() {
		for _, to := range r.To {
			if to == "mallory@evil.example" {
				t.Errorf("mail to the stranger: %s", r.MessageID)
			}
		}
	}
	// Four unauthenticated mails claimed the receiver: one answer an hour.
	// The authentic reply whose /accept was only quoted is answered: it
	// holds no command.
	for kind, want := range map[string]int{"unauthenticated": 1, "refused": 1} {
		if n := len(e.mailsOf(kind, e2eReceiver)); n != want {
			t.Errorf("%d %s answers to the receiver, want %d", n, kind, want)
		}
	}
	if body := e.waitMail("unauthenticated", e2eReceiver, 1).text(); strings.Contains(body, code) || strings.Contains(body, "Người dân") {
		t.Errorf("the answer to a forgery names the report:\n%s", body)
	}

	// The control: the receiver's authentic reply.
	e.replyTo(triage, e2eReceiver, at.Add(10*time.Minute), "/accept\n", "", authPass)
	e.waitMail("assignment", e2eHandler, 1)
	read()
	if r.State != "forwarded" {
		t.Errorf("the authentic reply left the report %s", r.State)
	}
}

// TestE2ECallAttempts rejects a report at the fourth failed verification
// call when call_attempts is not configured (Art 7.1: "more than 3
// calls"), with the regulation's reason and the time of each call to the
// citizen.
func TestE2ECallAttempts(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(9, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	for i := 1; i <= 4; i++ {
		e.replyTo(triage, e2eReceiver, receivedAt.Add(time.Duration(i)*10*time.Minute), "/goikhongduoc Không bắt máy.\n", "")
		e.waitMail("confirmation", e2eReceiver, i)
		if i == 3 && len(e.mailsOf("rejection-unreachable", e2eCitizen)) != 0 {
			t.Fatal("rejected at the third failed call with call_attempts = 4")
		}
	}
	body := strings.ReplaceAll(e.waitMail("rejection-unreachable", e2eCitizen, 1).text(), "\r\n", "\n")
	calls := "Thời điểm các lần gọi:\n1. 08:25 ngày 23/11/2026\n2. 08:35 ngày 23/11/2026\n3. 08:45 ngày 23/11/2026\n4. 08:55 ngày 23/11/2026\n"
	if !strings.Contains(body, "sau 4 lần gọi") || !strings.Contains(body, "khoản 1 Điều 7") || !strings.Contains(body, calls) {
		t.Errorf("rejection:\n%s", body)
	}
	if c := e.waitMail("confirmation", e2eReceiver, 4).text(); !strings.Contains(c, "Tình trạng: đã từ chối") {
		t.Errorf("the fourth confirmation:\n%s", c)
	}
}
