package intake

import (
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
)

// TestForgedCommandsChangeNothing sends command mail that must not be
// applied (SPEC 7.3): each leaves the report as it was, and the answer, if
// any, goes once to the configured address of the operator the mail
// claims to be.
func TestForgedCommandsChangeNothing(t *testing.T) {
	type forgery struct {
		name    string
		require bool // require_authentication_results
		// forwarded forwards the report to the power company first.
		forwarded bool
		// mail builds the forged message for the walker's report.
		mail   func(w *walker) string
		answer string // the kind of answer owed to the claimed operator, "" for none
		to     string // its address
	}
	msg := func(from, to, body string, extra ...string) string {
		return eml(append([]string{"From: " + from, "To: " + to, "Subject: Re: [PA-2026-000001] Phản ánh mới",
			"Message-ID: <forged@example.net>"}, extra...), body)
	}
	tag := "phananh@haugiang.gov.vn"
	pass := "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn"
	cases := []forgery{
		{"no token", false, false, func(w *walker) string { return msg(receiver, tag, "/accept\n") }, "unauthenticated", receiver},
		{"another operator's token", false, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Operator, approver), "/accept\n")
		}, "unauthenticated", receiver},
		{"expired token", false, false, func(w *walker) string {
			old := w.p.Tokens.Mint(w.report().ID, token.Operator, receiver, w.p.now().Add(-31*24*time.Hour))
			return msg(receiver, token.Address(w.p.Address, old), "/accept\n")
		}, "unauthenticated", receiver},
		{"the citizen's token used by an operator", false, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Citizen, citizen), "/accept\n")
		}, "unauthenticated", receiver},
		{"a handler of another agency", false, true, func(w *walker) string {
			return msg(districtH, w.replyAddr(token.Operator, districtH), "/resolve Đã xử lý xong.\n")
		}, "refused", districtH},
		{"a command in the quoted part", false, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Operator, receiver), "Đã xem.\n\nOn Mon, 23 Nov 2026 at 08:16, Phản ánh wrote:\n> /accept\n")
		}, "refused", receiver},
		{"authentication results fail when required", true, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Operator, receiver), "/accept\n",
				"Authentication-Results: mail.haugiang.gov.vn; dkim=fail header.d=example.gov.vn; dmarc=fail header.from=example.gov.vn")
		}, "unauthenticated", receiver},
		{"an unaligned DKIM pass when required", true, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Operator, receiver), "/accept\n",
				"Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=example.gov.vn")
		}, "unauthenticated", receiver},
		{"a pass from someone else's server when required", true, false, func(w *walker) string {
			return msg(receiver, w.replyAddr(token.Operator, receiver), "/accept\n",
				"Authentication-Results: mail.haugiang.gov.vn; dkim=none",
				"Authentication-Results: mx.evil.example; dkim=pass header.d=example.gov.vn; dmarc=pass")
		}, "unauthenticated", receiver},
		{"a reference without authentication", false, false, func(w *walker) string {
			return msg(receiver, tag, "/accept\n", "In-Reply-To: <"+w.triage().MessageID+">")
		}, "unauthenticated", receiver},
		{"a stranger", false, false, func(w *walker) string {
			return msg("mallory@evil.example", w.replyAddr(token.Operator, receiver), "/accept\n")
		}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWalker(t)
			w.ingest(outage)
			if c.forwarded {
				w.command(receiver, "/accept", "forwarded")
			}
			w.p.RequireAuth = c.require
			mark := 0
			w.sentSince(&mark)
			before, events := w.report(), len(w.events())
			out := w.send(c.mail(w))
			after := w.report()
			if after.State != before.State || after.Routing != before.Routing || len(w.events()) != events {
				t.Errorf("the report changed: %s → %s, %d events (%+v)", before.State, after.State, len(w.events()), out)
			}
			got := owed(w.sentSince(&mark))
			want := ""
			if c.answer != "" {
				want = c.answer + "→" + c.to
			}
			if got != want {
				t.Errorf("mail owed: %q, want %q", got, want)
			}
			// A second unauthenticated mail within the hour gets no second
			// answer; an authentic operator's refused reply is always answered.
			w.send(strings.Replace(c.mail(w), "forged@", "forged2@", 1))
			again := ""
			if c.answer == "refused" {
				again = want
			}
			if got := owed(w.sentSince(&mark)); got != again {
				t.Errorf("second mail: owed %q, want %q", got, again)
			}
		})
	}
	// The control: the same reply with the right token and authentication is applied.
	w := newWalker(t)
	w.ingest(outage)
	w.p.RequireAuth = true
	if out := w.reply(receiver, "/accept\n", pass); out.State != "forwarded" {
		t.Errorf("an authentic reply: %+v", out)
	}
	// With authentication, a reference to a mail we sent that operator is enough.
	w2 := newWalker(t)
	w2.ingest(outage)
	w2.p.RequireAuth = true
	raw := eml([]string{"From: " + receiver, "To: phananh@haugiang.gov.vn", "Subject: Re: thư", "Message-ID: <ref@x>",
		"In-Reply-To: <" + w2.triage().MessageID + ">", pass}, "/accept\n")
	if out := w2.send(raw); out.State != "forwarded" {
		t.Errorf("an authenticated reply by reference: %+v", out)
	}
}

