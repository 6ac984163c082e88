package intake

import (
	"fmt"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
)

// TestReplayWithAddedHeaderChangesNothing: a copy of a signed command mail
// with a header field added that its DKIM signature does not cover — what
// anyone holding the copy can do without breaking the signature, so that
// our border writes dmarc=pass again — is the same command mail: its
// Message-ID, from the same operator, was applied already.
func TestReplayWithAddedHeaderChangesNothing(t *testing.T) {
	w := newWalker(t)
	w.p.RequireAuth = true
	w.p.CallAttempts = 3
	w.ingest(outage)
	pass := "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn\r\n"
	mail := eml([]string{"From: " + receiver, "To: " + w.replyAddr(token.Operator, receiver),
		"Subject: Re: [" + w.code + "] Phản ánh mới", "Message-ID: <goi-1@example.gov.vn>", "Date: Mon, 23 Nov 2026 09:00:00 +0700",
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.gov.vn; s=mail; h=from:to:subject:date:message-id; bh=abc; b=def"},
		"/goikhongduoc Gọi hai lần không ai nghe máy.\n")
	if out := w.send(pass + mail); out.Kind != KindCommand || out.Reason != "" {
		t.Fatalf("first copy: %+v", out)
	}
	copies := []string{
		pass + "X-Replayed: 1\r\n" + mail,
		pass + "Comments: again\r\n" + mail,
		pass + strings.Replace(mail, "\r\n\r\n", "\r\nCc: someone@example.net\r\n\r\n", 1),
		pass + strings.Replace(mail, "MIME-Version: 1.0", "MIME-Version: 1.0 ", 1),
	}
	for i, c := range copies {
		if out := w.send(c); out.Kind != KindDuplicate {
			t.Errorf("copy %d: %+v, want a duplicate", i+1, out)
		}
	}
	if r := w.report(); r.CallFailures != 1 || r.State != "received" {
		t.Errorf("the copies changed the report: %s, %d failed calls", r.State, r.CallFailures)
	}
}

// TestCodesAnswersCapped: the answers to /codes count against the hourly
// cap of answers to one operator like every other answer (SPEC 7.3); a
// standalone mail of twenty /codes lines, sent again and again, once got
// twenty answers each time.
func TestCodesAnswersCapped(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.AnswersPerHour = 3
	mark := 0
	w.sentSince(&mark)
	for i := range 2 {
		if out := w.standalone(receiver, fmt.Sprintf("codes-%d", i), strings.Repeat("/codes\n", 20), authPass); out.Reason != "" {
			t.Fatalf("/codes: %+v", out)
		}
	}
	if got := strings.Count(owed(w.sentSince(&mark)), "→"); got != 3 {
		t.Errorf("%d answers owed, want the cap, 3", got)
	}
	if out := w.reply(receiver, "/danhmuc\n"); out.Reason != "" {
		t.Fatalf("/danhmuc in the thread: %+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "" {
		t.Errorf("past the cap, /danhmuc in the thread owes %q", got)
	}
}

// TestConfidentialDocumentsStayAtTheCenter: a document's properties name
// its author — Word writes the name of its user into a .docx and into the
// PDF it exports — where no renaming reaches, so a confidential report's
// documents stay at the Center, listed to the agency as such; its photos,
// whose metadata the mailer strips, still go (SPEC 10.2).
func TestConfidentialDocumentsStayAtTheCenter(t *testing.T) {
	w := newWalker(t)
	pdf := "%PDF-1.4\n1 0 obj\n<< /Author (Nguyen Van An) /Creator (Microsoft Word) >>\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n"
	w.confidential("conf-doc@mail.gmail.com", photoPart(t, "P", "anh.jpg"),
		"--P\nContent-Type: application/pdf; name=\"don.pdf\"\nContent-Disposition: attachment; filename=\"don.pdf\"\n\n"+pdf)
	types, text := assignmentOfAccepted(t, w)
	if types != "image/jpeg" {
		t.Errorf("the assignment carries %v, want the photo alone", types)
	}
	if !strings.Contains(text, "tep-2.pdf") || !strings.Contains(text, "lưu tại Trung tâm") {
		t.Errorf("the assignment does not say the document stays at the Center:\n%s", text)
	}
	// The Center's notices still carry it.
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "triage" && len(m.Attachments) != 2 {
			t.Errorf("the triage notice carries %d files, want both", len(m.Attachments))
		}
	}
}
