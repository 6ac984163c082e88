package intake

import (
	"fmt"
	"slices"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestCitizenConversation: every mail to the citizen answers their latest
// message about the report — In-Reply-To it, References its chain with
// the report's own message first — and has the same subject, so that
// every mail client shows one conversation per report (SPEC 8.1).
func TestCitizenConversation(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	ack := firstOf(t, w.mails(t, w.code), "ack")
	w.command(receiver, "/accept", "forwarded")
	forwarded := firstOf(t, w.mails(t, w.code), "forwarded")
	if forwarded.InReplyTo != "r1@mail.gmail.com" || !slices.Equal(forwarded.References, []string{"r1@mail.gmail.com"}) {
		t.Errorf("forwarded: In-Reply-To %q, References %q; want the report's message", forwarded.InReplyTo, forwarded.References)
	}
	// The citizen's reply to the acknowledgement, as their client threads it.
	w.reply(citizen, "Số nhà tôi là 12.", "In-Reply-To: <"+ack.MessageID+">", "References: <r1@mail.gmail.com> <"+ack.MessageID+">")
	note := fmt.Sprintf("reply-%d@example.net", w.n)
	w.command(handler, "/resolve Đã cấp điện lại.", "resolved")
	w.command(approver, "/approve", "published")
	result := firstOf(t, w.mails(t, w.code), "result")
	if want := []string{"r1@mail.gmail.com", ack.MessageID, note}; result.InReplyTo != note || !slices.Equal(result.References, want) {
		t.Errorf("result: In-Reply-To %q, References %q; want %q and %q", result.InReplyTo, result.References, note, want)
	}
	w.reply(citizen, "Hài lòng", "In-Reply-To: <"+result.MessageID+">")
	rating := fmt.Sprintf("reply-%d@example.net", w.n)
	thanks := firstOf(t, w.mails(t, w.code), "thanks")
	if thanks.InReplyTo != rating || thanks.References[0] != "r1@mail.gmail.com" || thanks.References[len(thanks.References)-1] != rating {
		t.Errorf("thanks: In-Reply-To %q, References %q; want the rating, after the report's message", thanks.InReplyTo, thanks.References)
	}
	subjects := map[string]bool{}
	for _, m := range w.mails(t, w.code) {
		if m.Role == "citizen" {
			subjects[render(t, m).Subject] = true
		}
	}
	if len(subjects) != 1 {
		t.Errorf("the citizen's mails have %d subjects, want one: %v", len(subjects), subjects)
	}
}

// render renders a mail with the embedded templates.
func render(t *testing.T, m store.Mail) templates.Rendered {
	t.Helper()
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	r, err := set.Render(m.Kind, m.Lang, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
