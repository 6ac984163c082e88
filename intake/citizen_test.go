package intake

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestRatings reads the first new line of the citizen's reply to the
// result as a rating, longest phrase first: "không hài lòng" is never
// "hài lòng". The agency's handlers are told of every rating, the
// approvers of a dissatisfied one (SPEC 7.4).
func TestRatings(t *testing.T) {
	const told = " rated→" + handler
	for _, c := range []struct {
		reply, rating, state, mail string
	}{
		{"Không hài lòng\n\nĐường dây vẫn chùng.", "khong-hai-long", "closed", "thanks→" + citizen + told + " rated→" + approver},
		{"khong hai long", "khong-hai-long", "closed", "thanks→" + citizen + told + " rated→" + approver},
		{"Chưa hài lòng.", "khong-hai-long", "closed", "thanks→" + citizen + told + " rated→" + approver},
		{"3", "khong-hai-long", "closed", "thanks→" + citizen + told + " rated→" + approver},
		{"Rất hài lòng!", "rat-hai-long", "closed", "thanks→" + citizen + told},
		{"hai long", "hai-long", "closed", "thanks→" + citizen + told},
		{"2 – Hài lòng", "hai-long", "closed", "thanks→" + citizen + told},
		{"Hài lòng nhưng dây vẫn chùng, đề nghị kiểm tra lại.", "", "published", "citizen-reply→" + handler},
		{"Tôi không hài lòng vì chưa sửa xong.", "", "published", "citizen-reply→" + handler},
	} {
		t.Run(c.reply, func(t *testing.T) {
			w := publishedReport(t)
			mark := 0
			w.sentSince(&mark)
			out := w.reply(citizen, c.reply)
			r := w.report()
			if out.Kind != KindReply || r.State != c.state || r.Rating != c.rating {
				t.Errorf("%+v: state %s, rating %q; want %s, %q", out, r.State, r.Rating, c.state, c.rating)
			}
			if got := owed(w.sentSince(&mark)); got != c.mail {
				t.Errorf("mail owed %s, want %s", got, c.mail)
			}
		})
	}
}

// TestRatingReason: the lines under a rating are its reason, kept with the
// rating and shown to the handlers and the Center; a dissatisfied rating
// goes with its reason to the approvers (SPEC 7.4). On a confidential
// report the agency reads the reason without the citizen's identity.
func TestRatingReason(t *testing.T) {
	w := publishedReport(t)
	w.reply(citizen, "Không hài lòng\n\nĐiện có lại nhưng tối nào cũng chập chờn.\nNguyễn Văn An, 0912 345 678\n")
	es := w.events()
	if e := es[len(es)-1]; e.Command != "rate" || e.Detail["text"] != "Điện có lại nhưng tối nào cũng chập chờn.\nNguyễn Văn An, 0912 345 678" {
		t.Errorf("the rating's event %+v", e)
	}
	rated := w.renderAll()["rated"]
	if len(rated) != 2 {
		t.Fatalf("%d rated notices, want the handler's and the approver's", len(rated))
	}
	for _, r := range rated {
		if !strings.Contains(r.Text, "Không hài lòng") || !strings.Contains(r.Text, "tối nào cũng chập chờn") {
			t.Errorf("the rated notice lacks the rating or its reason:\n%s", r.Text)
		}
		// The reason is the notice's news: told once, not again in the
		// report's details below.
		if n := strings.Count(r.Text, "tối nào cũng chập chờn"); n != 1 {
			t.Errorf("the rated notice shows the reason %d times:\n%s", n, r.Text)
		}
		if n := strings.Count(r.HTML, "tối nào cũng chập chờn"); n != 1 {
			t.Errorf("the rated notice's HTML shows the reason %d times", n)
		}
	}
	if !strings.Contains(rated[1].Text, "/escalate") {
		t.Errorf("the approver is not told how to escalate:\n%s", rated[1].Text)
	}
	// The Center's /status shows the reason too.
	mark := 0
	w.sentSince(&mark)
	w.reply(receiver, "/status")
	status := w.renderAll()["status"]
	if len(status) == 0 || !strings.Contains(status[len(status)-1].Text, "Lý do người phản ánh nêu:\n| Điện có lại") {
		t.Errorf("/status does not show the rating's reason")
	}

	w = publishedReport(t)
	w.command(receiver, "/confidential", "published")
	w.reply(citizen, "3\nNguyễn Văn An, 0912 345 678: chưa sửa xong.")
	for _, m := range w.mails(t, w.code) {
		if m.Kind == "rated" && m.To == handler && (strings.Contains(string(m.Data), "0912") || strings.Contains(string(m.Data), "Nguyễn Văn An")) {
			t.Errorf("the agency reads the confidential citizen's identity: %s", m.Data)
		}
	}
}

