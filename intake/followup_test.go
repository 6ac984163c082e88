package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// followUp is a new mail — no reply token, no reference — with the
// report's tag in its subject, as a citizen writes one from the
// acknowledgement's advice.
func (w *walker) followUp(from, body string, headers ...string) Outcome {
	w.t.Helper()
	w.n++
	h := append([]string{"From: " + from, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "]",
		fmt.Sprintf("Message-ID: <follow-%d@example.net>", w.n)}, headers...)
	return w.send(eml(h, body))
}

// TestFollowUp: a citizen's new mail with the report's tag is an
// unverified note on that report, shown to whoever holds it, with one
// short answer to the sender; it changes no state (SPEC 4.2).
func TestFollowUp(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	body := "--M\nContent-Type: text/plain; charset=UTF-8\n\nGửi thêm ảnh cột điện đổ.\n" + photoPart(t, "M", "cot-dien.jpg") + "--M--\n"
	out := w.followUp("Nguyễn Văn An <"+citizen+">", body, "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="M"`)
	if out.Kind != KindReply || out.Code != w.code || out.State != "received" || !strings.Contains(out.Reason, "follow-up") {
		t.Fatalf("%+v", out)
	}
	sent := w.sentSince(&mark)
	if got := owed(sent); got != "citizen-note→"+receiver+" follow-up→"+citizen {
		t.Fatalf("mail owed %s", got)
	}
	var n templates.Notice
	json.Unmarshal(sent[0].Data, &n)
	if !n.FollowUp || n.OtherSender || n.Text != "Gửi thêm ảnh cột điện đổ." || len(sent[0].Attachments) != 1 {
		t.Errorf("the receiver's notice: %+v, %d files", n, len(sent[0].Attachments))
	}
	answer := sent[1] // unverified: in the citizen's conversation, not an answer to the follow-up
	if answer.InReplyTo != "r1@mail.gmail.com" || strings.Contains(strings.Join(answer.References, " "), "follow-1") || token.FromAddress(w.p.Address, answer.ReplyTo) == "" || answer.State != store.MailQueued {
		t.Errorf("the answer: %+v", answer)
	}
	rendered := w.renderAll()
	if text := rendered["follow-up"][0].Text; strings.Contains(text, w.code) || strings.Contains(text, "Điện") {
		t.Errorf("the answer names the report:\n%s", text)
	}
	if text := rendered["citizen-note"][0].Text; !strings.Contains(text, "chưa được xác thực") {
		t.Errorf("the receiver is not told the sender is unverified:\n%s", text)
	}
	es := w.events()
	if e := es[len(es)-1]; e.Command != "followup" || e.Actor != "unverified" || e.From != e.To {
		t.Errorf("event %+v", e)
	}
	if files := w.attachments("reply"); len(files) != 1 {
		t.Errorf("%d files kept with the follow-up", len(files))
	}
}

// TestFollowUpToTheAgency: a follow-up from another address on a
// forwarded confidential report reaches the agency's handlers without the
// citizen's identity and without the sender's address; its answer carries
// no reply address and is in the sender's language.
func TestFollowUpToTheAgency(t *testing.T) {
	w := newWalker(t)
	w.ingest("Giữ bí mật: có\nHọ tên: Nguyễn Văn An\nSĐT: 0912 345 678\nNội dung: Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy mất điện.\n")
	w.command(receiver, "/accept", "forwarded")
	mark := 0
	w.sentSince(&mark)
	w.followUp("neighbour@example.com", "There is still no power in the hamlet. Call Mr Nguyễn Văn An at 0912 345 678 for the details.\n")
	sent := w.sentSince(&mark)
	if got := owed(sent); got != "citizen-note→"+handler+" follow-up→neighbour@example.com" {
		t.Fatalf("mail owed %s", got)
	}
	note, answer := sent[0], sent[1]
	for _, leak := range []string{"neighbour@", "0912", "Nguyễn Văn An"} {
		if strings.Contains(string(note.Data), leak) {
			t.Errorf("the agency reads %q: %s", leak, note.Data)
		}
	}
	if answer.ReplyTo != "" || answer.Lang != "en" {
		t.Errorf("the answer to another address: reply-to %q, language %s", answer.ReplyTo, answer.Lang)
	}
	if r := w.report(); r.State != "forwarded" {
		t.Errorf("state %s", r.State)
	}
}

// TestFollowUpAnswersAreCapped: the answer to a follow-up is an automatic
// reply, within the sender's hourly share (SPEC 4.7).
func TestFollowUpAnswersAreCapped(t *testing.T) {
	w := newWalker(t)
	w.p.RepliesPerHour = 3
	w.ingest(outage)
	var states []string
	for i := range 3 {
		w.followUp(citizen, fmt.Sprintf("Bổ sung lần %d.\n", i+1))
	}
	for _, m := range w.mails(t, w.code) {
		if m.Kind == kindFollowUpAnswer {
			states = append(states, m.State)
		}
	}
	if got := strings.Join(states, " "); got != "queued queued suppressed" {
		t.Errorf("answers %s, want the third suppressed (the acknowledgement counts)", got)
	}
}

// attachments returns the report's stored files of a role.
func (w *walker) attachments(role string) []store.Attachment {
	var out []store.Attachment
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ := tx.Report(w.code)
		out, _ = tx.Attachments(r.ID, role)
		return nil
	})
	return out
}

