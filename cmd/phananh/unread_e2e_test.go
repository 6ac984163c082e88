package main

import (
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"
)

// gmailInline is a reply as Gmail writes it when the operator answers
// inline: their line on top, the attribution, the answered mail quoted
// with "> ", and a line of theirs between the quoted lines, under the
// quoted line that holds after.
func gmailInline(m sentMail, from, top, after, inline string) string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	var quoted []string
	for _, l := range strings.Split(lf(m.text()), "\n") {
		quoted = append(quoted, strings.TrimRight("> "+l, " "))
		if l == after {
			quoted = append(quoted, "", inline, "")
		}
	}
	body := top + "\n\nVào Th 2, 23 thg 11, 2026 vào lúc 08:30 <phananh@haugiang.gov.vn> đã viết:\n\n" + strings.Join(quoted, "\n") + "\n"
	return threadReply(from, m.header("Reply-To"), "Re: "+subject, m.header("Message-ID"), body, "")
}

// TestE2ECommandBelowTheQuoteIsNamed: staff write a second command where
// none is read — inline between the quoted lines of the notice they
// answer (Gmail), or at the bottom under an unquoted copy of it — or their
// only one there. The line is never applied (below the quote a client may
// keep older history unmarked, whose commands acted when they were sent),
// and the answer names it and says why, so that nobody believes it done:
// the confirmation of the command on top, or the refusal of a reply with
// none.
func TestE2ECommandBelowTheQuoteIsNamed(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, citizenReport(71, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	first, _, _ := strings.Cut(lf(triage.text()), "\n")

	const note = "/ghichu Đã gọi điện cho người phản ánh, hẹn kiểm tra chiều nay."
	const told = "nằm dưới phần thư cũ được trích lại"
	e.deliver(at.Add(10*time.Minute), gmailInline(triage, e2eReceiver, "/khancap", first, note))
	c := lf(e.waitAnswer(e2eReceiver, 1).text())
	if !strings.Contains(c, "- /khancap\n") || strings.Contains(c, "- "+note) {
		t.Errorf("the inline reply's confirmation does not apply /khancap alone:\n%s", c)
	}
	if !strings.Contains(c, told) || !strings.Contains(c, "«"+note+"»") {
		t.Errorf("the inline reply's confirmation does not name the line not read:\n%s", c)
	}

	e.deliver(at.Add(20*time.Minute), topPosted(triage, e2eReceiver, "/phuctap", lf(triage.text())+"\n\n"+note+"\n"))
	c = lf(e.waitAnswer(e2eReceiver, 2).text())
	if !strings.Contains(c, "- /phuctap\n") || strings.Contains(c, "- "+note) || !strings.Contains(c, "«"+note+"»") {
		t.Errorf("the bottom-posted line is not named in the confirmation of /phuctap:\n%s", c)
	}

	e.deliver(at.Add(30*time.Minute), topPosted(triage, e2eReceiver, "Chào chị,", lf(triage.text())+"\n\n"+note+"\n"))
	var refused sentMail
	eventually(t, 30*time.Second, "the refusal of the reply with no command read", func() bool {
		ms := e.mailsOf("refused", e2eReceiver)
		if len(ms) == 0 {
			return false
		}
		refused = ms[0]
		return true
	})
	if r := lf(refused.text()); !strings.Contains(r, note) || !strings.Contains(r, told) {
		t.Errorf("the refusal does not name the line under the copy of the notice:\n%s", r)
	}
	if ms := e.mailsOf("note", e2eHandler); len(ms) > 0 {
		t.Errorf("a note was applied:\n%s", ms[0].text())
	}
}

// TestE2ECommandInsideAnUnquotedCopyIsNamed: staff answer the triage
// notice with a command on top of a copy of it that their client made
// without quote marks, and type a second command inside the copy, among
// the report's details. The inner line cannot be told from the notice's
// own lines, so it is never applied; the confirmation of the command on
// top names it, with its line, so that nobody believes it done.
func TestE2ECommandInsideAnUnquotedCopyIsNamed(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	at := receivedAt
	e.deliver(at, citizenReport(72, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)

	const note = "/ghichu Đã gọi điện cho người phản ánh, hẹn kiểm tra chiều nay."
	var copied []string
	line := 0
	for i, l := range strings.Split(lf(triage.text()), "\n") {
		copied = append(copied, l)
		if line == 0 && strings.HasPrefix(l, "Thời gian tiếp nhận:") {
			copied = append(copied, note)
			line = 3 + i + 1 // "/phuctap", a blank line, then the copy
		}
	}
	if line == 0 {
		t.Fatalf("the triage notice has no reception time:\n%s", triage.text())
	}
	e.deliver(at.Add(10*time.Minute), topPosted(triage, e2eReceiver, "/phuctap", strings.Join(copied, "\n")))
	c := lf(e.waitAnswer(e2eReceiver, 1).text())
	if !strings.Contains(c, "- /phuctap\n") || strings.Contains(c, "- "+note) {
		t.Errorf("the confirmation does not apply /phuctap alone:\n%s", c)
	}
	if !strings.Contains(c, "trong hay dưới bản sao thư thông báo") || !strings.Contains(c, fmt.Sprintf("dòng %d: «%s»", line, note)) {
		t.Errorf("the confirmation does not name line %d, inside the copy of the notice:\n%s", line, c)
	}
	if ms := e.mailsOf("note", e2eHandler); len(ms) > 0 {
		t.Errorf("a note was applied:\n%s", ms[0].text())
	}
}