// TestAlreadyRated answers a second rating and keeps the first.
func TestAlreadyRated(t *testing.T) {
	w := publishedReport(t)
	w.reply(citizen, "1")
	mark := 0
	w.sentSince(&mark)
	out := w.reply(citizen, "Không hài lòng")
	if r := w.report(); r.Rating != "rat-hai-long" || r.State != "closed" || out.Reason != "already rated" {
		t.Errorf("after a second rating: %s %q (%+v)", r.State, r.Rating, out)
	}
	sent := w.sentSince(&mark)
	if owed(sent) != "already-rated→"+citizen || sent[0].InReplyTo == "" {
		t.Errorf("mail owed %s", owed(sent))
	}
	if text := w.renderAll()["already-rated"][0].Text; !strings.Contains(text, "«Rất hài lòng»") {
		t.Errorf("the answer does not name the rating:\n%s", text)
	}
}

// TestClarification: a reply to the result that is no rating goes to the
// agency's handlers as plain text, with the clarification deadline; their
// /clarify goes to the citizen and meets it.
func TestClarification(t *testing.T) {
	w := publishedReport(t)
	mark := 0
	w.sentSince(&mark)
	html := "--A\nContent-Type: text/html; charset=UTF-8\n\n<p>Đầu ấp 3 <b>vẫn</b> còn mất điện.</p><script>x()</script>\n--A--\n"
	out := w.reply(citizen, html, "MIME-Version: 1.0", `Content-Type: multipart/alternative; boundary="A"`)
	if out.State != "published" {
		t.Fatalf("%+v", out)
	}
	sent := w.sentSince(&mark)
	if owed(sent) != "citizen-reply→"+handler {
		t.Fatalf("mail owed %s", owed(sent))
	}
	if d := w.deadlines()["clarification"]; d.State != "open" || d.Due.IsZero() {
		t.Errorf("clarification deadline %+v", d)
	}
	text := w.renderAll()["citizen-reply"][0]
	if !strings.Contains(text.Text, "Đầu ấp 3 vẫn còn mất điện.") || strings.Contains(text.HTML, "<b>vẫn</b>") || strings.Contains(text.HTML, "<script>") {
		t.Errorf("the citizen's words are not re-rendered as text:\n%s", text.HTML)
	}
	w.command(handler, "/giaitrinh Đoạn đầu ấp thuộc lưới của xã, đã báo UBND xã.", "published")
	sent = w.sentSince(&mark)
	if owed(sent) != "clarification→"+citizen+" confirmation→"+handler {
		t.Errorf("/clarify owes %s", owed(sent))
	}
	if d := w.deadlines()["clarification"]; d.State != "met" {
		t.Errorf("clarification deadline after /clarify: %s", d.State)
	}
}

