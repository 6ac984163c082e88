package main

import (
	"html"
	"mime"
	"strings"
	"testing"
	"time"
)

// TestE2EHTMLOnlyBottomPostedReplyIsRead: a citizen answers the
// acknowledgement from a client that sends HTML alone (Thunderbird set to
// HTML, webmail) and writes under the quote, as many do. Their words are
// what the reply adds, as in the same reply in plain text: the receivers
// get them, not a reply "with nothing new" (a citizen's message is never
// lost to a heuristic).
func TestE2EHTMLOnlyBottomPostedReplyIsRead(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(97, e2eCitizen))
	ack := e.waitMail("ack", e2eCitizen, 1)
	const own = "Bổ sung: cột điện bị nghiêng sát nhà số 12, rất nguy hiểm."
	e.deliver(receivedAt.Add(10*time.Minute), thunderbirdHTMLBottom(ack, e2eCitizen, own))
	if text := e.waitMail("citizen-note", e2eReceiver, 1).text(); !strings.Contains(text, own) {
		t.Errorf("the receivers' note lacks the citizen's words:\n%s", text)
	}
}

// thunderbirdHTMLBottom is an HTML-only reply as Thunderbird writes it
// when the operator writes under the quote: the cite prefix, the answered
// mail's text in a blockquote, then the operator's line.
func thunderbirdHTMLBottom(m sentMail, from, own string) string {
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.header("Subject"))
	var b strings.Builder
	b.WriteString("<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=UTF-8\"></head><body>\n")
	b.WriteString("<div class=\"moz-cite-prefix\">Vào 23/11/2026 08:30, phananh@haugiang.gov.vn đã viết:<br></div>\n<blockquote type=\"cite\">")
	for _, l := range strings.Split(lf(m.text()), "\n") {
		b.WriteString(html.EscapeString(l) + "<br>\n")
	}
	b.WriteString("</blockquote>\n<p>" + html.EscapeString(own) + "</p>\n</body></html>\n")
	raw := threadReply(from, m.header("Reply-To"), "Re: "+subject, m.header("Message-ID"), b.String(), "")
	return strings.Replace(raw, "Content-Type: text/plain; charset=UTF-8", "Content-Type: text/html; charset=UTF-8", 1)
}

// TestE2EHTMLOnlyBottomPostedCommandApplies: a receiver writes a command
// under the quote of the triage notice in an HTML-only reply (Thunderbird).
// It is read as the same reply in plain text is, and applied once.
func TestE2EHTMLOnlyBottomPostedCommandApplies(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, citizenReport(98, e2eCitizen))
	triage := e.waitMail("triage", e2eReceiver, 1)
	e.deliver(receivedAt.Add(10*time.Minute), thunderbirdHTMLBottom(triage, e2eReceiver, "/khancap"))
	c := lf(e.waitAnswer(e2eReceiver, 1).text())
	if strings.Count(c, "- /khancap\n") != 1 || !strings.Contains(c, "Phản ánh KHẨN CẤP.") {
		t.Errorf("the confirmation does not apply /khancap once:\n%s", c)
	}
}