// triage returns the triage notice to the receiver.
func (w *walker) triage() store.Mail {
	for _, m := range w.mails(w.t, w.code) {
		if m.Kind == "triage" && m.To == receiver {
			return m
		}
	}
	w.t.Fatal("no triage notice")
	return store.Mail{}
}

// TestCitizenForgeries: a citizen's /approve is no command, and a rating
// from the citizen's address without the token or the thread is no rating:
// a follow-up, an unverified note (SPEC 4.2).
func TestCitizenForgeries(t *testing.T) {
	w := publishedReport(t)
	mark := 0
	w.sentSince(&mark)
	raw := eml([]string{"From: " + citizen, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "] Thông báo kết quả",
		"Message-ID: <forged-rating@x>"}, "Rất hài lòng\n")
	if out := w.send(raw); out.Kind != KindReply || out.State != "published" || !strings.Contains(out.Reason, "follow-up") {
		t.Errorf("a rating without the token: %+v", out)
	}
	if r := w.report(); r.Rating != "" || r.State != "published" {
		t.Errorf("report after a forged rating: %s %q", r.State, r.Rating)
	}
	if got := owed(w.sentSince(&mark)); got != "citizen-note→"+handler+" follow-up→"+citizen {
		t.Errorf("a forged rating owes %q", got)
	}
	// A stranger with the citizen's token gets nothing either.
	raw = eml([]string{"From: mallory@evil.example", "To: " + w.replyAddr(token.Citizen, citizen), "Subject: Re: [" + w.code + "]",
		"Message-ID: <stranger@x>"}, "1\n")
	w.send(raw)
	if r := w.report(); r.Rating != "" {
		t.Errorf("a stranger rated: %q", r.Rating)
	}

	// The citizen's /approve on a resolved report is the citizen's note.
	w = resolvedReport(t)
	out := w.reply(citizen, "/approve\n")
	if out.Kind != KindReply || out.State != "resolved" {
		t.Errorf("the citizen's /approve: %+v", out)
	}
	if r := w.report(); r.State != "resolved" || !r.PublishedAt.IsZero() {
		t.Errorf("the citizen's /approve changed the report: %s", r.State)
	}
}

// resolvedReport is a report forwarded to the power company, which
// submitted its result.
func resolvedReport(t *testing.T) *walker {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/resolve Đã thay dây dẫn, cấp điện lại lúc 10:30.", "resolved")
	return w
}

// publishedReport is a resolved report whose result the Center approved.
func publishedReport(t *testing.T) *walker {
	w := resolvedReport(t)
	w.command(approver, "/approve", "published")
	return w
}