// TestCitizenNote: a reply on an open report is added as the citizen's
// note, and whoever holds the report is told; a rating word before the
// result is a note too.
func TestCitizenNote(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	if out := w.reply(citizen, "Số nhà tôi là 12, ấp 3."); out.Kind != KindReply || out.State != "received" {
		t.Fatalf("%+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "citizen-note→"+receiver {
		t.Errorf("a note on a received report owes %s", got)
	}
	es := w.events()
	if e := es[len(es)-1]; e.Command != "reply" || e.Actor != "citizen" || e.Detail["text"] != "Số nhà tôi là 12, ấp 3." {
		t.Errorf("note event %+v", e)
	}
	w.command(receiver, "/accept", "forwarded")
	w.sentSince(&mark)
	if out := w.reply(citizen, "Hài lòng"); out.State != "forwarded" || w.report().Rating != "" {
		t.Errorf("a rating before the result: %+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "citizen-note→"+handler {
		t.Errorf("a note on a forwarded report owes %s", got)
	}
}

// TestEnglishCitizen: mail to a citizen who wrote English is in English,
// the result notice included.
func TestEnglishCitizen(t *testing.T) {
	w := newWalker(t)
	out := w.send(report("John Smith <"+citizen+">", "en@x", "Power cut",
		"The power has been cut in hamlet 3, Vi Dong commune, Vi Thuy district since this morning. Please fix it.\nPhone: 0912 345 678\n"))
	w.code = out.Code
	w.command(receiver, "/assign dien-luc", "forwarded")
	w.command(handler, "/resolve Đã cấp điện lại.", "resolved")
	w.command(approver, "/approve", "published")
	for _, m := range w.mails(t, w.code) {
		if m.Role == "citizen" && m.Lang != "en" {
			t.Errorf("%s to the citizen in %s", m.Kind, m.Lang)
		}
	}
	mail := w.renderAll()
	for kind, want := range map[string][]string{
		"ack":       {"Category: Electricity", "Area: Vị Thủy District"},
		"forwarded": {"to the Hậu Giang Power Company, the agency responsible", "Category: Electricity"},
		"result":    {"Reference number: " + w.code, "Category: Electricity", "Agency responsible: Hậu Giang Power Company"},
	} {
		text := mail[kind][0].Text
		for _, s := range want {
			if !strings.Contains(text, s) {
				t.Errorf("the English %s lacks %q:\n%s", kind, s, text)
			}
		}
		if strings.Contains(text, "Điện") {
			t.Errorf("the English %s names the field or the agency in Vietnamese:\n%s", kind, text)
		}
	}
}

// TestConfidentialityAskedInRating: a rating whose reason asks to keep the
// citizen's name confidential closes the report as any rating and makes it
// confidential: the agency reads the reason masked and told of the
// request; the receivers are told what the agency received cannot be
// recalled.
func TestConfidentialityAskedInRating(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/resolve Đã cấp điện lại.", "resolved")
	w.command(approver, "/approve", "published")
	mark := 0
	w.sentSince(&mark)
	if out := w.reply(citizen, "3\nĐiện vẫn chập chờn. Đề nghị giấu tên tôi, Nguyễn Văn An, 0912 345 678.\n"); out.State != "closed" {
		t.Fatalf("the rating: %+v", out)
	}
	if !w.report().Confidential {
		t.Fatalf("the rating's request did not make the report confidential")
	}
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]string{}
	for _, m := range w.sentSince(&mark) {
		r, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			t.Fatal(err)
		}
		told[m.Kind+"→"+m.To] = r.Text
	}
	rated := told["rated→"+handler]
	if strings.Contains(rated, "0912") || strings.Contains(rated, "Nguyễn Văn An") || !strings.Contains(rated, "đề nghị giữ bí mật danh tính") {
		t.Errorf("the agency's rating notice:\n%s", rated)
	}
	if center := told["citizen-note→"+receiver]; !strings.Contains(center, "không thể thu hồi") {
		t.Errorf("the receivers' notice:\n%s", center)
	}
}

// TestReferenceOnlyReplyAsksConfidentiality: a reply from the citizen's
// address that only refers to a mail we sent them — without their reply
// token: our Message-IDs are visible to staff and travel in forwarded mail
// (SPEC 7.4) — is the citizen's note, but its request for confidentiality
// flags the report only when our border authenticated it (SPEC 7.3 (c));
// otherwise the agency holding the report and the receivers are asked to
// decide, as for an unverified follow-up.
func TestReferenceOnlyReplyAsksConfidentiality(t *testing.T) {
	for _, authenticated := range []bool{false, true} {
		w := newWalker(t)
		w.ingest(outage)
		w.command(receiver, "/accept", "forwarded")
		mark := 0
		var ours string
		for _, m := range w.sentSince(&mark) {
			if m.Kind == "forwarded" {
				ours = m.MessageID
			}
		}
		h := []string{"From: " + citizen, "To: phananh@haugiang.gov.vn", "Subject: Re: [" + w.code + "] thư thông báo",
			"Message-ID: <ref-1@example.net>", "In-Reply-To: <" + ours + ">"}
		if authenticated {
			h = append(h, citizenAuthenticated)
		}
		if out := w.send(eml(h, "Tôi xin giấu tên.\n")); out.Kind != KindReply || out.Reason != "" {
			t.Fatalf("the reply: %+v", out)
		}
		if got := w.report().Confidential; got != authenticated {
			t.Errorf("authenticated %v: confidential %v", authenticated, got)
		}
		sent := w.sentSince(&mark)
		slices.SortFunc(sent, func(a, b store.Mail) int { return strings.Compare(a.To, b.To) })
		if got := owed(sent); got != "citizen-note→"+receiver+" citizen-note→"+handler {
			t.Fatalf("authenticated %v: mail owed %s", authenticated, got)
		}
		for _, m := range sent {
			var n templates.Notice
			json.Unmarshal(m.Data, &n)
			if n.ConfidentialRequested == authenticated || n.ConfidentialAsked != authenticated {
				t.Errorf("authenticated %v: the notice to %s: requested %v, asked %v", authenticated, m.To, n.ConfidentialRequested, n.ConfidentialAsked)
			}
		}
	}
}
