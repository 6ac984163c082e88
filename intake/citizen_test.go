package intake

import (
	"strings"
	"testing"
)

// TestRatings reads the first new line of the citizen's reply to the
// result as a rating, longest phrase first: "không hài lòng" is never
// "hài lòng".
func TestRatings(t *testing.T) {
	for _, c := range []struct {
		reply, rating, state, mail string
	}{
		{"Không hài lòng\n\nĐường dây vẫn chùng.", "khong-hai-long", "closed", "thanks"},
		{"khong hai long", "khong-hai-long", "closed", "thanks"},
		{"Chưa hài lòng.", "khong-hai-long", "closed", "thanks"},
		{"3", "khong-hai-long", "closed", "thanks"},
		{"Rất hài lòng!", "rat-hai-long", "closed", "thanks"},
		{"hai long", "hai-long", "closed", "thanks"},
		{"2 – Hài lòng", "hai-long", "closed", "thanks"},
		{"Hài lòng nhưng dây vẫn chùng, đề nghị kiểm tra lại.", "", "published", "citizen-reply"},
		{"Tôi không hài lòng vì chưa sửa xong.", "", "published", "citizen-reply"},
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
			sent := w.sentSince(&mark)
			if len(sent) != 1 || sent[0].Kind != c.mail {
				t.Errorf("mail owed %s, want one %s", owed(sent), c.mail)
			}
		})
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
	if text := w.renderAll()["result"][0].Text; !strings.Contains(text, "Report code: "+w.code) || !strings.Contains(text, "Handling agency: Công ty Điện lực Hậu Giang") {
		t.Errorf("English result notice:\n%s", text)
	}
}
