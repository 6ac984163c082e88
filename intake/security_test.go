package intake

import (
	"encoding/json"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestFoldedAddressIsNoOperator: addresses compare with ASCII case folding
// only. Unicode folding made "\u212Aiemtra@…" (a Kelvin sign) the operator
// kiemtra@…, with that operator's token.
func TestFoldedAddressIsNoOperator(t *testing.T) {
	w := newWalker(t)
	const kiemtra = "kiemtra@example.gov.vn"
	w.p.Staff = append(w.p.Staff, Operator{Email: kiemtra, Name: "Kiểm tra", Role: "receiver"})
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	forged := "\u212Aiemtra@example.gov.vn"
	raw := eml([]string{"From: " + forged, "To: " + w.replyAddr(token.Operator, kiemtra), "Subject: Re: [" + w.code + "] Phản ánh mới",
		"Message-ID: <kelvin@x>"}, "/reject Không rõ.\n")
	out := w.send(raw)
	if out.Kind == KindCommand || w.report().State != "received" {
		t.Errorf("a Kelvin-sign address commanded: %+v, state %s", out, w.report().State)
	}
	if got := owed(w.sentSince(&mark)); got != "" {
		t.Errorf("a Kelvin-sign address owes %q", got)
	}
	// ASCII case still folds: the operator writing in capitals commands.
	if out := w.reply("KiemTra@Example.GOV.vn", "/khancap\n"); out.Kind != KindCommand || out.Reason != "" {
		t.Errorf("the operator in capitals: %+v", out)
	}
}

// TestUnreadableFromToldToReceivers: a message whose From is not exactly
// one address that parses (two From headers, an address only in the
// display name, an encoded name with a line break) is never an operator's
// and gets no acknowledgement; it is still a report, and the receivers are
// told that its sender could not be read, with the header as written.
func TestUnreadableFromToldToReceivers(t *testing.T) {
	cases := map[string]string{
		"two From headers":        "From: attacker@evil.example\r\nFrom: " + receiver,
		"an address in the name":  `From: "` + receiver + `" <attacker@evil.example`,
		"an encoded line break":   "From: =?utf-8?Q?_victim@evil.example=0D=0A?= <attacker@evil.example>",
		"an encoded word address": "From: =?utf-8?Q?_victim@evil.example=0D=0A?=",
		"two addresses":           "From: " + receiver + ", attacker@evil.example",
	}
	for name, from := range cases {
		t.Run(name, func(t *testing.T) {
			w := newWalker(t)
			mark := 0
			raw := from + "\r\nTo: phananh@haugiang.gov.vn\r\nSubject: Mất điện\r\nMessage-ID: <u@x>\r\n" +
				"Content-Type: text/plain; charset=UTF-8\r\n\r\n/accept\r\n" + strings.ReplaceAll(outage, "\n", "\r\n")
			out := w.send(raw)
			if out.Kind != KindReport {
				t.Fatalf("%+v, want a report", out)
			}
			sent := w.sentSince(&mark)
			if got := owed(sent); got != "triage→"+receiver {
				t.Errorf("owes %q, want only the triage notice", got)
			}
			var tr templates.Triage
			json.Unmarshal(sent[0].Data, &tr)
			if tr.UnreadableFrom == "" || tr.Citizen.Email != "" {
				t.Errorf("the triage notice does not say the sender is unknown: %+v", tr)
			}
			text := w.renderAll()["triage"][0].Text
			if !strings.Contains(text, "Không đọc được địa chỉ người gửi") {
				t.Errorf("the triage notice does not say so:\n%s", text)
			}
		})
	}
}

// TestRatingNeedsTheToken: a reply from the citizen's address that only
// refers to the result notice by its Message-ID — which staff can read in
// show — is the citizen's clarification, never a rating (SPEC 7.4).
func TestRatingNeedsTheToken(t *testing.T) {
	w := publishedReport(t)
	var notice store.Mail
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "result" {
			notice = m
		}
	}
	raw := eml([]string{"From: " + citizen, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "] Thông báo kết quả",
		"Message-ID: <by-reference@x>", "In-Reply-To: <" + notice.MessageID + ">"}, "3\n")
	out := w.send(raw)
	if r := w.report(); r.Rating != "" || r.State == "closed" {
		t.Errorf("a reply by reference rated the result: %+v, rating %q", out, r.Rating)
	}
	if out.Kind != KindReply || out.Reason != "" {
		t.Errorf("a reply by reference: %+v, want the citizen's clarification", out)
	}
	// With the token, the same reply rates.
	if w.reply(citizen, "3\n"); w.report().Rating != string(lifecycle.Dissatisfied) {
		t.Errorf("a rating with the token: %q", w.report().Rating)
	}
}
