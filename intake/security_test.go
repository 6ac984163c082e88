package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// authPass is what our border writes for a staff mail whose domain
// authenticated.
const authPass = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=example.gov.vn; dmarc=pass header.from=example.gov.vn"

// standalone is a mail from addr to our bare address, in no thread.
func (w *walker) standalone(from, id, body string, headers ...string) Outcome {
	w.t.Helper()
	return w.send(eml(append([]string{"From: " + from, "To: phananh@haugiang.gov.vn", "Subject: hỏi",
		"Message-ID: <" + id + "@example.gov.vn>"}, headers...), body))
}

// TestStandaloneCommandsNeedAuthentication: with
// require_authentication_results off, a forged From of an approver to our
// bare address, without token or thread, carrying hundreds of /status and
// /report lines, once queued a mail for each. Outside a thread only passing
// Authentication-Results authenticate, whatever the setting (SPEC 7.3).
func TestStandaloneCommandsNeedAuthentication(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.RequireAuth = false
	mark := 0
	w.sentSince(&mark)
	events := len(w.events())
	flood := strings.Repeat("/status "+w.code+"\n", 300) + strings.Repeat("/report annual\n", 100)
	out := w.standalone(approver, "flood", flood)
	if out.Kind != KindCommand || !strings.Contains(out.Reason, "not authenticated") {
		t.Errorf("a forged standalone mail: %+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "unauthenticated→"+approver {
		t.Errorf("a forged standalone mail owes %q, want one unauthenticated answer", got)
	}
	if n := len(w.events()); n != events {
		t.Errorf("a forged standalone mail wrote %d events", n-events)
	}
	// With our border's pass, the same command is applied.
	if out := w.standalone(approver, "ok", "/status "+w.code+"\n", authPass); out.Reason != "" {
		t.Errorf("an authenticated standalone /status: %+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "status→"+approver {
		t.Errorf("an authenticated standalone /status owes %q", got)
	}
}

// TestTooManyCommandLines: a reply with more than 20 command lines is
// refused whole (SPEC 7.1): no event, one answer naming the first line
// past the limit. Twenty are applied.
func TestTooManyCommandLines(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	events := len(w.events())
	out := w.reply(receiver, strings.Repeat("/note Đã gọi.\n", 300))
	if out.Kind != KindCommand || !strings.Contains(out.Reason, "refused") {
		t.Errorf("300 command lines: %+v", out)
	}
	if n := len(w.events()); n != events {
		t.Errorf("300 command lines wrote %d events", n-events)
	}
	sent := w.sentSince(&mark)
	if owed(sent) != "refused→"+receiver {
		t.Fatalf("300 command lines owe %q", owed(sent))
	}
	var r templates.Refusal
	json.Unmarshal(sent[0].Data, &r)
	if len(r.Lines) != 1 || r.Lines[0].Line != 21 || !strings.Contains(r.Lines[0].Reason, "20") {
		t.Errorf("the refusal says %+v", r.Lines)
	}
	w.renderAll()
	if out := w.reply(receiver, strings.Repeat("/note Đã gọi.\n", 20)); out.Reason != "" {
		t.Errorf("20 command lines: %+v", out)
	}
	if n := len(w.events()); n != events+20 {
		t.Errorf("20 command lines wrote %d events, want 20", n-events)
	}
}

// TestAnswersCappedPerOperator: an authentic operator's commands are all
// applied, but the answers to one operator stop at the hourly cap; the rest
// are recorded as suppressed (SPEC 7.3).
func TestAnswersCappedPerOperator(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.AnswersPerHour = 3
	mark := 0
	w.sentSince(&mark)
	events := len(w.events())
	for range 5 {
		if out := w.reply(receiver, "/note Đã gọi.\n"); out.Reason != "" {
			t.Fatalf("/note: %+v", out)
		}
	}
	if n := len(w.events()); n != events+5 {
		t.Errorf("%d notes written, want 5", n-events)
	}
	if got := owed(w.sentSince(&mark)); got != strings.Repeat("confirmation→"+receiver+" ", 2)+"confirmation→"+receiver {
		t.Errorf("five commands owe %q, want three answers", got)
	}
	var suppressed int
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "confirmation" && m.State == store.MailSuppressed {
			suppressed++
		}
	}
	if suppressed != 2 {
		t.Errorf("%d answers recorded as suppressed, want 2", suppressed)
	}
	// Another operator has answers of their own.
	if w.reply(approver, "/note Theo dõi.\n"); !strings.HasSuffix(owed(w.sentSince(&mark)), "confirmation→"+approver) {
		t.Error("another operator got no answer")
	}
}

// TestScheduledReportsAreNoAnswers: the periodic reports mailed to an
// operator on schedule answer none of their mail and leave the hourly cap
// of answers to them whole (SPEC 7.3); a report they ask for by mail
// (/report) is an answer and counts.
func TestScheduledReportsAreNoAnswers(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.AnswersPerHour = 2
	err := w.db.Write(context.Background(), func(tx *store.Tx) error {
		for range 2 {
			m := store.Mail{Kind: reports.MailKind, To: receiver, Role: "receiver", Lang: templates.Vietnamese, Data: []byte(`{}`)}
			if _, err := tx.Enqueue(m, w.p.now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mark := 0
	w.sentSince(&mark)
	w.reply(receiver, "/note Đã gọi.\n")
	if got := owed(w.sentSince(&mark)); got != "confirmation→"+receiver {
		t.Errorf("after two scheduled reports, a command owes %q, want its confirmation", got)
	}
	w.standalone(approver, "asked", "/baocao monthly 2026-11\n", authPass)
	w.reply(approver, "/note Theo dõi.\n")
	if got := owed(w.sentSince(&mark)); got != reports.AskedMailKind+"→"+approver+" confirmation→"+approver {
		t.Errorf("/report and a command owe %q, want two answers", got)
	}
	if w.reply(approver, "/note Theo dõi tiếp.\n"); owed(w.sentSince(&mark)) != "" {
		t.Error("past the cap, the answer to a command was owed: the asked report did not count")
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

// TestOtherAgencyLearnsNothing: a handler of another agency is refused
// without a word of the report — not its state — whatever the command and
// the state; their /help in the report's thread carries no report.
func TestOtherAgencyLearnsNothing(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	labels := []string{}
	for _, s := range lifecycle.States() {
		labels = append(labels, s.Label(routing.Default().Bodies()))
	}
	check := func(what string) {
		t.Helper()
		for kind, rs := range w.renderAll() {
			if kind == "ack" || kind == "triage" || kind == "assignment" || kind == "forwarded" || kind == "confirmation" {
				continue
			}
			for _, r := range rs {
				for _, l := range append(labels, "cúp điện", "Nguyễn Văn An", "0912") {
					if strings.Contains(r.Text, l) {
						t.Errorf("%s: the %s answer says %q:\n%s", what, kind, l, r.Text)
					}
				}
			}
		}
	}
	// Not yet forwarded: /resolve used to be refused for the state.
	w.reply(districtH, "/resolve Đã xử lý xong.\n")
	check("/resolve on a received report")
	w.command(receiver, "/accept", "forwarded")
	w.reply(districtH, "/approve\n/status\n")
	w.reply(districtH, "/help\n")
	w.standalone(districtH, "st", "/status "+w.code+"\n", strings.Replace(authPass, "example.gov.vn", "vithuy.example.gov.vn", 2))
	check("a forwarded report")
}

// TestSecurityLogNamesNoAddress: security events name the operator by the
// configured name, never by address (SPEC 10.2).
func TestSecurityLogNamesNoAddress(t *testing.T) {
	w := newWalker(t)
	var logged bytes.Buffer
	w.p.Log = slog.New(slog.NewJSONHandler(&logged, nil))
	w.ingest(outage)
	w.send(eml([]string{"From: " + receiver, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "]", "Message-ID: <f@x>"}, "/accept\n"))
	w.reply(receiver, "/aprove\n")
	w.p.Staff = fixedStaff(append(w.p.Staff(), Operator{Email: "lanhdao@example.gov.vn", Role: "approver"}))
	w.send(eml([]string{"From: lanhdao@example.gov.vn", "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "]", "Message-ID: <g@x>"}, "/approve\n"))
	log := logged.String()
	if n := strings.Count(log, "security event"); n != 3 {
		t.Errorf("%d security events, want 3:\n%s", n, log)
	}
	if !strings.Contains(log, `"operator":"Tổ tiếp nhận"`) || !strings.Contains(log, `"operator":"operator-`) {
		t.Errorf("the operators are not named:\n%s", log)
	}
	for _, a := range []string{receiver, "lanhdao", "@example.gov.vn", citizen} {
		if strings.Contains(log, a) {
			t.Errorf("the log names %q:\n%s", a, log)
		}
	}
}

// TestFoldedAddressIsNoOperator: addresses compare with ASCII case folding
// only. Unicode folding made "\u212Aiemtra@…" (a Kelvin sign) the operator
// kiemtra@…, with that operator's token.
func TestFoldedAddressIsNoOperator(t *testing.T) {
	w := newWalker(t)
	const kiemtra = "kiemtra@example.gov.vn"
	w.p.Staff = fixedStaff(append(w.p.Staff(), Operator{Email: kiemtra, Name: "Kiểm tra", Role: "receiver"}))
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

// TestUnreadableFromCommandsNothing: the triage notice shows an unreadable
// From as written, inside a long line, and the report keeps no record of
// it that a reply could be compared with (command.Theirs): a client that
// re-wraps the line in a reply must not set a word of it at the start of a
// line as a command.
func TestUnreadableFromCommandsNothing(t *testing.T) {
	w := newWalker(t)
	mark := 0
	raw := "From: Nguyen /tuchoi Noi dung sai ／tiepnhan\r\nTo: phananh@haugiang.gov.vn\r\nSubject: Mất điện\r\nMessage-ID: <u@x>\r\n" +
		"Content-Type: text/plain; charset=UTF-8\r\n\r\n" + strings.ReplaceAll(outage, "\n", "\r\n")
	if out := w.send(raw); out.Kind != KindReport {
		t.Fatalf("%+v, want a report", out)
	}
	var tr templates.Triage
	json.Unmarshal(w.sentSince(&mark)[0].Data, &tr)
	if tr.UnreadableFrom == "" {
		t.Fatal("the triage notice does not show the From")
	}
	for _, word := range strings.Fields(tr.UnreadableFrom) {
		if command.Written(word) != "" {
			t.Errorf("the From shown, %q, has a word that starts a command: %q", tr.UnreadableFrom, word)
		}
	}
}