// citizenAuthenticated is the Authentication-Results header our border
// server writes on the citizen's mail from Gmail: DKIM and DMARC pass for
// the From domain.
const citizenAuthenticated = "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"

// TestConfidentialityAskedInFollowUp: a follow-up from the report's own
// address, authenticated by our border, asking to keep the citizen's name
// confidential makes the report confidential; the agency holding it reads
// it masked, and the receivers are told that what the agency received
// cannot be recalled. The same words from another address change nothing.
func TestConfidentialityAskedInFollowUp(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	w.followUp("neighbour@example.com", "Please keep my name confidential.\n")
	if w.report().Confidential {
		t.Fatalf("another sender's request made the report confidential")
	}
	mark := 0
	w.sentSince(&mark)
	w.followUp("Nguyễn Văn An <"+citizen+">", "Đề nghị giấu tên tôi. Nguyễn Văn An, 0912 345 678.\n", citizenAuthenticated)
	if !w.report().Confidential {
		t.Fatalf("the citizen's request did not make the report confidential")
	}
	sent := w.sentSince(&mark)
	if got := owed(sent); got != "citizen-note→"+receiver+" citizen-note→"+handler+" follow-up→"+citizen {
		t.Errorf("mail owed %s", got)
	}
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sent[:min(2, len(sent))] {
		n, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.To == handler && (strings.Contains(n.Text, "0912") || strings.Contains(n.Text, "Nguyễn Văn An")):
			t.Errorf("the agency reads the citizen's identity:\n%s", n.Text)
		case m.To == receiver && !strings.Contains(n.Text, "không thể thu hồi"):
			t.Errorf("the receivers are not told what was sent cannot be recalled:\n%s", n.Text)
		}
	}
	es := w.events()
	if e := es[len(es)-1]; e.Command != "followup" || e.Detail["changed"] != "confidential" {
		t.Errorf("the request is not recorded: %+v", e)
	}
}

// TestHeldFollowUpAnswer: the answer to a follow-up held by the hourly
// caps says what became of it — recorded on the report, where whoever
// holds it will see it — and not that it was passed on (SPEC 4.2), in
// Vietnamese and, to an English writer, in English; a follow-up within
// the caps is still answered that it was passed on.
func TestHeldFollowUpAnswer(t *testing.T) {
	w := newWalker(t)
	w.p.FollowUpsPerSender = 1
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	w.followUp(citizen, "Bổ sung lần 1: vẫn mất điện.\n")
	w.followUp(citizen, "Bổ sung lần 2: vẫn mất điện.\n")
	w.followUp("neighbour@example.com", "Still no power here.\n", "Content-Language: en")
	w.followUp("neighbour@example.com", "Still no power here, and the pole is leaning.\n", "Content-Language: en")
	answers := w.renderAll()["follow-up"]
	if len(answers) != 4 {
		t.Fatalf("%d answers, want 4", len(answers))
	}
	for i, a := range answers {
		held := i == 1 || i == 3
		english := i >= 2
		passed := strings.Contains(a.Text, "chuyển đến") || strings.Contains(a.Text, "passed it on")
		if passed == held {
			t.Errorf("answer %d (held %v) says it was passed on: %v\n%s", i+1, held, passed, a.Text)
		}
		if !held {
			continue
		}
		want := "lưu vào hồ sơ"
		if english {
			want = "added it to the record"
		}
		if !strings.Contains(a.Text, want) || strings.Contains(a.Text, w.code) {
			t.Errorf("held answer %d does not say it was recorded on the report (%q), or names it:\n%s", i+1, want, a.Text)
		}
	}
}

