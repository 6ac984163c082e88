package main

import (
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"
)

// citizenMail is a citizen's new message as a mail client sends it.
func citizenMail(from, msgID, subject, body string, headers ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: phananh@haugiang.gov.vn\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 23 Nov 2026 08:10:00 +0700\r\n",
		from, mime.BEncoding.Encode("UTF-8", subject), msgID)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return b.String()
}

// TestE2ECitizensMail delivers the commonest shapes of citizens' mail
// through the IMAP server and checks the mail that comes out of the SMTP
// server: a report written in the subject alone from an iPhone, a
// complaint about absent officials (no out-of-office reply), an empty
// message and spam our border marked (junk, unanswered, in quarantine).
func TestE2ECitizensMail(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	const (
		iphone = "binh.tran@icloud.com"
		absent = "cuong.le@yahoo.com.vn"
		empty  = "dung.pham@gmail.com"
		spam   = "vaynhanh@promo.example"
	)
	e.deliver(receivedAt,
		citizenMail("Trần Bình <"+iphone+">", "subject-only@icloud.com", "Cây xanh ngã chắn đường Trần Hưng Đạo, phường 1, Vị Thanh",
			"\n\nSent from my iPhone\n"),
		citizenMail("Lê Cường <"+absent+">", "absent@yahoo.com.vn", "Vắng mặt cán bộ tại bộ phận một cửa xã",
			"Sáng nay tôi đến bộ phận một cửa xã Vị Đông, huyện Vị Thủy lúc 8 giờ nhưng không có cán bộ nào làm việc.\n"),
		citizenMail(empty, "empty@gmail.com", "", "\n"),
		citizenMail(spam, "spam@promo.example", "Vay tiền nhanh trong ngày tại Vị Thanh", "Gọi ngay 0912 345 678.\n",
			"Authentication-Results: mail.haugiang.gov.vn; spf=pass smtp.mailfrom=promo.example", "X-Spam-Flag: YES"),
	)
	e.waitMail("ack", iphone, 1)
	e.waitMail("ack", absent, 1)
	eventually(t, 30*time.Second, "an empty inbox", func() bool { return e.count(e.imap.Config().Mailbox) == 0 })
	if q := e.count(e.imap.Config().Quarantine); q != 2 {
		t.Errorf("%d messages in quarantine, want the empty one and the spam", q)
	}
	triage := map[string]string{}
	for i := 1; i <= 2; i++ {
		body := e.waitMail("triage", e2eReceiver, i).text()
		switch {
		case strings.Contains(body, iphone):
			triage[iphone] = body
		case strings.Contains(body, absent):
			triage[absent] = body
		}
	}
	if b := triage[iphone]; strings.Count(b, "Cây xanh ngã") != 1 || strings.Contains(b, "iPhone") || !strings.Contains(b, "chỉ viết tiêu đề") {
		t.Errorf("the subject-only report's triage notice:\n%s", b)
	}
	if b := triage[absent]; !strings.Contains(b, "không có cán bộ nào làm việc") {
		t.Errorf("the complaint's triage notice:\n%s", b)
	}
	time.Sleep(500 * time.Millisecond)
	for _, to := range []string{empty, spam} {
		if n := len(e.mailsOf("ack", to)); n != 0 {
			t.Errorf("%d acknowledgements to %s", n, to)
		}
	}
	if n := len(e.mailsOf("quarantine", e2eReceiver)); n != 0 {
		t.Errorf("%d quarantine notices: junk is told to nobody", n)
	}
}

// TestE2EFollowUpAndRating walks a citizen's report through IMAP and SMTP:
// a follow-up sent as a new mail with the report's tag reaches the
// receivers as an unverified note and gets a short answer; a "Không hài
// lòng" rating with its reason reaches the agency's handlers and the
// approvers; and the citizen's next report, within the hour, still gets
// its acknowledgement (only automatic replies count against the cap).
// Every mail to the citizen about the report threads as one conversation.
func TestE2EFollowUpAndRating(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(10 * time.Minute); return at }

	code := e.reported(51, 1, at)
	triage := e.waitMail("triage", e2eReceiver, 1)

	e.deliver(next(), citizenMail("Người dân 51 <"+e2eCitizen+">", "follow-51@mail.example.com", "["+code+"] bổ sung",
		"Tối qua điện chập chờn rồi mất hẳn, nhiều nhà bị hỏng quạt.\n"))
	note := e.waitMail("citizen-note", e2eReceiver, 1).text()
	if !strings.Contains(note, "chưa được xác thực") || !strings.Contains(note, "nhiều nhà bị hỏng quạt") {
		t.Errorf("the receivers' note of the follow-up:\n%s", note)
	}
	// No border authenticated the follow-up: its answer continues the
	// citizen's conversation, and answers no Message-ID a forger may have
	// chosen.
	answer := e.waitMail("follow-up", e2eCitizen, 1)
	if answer.header("In-Reply-To") != "<report-51@mail.example.com>" || strings.Contains(answer.text(), "Điện") {
		t.Errorf("the answer to the follow-up: In-Reply-To %q\n%s", answer.header("In-Reply-To"), answer.text())
	}

	e.replyTo(triage, e2eReceiver, next(), "/accept\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	e.replyTo(assignment, e2eHandler, next(), "/resolve Đã thay dây dẫn, cấp điện lại.\n", "")
	review := e.waitMail("review", e2eApprover, 1)
	e.replyTo(review, e2eApprover, next(), "/approve\n", "")
	result := e.waitMail("result", e2eCitizen, 1)
	e.replyTo(result, e2eCitizen, next(), "Không hài lòng\n\nBuổi tối vẫn mất điện từ 19 giờ.\n", "")
	e.waitMail("thanks", e2eCitizen, 1)
	for _, to := range []string{e2eHandler, e2eApprover} {
		body := e.waitMail("rated", to, 1).text()
		if !strings.Contains(body, "Không hài lòng") || !strings.Contains(body, "Buổi tối vẫn mất điện từ 19 giờ.") {
			t.Errorf("the rating told to %s:\n%s", to, body)
		}
	}

	e.deliver(next(), citizenMail("Người dân 51 <"+e2eCitizen+">", "report-52@mail.example.com", "Đèn đường hư",
		"Đèn đường ấp 4 xã Vị Đông, huyện Vị Thủy hư ba hôm nay.\n"))
	e.waitMail("ack", e2eCitizen, 2)

	// One conversation per report: every mail to the citizen about it has
	// the same subject, answers one of their messages and references the
	// report's own message first.
	subjects := map[string]bool{}
	for _, kind := range []string{"ack", "follow-up", "forwarded", "result", "thanks"} {
		m := e.waitMail(kind, e2eCitizen, 1)
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
		subjects[subject] = true
		refs := strings.Fields(m.header("References"))
		if m.header("In-Reply-To") == "" || len(refs) == 0 || refs[0] != "<report-51@mail.example.com>" ||
			refs[len(refs)-1] != m.header("In-Reply-To") {
			t.Errorf("%s: In-Reply-To %q, References %q", kind, m.header("In-Reply-To"), refs)
		}
	}
	if len(subjects) != 1 {
		t.Errorf("the citizen's mails about %s have %d subjects: %v", code, len(subjects), subjects)
	}
	if irt := e.waitMail("thanks", e2eCitizen, 1).header("In-Reply-To"); !strings.HasPrefix(irt, "<reply-") {
		t.Errorf("the thanks answers %q, not the rating", irt)
	}
}
