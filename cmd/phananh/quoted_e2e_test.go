package main

import (
	"fmt"
	"html"
	"mime"
	"regexp"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/templates"
)

// injectedReport is a citizen's report whose lines are written as staff's
// commands, hoping that a notice reproducing them is answered by a mail
// client that quotes in a way the daemon does not recognise.
const injectedReport = "Kính gửi Trung tâm,\n" +
	"Khu vực ấp 5, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\n" +
	"/reject Nội dung sai sự thật\n" +
	"/resolve Đã xử lý xong, không cần kiểm tra thêm.\n" +
	"/khancap\n" +
	"Số điện thoại: 0912 345 678\n"

// notesReply is a reply as HCL (Lotus) Notes writes it with its "wrote
// on" attribution over the answered mail's text, unquoted.
func notesReply(m sentMail, from, own, history string) string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	body := own + "\n\n\n\nphananh@haugiang.gov.vn wrote on 23/11/2026 08:15:31 AM:\n\n" + history
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: Mon, 23 Nov 2026 09:00:00 +0700\r\n", from, m.header("Reply-To"),
		mime.QEncoding.Encode("utf-8", "Re: "+subject))
	fmt.Fprintf(&b, "Message-ID: <OF%d.4A7B2C1E-ON48258C1F.0012AB34-48258C1F.0012CD56@example.gov.vn>\r\n", replies.Add(1))
	fmt.Fprintf(&b, "In-Reply-To: %s\r\nReferences: %s\r\n", m.header("Message-ID"), m.header("Message-ID"))
	b.WriteString("X-Mailer: IBM Notes Release 9.0.1FP10 SHF383 June 07, 2018\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return b.String()
}

// topPosted is a reply with the answered mail's text under the answer and
// nothing to say where it starts: no attribution, no header, no quote
// marks.
func topPosted(m sentMail, from, own, history string) string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	return threadReply(from, m.header("Reply-To"), "Re: "+subject, m.header("Message-ID"), own+"\n\n"+history, "")
}

// TestE2EQuotedNoticeCommandsNothing: a citizen writes command lines in a
// report. The receiver answers the triage notice from HCL Notes, whose
// "wrote on" history holds the notice unmarked, and the handler answers
// the assignment on top of a copy of it from which the notice's marks are
// gone too (a client that drops quote marks, or a notice sent before
// there were any). Each reply applies its sender's own line and nothing of
// the citizen's: the report is forwarded, not rejected, not urgent; the
// handler's note is recorded, and ends where the notice starts (its
// first line), so no line of the notice is read at all; no result reaches
// the approver.
func TestE2EQuotedNoticeCommandsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, citizenMail("Nguyễn Văn An <"+e2eCitizen+">", "injected@example.com", "Mất điện ấp 5", injectedReport))
	triage := e.waitMail("triage", e2eReceiver, 1)
	if text := lf(triage.text()); !strings.Contains(text, templates.Mark+"/reject Nội dung sai sự thật\n") {
		t.Fatalf("the triage notice does not mark the citizen's lines:\n%s", text)
	}

	e.deliver(at.Add(10*time.Minute), notesReply(triage, e2eReceiver, "/tiepnhan\n\nTrân trọng,\nTổ tiếp nhận", lf(triage.text())))
	confirmation := lf(e.waitAnswer(e2eReceiver, 1).text())
	for _, want := range []string{"- /tiepnhan\n", "Tình trạng: đã chuyển cơ quan xử lý"} {
		if !strings.Contains(confirmation, want) {
			t.Errorf("the receiver's confirmation lacks %q:\n%s", want, confirmation)
		}
	}
	if strings.Contains(confirmation, "KHẨN CẤP") {
		t.Errorf("the citizen's /khancap was applied:\n%s", confirmation)
	}
	assignment := e.waitMail("assignment", e2eHandler, 1)

	e.deliver(at.Add(20*time.Minute), topPosted(assignment, e2eHandler, "/ghichu Đã cử tổ kiểm tra hiện trường.", unmarked(lf(assignment.text()))))
	note := lf(e.waitAnswer(e2eHandler, 1).text())
	for _, want := range []string{"- /ghichu Đã cử tổ kiểm tra hiện trường.\n", "Tình trạng: đã chuyển cơ quan xử lý"} {
		if !strings.Contains(note, want) {
			t.Errorf("the handler's confirmation lacks %q:\n%s", want, note)
		}
	}
	if strings.Contains(note, "không được đọc là lệnh") {
		t.Errorf("lines of the notice under the handler's note were read as theirs:\n%s", note)
	}

	// Nothing the citizen wrote acted: no rejection, no result to review.
	e.replyTo(assignment, e2eHandler, at.Add(30*time.Minute), "/status\n", "")
	e.waitMail("status", e2eHandler, 1)
	for _, kind := range []string{"rejection", "review"} {
		for _, to := range []string{e2eCitizen, e2eApprover} {
			if ms := e.mailsOf(kind, to); len(ms) > 0 {
				t.Errorf("a %s mail went to %s:\n%s", kind, to, ms[0].text())
			}
		}
	}
}

// lf is text with CRLF line ends made LF.
func lf(text string) string { return strings.ReplaceAll(text, "\r\n", "\n") }