// TestConfidentialityAskedAfterEscalationFromIntake: a report escalated
// before any agency had it, whose citizen then asks for confidentiality:
// the Center's note says what left it cannot be recalled, and names only
// who was sent it — the escalation's recipient — not the agency the
// routing proposed, which never received it.
func TestConfidentialityAskedAfterEscalationFromIntake(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/escalate Vụ việc liên quan nhiều cơ quan.", "escalated")
	mark := 0
	w.sentSince(&mark)
	w.followUp(citizen, "Đề nghị giấu tên tôi.\n", citizenAuthenticated)
	if !w.report().Confidential {
		t.Fatal("the follow-up's request did not make the report confidential")
	}
	var line string
	for _, r := range w.renderAll()["citizen-note"] {
		for l := range strings.Lines(r.Text) {
			if strings.Contains(l, "không thể thu hồi") {
				line = l
			}
		}
	}
	if line == "" || !strings.Contains(line, "nơi nhận chuyển cấp") {
		t.Fatalf("the receivers are not told that the escalation's recipient had the identity: %q", line)
	}
	if strings.Contains(line, "Điện lực") || strings.Contains(line, "cơ quan xử lý") {
		t.Errorf("the note names an agency that never received the report: %q", line)
	}
}

// TestConfidentialityAskedNamesEveryAgencySent: the Center's note names
// every agency that was sent the report: the one that holds it, and the
// one that returned it before.
func TestConfidentialityAskedNamesEveryAgencySent(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/tralai Nguyên nhân: không thuộc thẩm quyền, đường dây hạ thế do xã quản lý.\nCăn cứ: phân cấp quản lý lưới điện nông thôn.\nĐề xuất: UBND huyện Vị Thủy.\n", "returned")
	w.command(receiver, "/assign ubnd-vi-thuy", "forwarded")
	mark := 0
	w.sentSince(&mark)
	w.followUp(citizen, "Đề nghị giấu tên tôi.\n", citizenAuthenticated)
	var line string
	for _, r := range w.renderAll()["citizen-note"] {
		for l := range strings.Lines(r.Text) {
			if strings.Contains(l, "không thể thu hồi") {
				line = l
			}
		}
	}
	for _, sent := range []string{"Công ty Điện lực Hậu Giang", "Ủy ban nhân dân huyện Vị Thủy"} {
		if !strings.Contains(line, sent) {
			t.Errorf("the note does not name %s, which had the report: %q", sent, line)
		}
	}
	if strings.Contains(line, "nơi nhận chuyển cấp") {
		t.Errorf("the note names an escalation: %q", line)
	}
}

// TestUnverifiedFollowUpAsksConfidentiality: a follow-up asking to keep
// the citizen's identity confidential whose sender is not verified — the
// citizen's address with no authentication from our border, a failed or
// unaligned one, one another server wrote, or another address with a
// passing one — leaves the report as it was (SPEC 4.2): nothing records a
// change. The agency holding the report and the receivers, who alone may
// grant it, are told of the request, the receivers with the command; the
// sender is told that it waits for the Center. Another address that asks
// for it may speak of its writer: only the Center sees that address.
func TestUnverifiedFollowUpAsksConfidentiality(t *testing.T) {
	for name, c := range map[string]struct{ from, header string }{
		"no authentication":         {from: citizen},
		"dmarc fail":                {citizen, "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=gmail.com; dmarc=fail header.from=gmail.com"},
		"unaligned dkim":            {citizen, "Authentication-Results: mail.haugiang.gov.vn; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=gmail.com"},
		"another server's":          {citizen, "Authentication-Results: mx.evil.example; dkim=pass header.d=gmail.com; dmarc=pass header.from=gmail.com"},
		"another address, verified": {"an.nguyen.work@gmail.com", citizenAuthenticated},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWalker(t)
			w.ingest(outage)
			w.command(receiver, "/accept", "forwarded")
			mark := 0
			w.sentSince(&mark)
			var headers []string
			if c.header != "" {
				headers = append(headers, c.header)
			}
			w.followUp(c.from, "Tôi xin giấu tên, đề nghị không công khai kết quả.\n", headers...)
			if r := w.report(); r.Confidential || r.State != "forwarded" {
				t.Errorf("the report after the follow-up: confidential %v, state %s", r.Confidential, r.State)
			}
			es := w.events()
			if e := es[len(es)-1]; e.Command != "followup" || e.Detail["changed"] != "" {
				t.Errorf("event %+v", e)
			}
			sent := w.sentSince(&mark)
			if got := owed(sent); got != "citizen-note→"+handler+" citizen-note→"+receiver+" follow-up→"+c.from {
				t.Fatalf("mail owed %s", got)
			}
			var answer templates.FollowUpAnswer
			json.Unmarshal(sent[2].Data, &answer)
			if !answer.Confidential || answer.Reply != (c.from == citizen) {
				t.Errorf("the answer to the sender: %+v", answer)
			}
			set, err := templates.LoadFor("", routing.Default().Bodies())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range sent[:2] {
				var n templates.Notice
				json.Unmarshal(m.Data, &n)
				if !n.ConfidentialRequested || n.ConfidentialAsked || n.Confidential {
					t.Errorf("the notice to %s: requested %v, asked %v, confidential %v", m.To, n.ConfidentialRequested, n.ConfidentialAsked, n.Confidential)
				}
				if shown := strings.Contains(string(m.Data), c.from); c.from != citizen && shown != (m.To == receiver) {
					t.Errorf("the notice to %s shows the other sender's address: %v", m.To, shown)
				}
				r, err := set.Render(m.Kind, m.Lang, m.Data)
				if err != nil {
					t.Fatal(err)
				}
				command := strings.Contains(r.Text, "/confidential (hoặc /baomat)")
				if !strings.Contains(r.Subject, "Đề nghị giữ bí mật danh tính") || command != (m.To == receiver) {
					t.Errorf("the note to %s (%q) names the command: %v\n%s", m.To, r.Subject, command, r.Text)
				}
			}
		})
	}
}