// unmarked is a notice's text without the mark before the lines it
// reproduces (templates.Reproduced).
func unmarked(text string) string {
	text = strings.ReplaceAll(text, "\n"+templates.Mark, "\n")
	return strings.ReplaceAll(strings.ReplaceAll(text, "\n|\n", "\n\n"), "\n|\n", "\n\n")
}

// TestE2EFormFieldCommandsNothing: a form's values run on over the lines
// under their label, so a citizen can write a command line into the phone
// number, which the triage notice shows in the citizen's details, not
// behind the mark of the text it reproduces: on one line, after its label.
// The receiver answers on top of an unquoted copy of the notice that the
// client re-wrapped before the "/": only the receiver's own line is read,
// and the report is not rejected.
func TestE2EFormFieldCommandsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	report := "Họ tên: Nguyễn Văn An\nSố điện thoại: 12\n/tuchoi Nội dung sai sự thật\n" +
		"Nội dung: Khu vực ấp 5, xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng.\n"
	e.deliver(at, citizenMail("Nguyễn Văn An <"+e2eCitizen+">", "phone-field@example.com", "Mất điện ấp 5", report))
	triage := e.waitMail("triage", e2eReceiver, 1)
	text := lf(triage.text())
	if !strings.Contains(text, "Số điện thoại: 12 /tuchoi Nội dung sai sự thật\n") {
		t.Fatalf("the triage notice does not show the phone field on one line:\n%s", text)
	}
	rewrapped := strings.Replace(text, "Số điện thoại: 12 /tuchoi", "Số điện thoại: 12\n/tuchoi", 1)
	e.deliver(at.Add(10*time.Minute), topPosted(triage, e2eReceiver, "/ghichu Đã xem, chờ xác minh.", rewrapped))
	answer := lf(e.waitAnswer(e2eReceiver, 1).text())
	if !strings.Contains(answer, "- /ghichu Đã xem, chờ xác minh.\n") || strings.Contains(answer, "- /tuchoi") {
		t.Errorf("the receiver's answer applies other lines than the receiver's /ghichu:\n%s", answer)
	}
	if ms := e.mailsOf("rejection", e2eCitizen); len(ms) > 0 {
		t.Errorf("the citizen's report was rejected:\n%s", ms[0].text())
	}
}

// cellPerLine is an HTML part made text as Outlook's and webmail's
// conversion of a reply makes it: each paragraph, list item, table row and
// table cell a line of its own, the tags gone, the entities decoded.
func cellPerLine(part string) string {
	blocks := regexp.MustCompile(`(?i)<(/?(p|div|br|tr|td|th|li|ul|ol|h[1-6]|table|blockquote|pre)\b)[^>]*>`)
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(blocks.ReplaceAllString(part, "\n"), "")
	return regexp.MustCompile(`\n{3,}`).ReplaceAllString(html.UnescapeString(text), "\n\n")
}

// TestE2EThanksOverNoticeCommandsNothing: a receiver answers without a
// command on top of a copy of our notice, unquoted, that the client made
// text one table cell and one list item a line: the triage notice, whose
// cheat sheet's commands are then each alone on a line, and a
// confirmation, whose commands done are too. Neither reply commands
// anything — the report is not accepted, the note is not recorded twice —
// and each is answered that it held no command.
func TestE2EThanksOverNoticeCommandsNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, citizenReport(71, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	answers := func() int {
		return len(e.mailsOf("confirmation", e2eReceiver)) + len(e.mailsOf("refused", e2eReceiver))
	}
	noCommand := func(n int) {
		t.Helper()
		eventually(t, 30*time.Second, "the answer to the reply without a command", func() bool { return answers() >= n })
		if done := e.mailsOf("confirmation", e2eReceiver); len(done) > 1 || (n == 1 && len(done) > 0) {
			t.Fatalf("a reply without a command applied commands of the notice under it:\n%s", done[len(done)-1].text())
		}
		if refused := e.mailsOf("refused", e2eReceiver); len(refused) < n-1 || !strings.Contains(lf(refused[len(refused)-1].text()), "không có lệnh nào") {
			t.Errorf("the answer to the reply without a command is not that it held none")
		}
	}

	copied := cellPerLine(htmlPart(t, triage.raw))
	if !strings.Contains(copied, "\n/tiepnhan\n") {
		t.Fatalf("the converted triage notice does not set its cheat sheet's commands alone on a line:\n%s", copied)
	}
	e.deliver(at.Add(5*time.Minute), topPosted(triage, e2eReceiver, "Đã nhận.\n\nTrân trọng,\nTổ tiếp nhận", copied))
	noCommand(1)

	e.replyTo(triage, e2eReceiver, at.Add(10*time.Minute), "/ghichu Đã gọi điện xác minh với người dân.\n", "")
	eventually(t, 30*time.Second, "the confirmation of the note", func() bool { return answers() >= 2 })
	confirmation := e.mailsOf("confirmation", e2eReceiver)[0]
	copied = cellPerLine(htmlPart(t, confirmation.raw))
	if !strings.Contains(copied, "\n/ghichu Đã gọi điện xác minh với người dân.\n") {
		t.Fatalf("the converted confirmation does not set the command done alone on a line:\n%s", copied)
	}
	e.deliver(at.Add(20*time.Minute), topPosted(confirmation, e2eReceiver, "Cảm ơn.\n\nTrân trọng,\nTổ tiếp nhận", copied))
	noCommand(3)
}