// TestUnverifiedFollowUpLeavesTheThread: the mail we send the citizen
// after a follow-up continues the conversation of their own messages. A
// follow-up from the citizen's address that is not verified may be
// anyone's, with any Message-ID and References: it does not become part
// of that conversation, so a forger cannot thread our next notice to the
// citizen under a mail of theirs, and the log names its writer unverified.
// A verified one is the citizen's.
func TestUnverifiedFollowUpLeavesTheThread(t *testing.T) {
	for _, verified := range []bool{false, true} {
		w := newWalker(t)
		w.ingest(outage)
		headers := []string{"References: <phish@evil.example>"}
		if verified {
			headers = append(headers, citizenAuthenticated)
		}
		w.followUp(citizen, "Gửi thêm thông tin: vẫn mất điện.\n", headers...)
		mark := 0
		w.sentSince(&mark)
		w.command(receiver, "/accept", "forwarded")
		var forwarded *store.Mail
		for _, m := range w.sentSince(&mark) {
			if m.Kind == "forwarded" {
				forwarded = &m
			}
		}
		if forwarded == nil {
			t.Fatal("no forwarded notice to the citizen")
		}
		actor := "unverified"
		if verified {
			actor = "citizen"
		}
		if es := w.events(); es[len(es)-2].Command != "followup" || es[len(es)-2].Actor != actor {
			t.Errorf("verified %v: the follow-up is logged as %+v, want actor %s", verified, es[len(es)-2], actor)
		}
		refs := strings.Join(forwarded.References, " ")
		threaded := forwarded.InReplyTo == "follow-1@example.net"
		if threaded != verified || (!verified && (forwarded.InReplyTo != "r1@mail.gmail.com" || strings.Contains(refs, "evil"))) {
			t.Errorf("verified %v: the citizen's next notice answers %q, references %q", verified, forwarded.InReplyTo, refs)
		}
	}
}

// TestFollowUpChangesNothingElse: whatever an unverified follow-up says —
// a rating, an emergency, a name, phone, address and field in the form's
// labels, a request for confidentiality — it changes nothing of the report
// (SPEC 4.2): not its state, rating, urgency, routing, deadlines, the
// citizen's details or what is missing of them, before the result and
// after it.
func TestFollowUpChangesNothingElse(t *testing.T) {
	const says = "Rất hài lòng\nKHẨN CẤP: dây điện đứt đang tóe lửa, nguy hiểm!\nHọ tên: Trần Thị Bình\n" +
		"Số điện thoại: 0987 654 321\nĐịa chỉ: 5 Lê Lợi, phường 5\nLĩnh vực: Giao thông\nĐịa điểm: xã Hỏa Lựu\nGiữ bí mật: có\n"
	for _, published := range []bool{false, true} {
		w := newWalker(t)
		w.ingest(outage)
		if published {
			w.command(receiver, "/accept", "forwarded")
			w.command(handler, "/resolve Đã cấp điện lại.", "resolved")
			w.command(approver, "/approve", "published")
		}
		before, deadlines := w.report(), w.deadlines()
		for _, from := range []string{"Trần Thị Bình <" + citizen + ">", "binh.tran@example.com"} {
			w.followUp(from, says)
		}
		after := w.report()
		if after.State != before.State || after.Rating != before.Rating || !after.RatedAt.Equal(before.RatedAt) ||
			after.Urgent != before.Urgent || after.Confidential || after.Routing != before.Routing ||
			after.Citizen != before.Citizen || strings.Join(after.Missing, ",") != strings.Join(before.Missing, ",") {
			t.Errorf("published %v: the report changed:\n before %+v\n after  %+v", published, before, after)
		}
		if got := w.deadlines(); fmt.Sprint(got) != fmt.Sprint(deadlines) {
			t.Errorf("published %v: the deadlines changed:\n before %v\n after  %v", published, deadlines, got)
		}
	}
}
