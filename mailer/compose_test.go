package mailer

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestStaffConversationHeaders: a staff member's mail about a report has
// the conversation's subject and Thread-Topic whatever its kind, and an
// urgent report's notice says so with Importance, which Outlook shows in
// its list, since the subject no longer can; mail to the citizen and mail
// about no conversation keep their own subject.
func TestStaffConversationHeaders(t *testing.T) {
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)
	th := thread.Notice(nil, "tiepnhan@example.gov.vn", at)
	for _, c := range []struct {
		name           string
		kind           string
		data           any
		threaded       bool
		subject        string
		important, top bool
	}{
		{"urgent triage", "triage", templates.Triage{Code: "PA-2026-000042", Urgent: true}, true, "[PA-2026-000042] Phản ánh hiện trường", true, true},
		{"triage", "triage", templates.Triage{Code: "PA-2026-000042"}, true, "[PA-2026-000042] Phản ánh hiện trường", false, true},
		{"urgent reminder", "reminder", templates.Reminder{DeadlineNotice: templates.DeadlineNotice{Code: "PA-2026-000042", Step: "intake", Urgent: true}},
			true, "[PA-2026-000042] Phản ánh hiện trường", true, true},
		{"no conversation", "triage", templates.Triage{Code: "PA-2026-000042", Urgent: true}, false,
			"[PA-2026-000042] KHẨN CẤP – Phản ánh mới: chưa phân loại", false, false},
	} {
		data, _ := json.Marshal(c.data)
		m := store.Mail{ID: 1, ReportID: 1, ReportCode: "PA-2026-000042", Kind: c.kind, To: "tiepnhan@example.gov.vn", Role: "receiver",
			MessageID: "x@haugiang.gov.vn", Lang: "vi", Data: data, CreatedAt: at}
		if c.threaded {
			th.Set(&m)
		}
		msg, err := Compose(set, Sender{Address: "phananh@haugiang.gov.vn"}, m)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := msg.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		h, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(h.Header.Get("Subject"))
		topic, _ := new(mime.WordDecoder).DecodeHeader(h.Header.Get("Thread-Topic"))
		if subject != c.subject || (topic == subject) != c.top {
			t.Errorf("%s: subject %q, Thread-Topic %q; want %q", c.name, subject, topic, c.subject)
		}
		if got := h.Header.Get("Importance") == "high"; got != c.important {
			t.Errorf("%s: Importance %q", c.name, h.Header.Get("Importance"))
		}
	}
}

// TestMessageShape: a mail with a photo the HTML shows and a document
// attached is multipart/mixed around multipart/related around the two
// alternatives; every line ends with CRLF and keeps within 76 characters;
// the sender's Vietnamese name, the subject and the file names decode to
// what they were; a received identifier with a space is left out of
// References; and the same mail is written as the same bytes.
func TestMessageShape(t *testing.T) {
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(templates.Ack{Code: "PA-2026-000042"})
	m := store.Mail{ID: 1, ReportCode: "PA-2026-000042", Kind: "ack", To: "dan@example.com", Role: "citizen", Lang: "vi",
		MessageID: "phananh.1@haugiang.gov.vn", InReplyTo: "a@example.com", References: []string{"r@example.com", "bad id@example.com"},
		Data: data, CreatedAt: time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)}
	from := Sender{Address: "phananh@haugiang.gov.vn", Name: "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Hậu Giang"}
	write := func() []byte {
		msg, err := Compose(set, from, m)
		if err != nil {
			t.Fatal(err)
		}
		msg.Embed("ảnh hiện trường.jpg", "image/jpeg", "anh-1@phananh", strings.NewReader("JPEG"))
		msg.Attach("biên bản.pdf", "application/pdf", strings.NewReader("%PDF"))
		var b bytes.Buffer
		if _, err := msg.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	raw := write()
	if !bytes.Equal(raw, write()) {
		t.Error("the same mail written twice differs")
	}
	for i, l := range bytes.Split(raw, []byte("\r\n")) {
		if len(l) > 76 || bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d: %q", i+1, l)
		}
	}
	h, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(h.Header.Get("Subject"))
	sender, err := h.Header.AddressList("From")
	if err != nil || len(sender) != 1 || sender[0].Name != from.Name || subject != "[PA-2026-000042] Phản ánh hiện trường" ||
		h.Header.Get("References") != "<r@example.com> <a@example.com>" || h.Header.Get("MIME-Version") != "1.0" {
		t.Errorf("From %v (%v), Subject %q, References %q", sender, err, subject, h.Header.Get("References"))
	}
	shape := []string{h.Header.Get("Content-Type")[:len("multipart/mixed")]}
	goParts(t, raw, func(p *gomessage.Part) {
		typ, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		body, _ := io.ReadAll(p.Body)
		switch {
		case typ == "text/plain" && !strings.Contains(string(body), "PA-2026-000042"):
			t.Errorf("text: %q", body)
		case typ == "image/jpeg" && (string(body) != "JPEG" || p.Header.Get("Content-Id") != "<anh-1@phananh>"):
			t.Errorf("photo: %q, Content-ID %q", body, p.Header.Get("Content-Id"))
		}
		if name := params["name"]; name != "" {
			// Encoded words in the quotes, as Gmail and Outlook write
			// them, which every reader decodes.
			name, _ = dec.DecodeHeader(name)
			typ += " " + name
		}
		shape = append(shape, typ)
	})
	want := "multipart/mixed text/plain text/html image/jpeg ảnh hiện trường.jpg application/pdf biên bản.pdf"
	if got := strings.Join(shape, " "); got != want {
		t.Errorf("parts %s; want %s", got, want)
	}
	if !bytes.Contains(raw, []byte(`multipart/related; boundary=`)) || !bytes.Contains(raw, []byte(`type="multipart/alternative"`)) {
		t.Errorf("no multipart/related with its type:\n%s", raw)
	}
}

// TestTemplatesLinesEncodedOnce: the starts of a set's lines are encoded
// when NewTemplates pairs them with the set, and every mail composed
// with it copies those, not encodings of its own; a set loaded again
// gets its own.
func TestTemplatesLinesEncodedOnce(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	first := w.Templates()
	again, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	reloaded := NewTemplates(again)
	if first.lines == nil || reloaded.lines == nil || reloaded.lines == first.lines {
		t.Fatalf("lines %p, reloaded %p: want each set its own", first.lines, reloaded.lines)
	}
	for _, m := range reportMails(t, db) {
		for _, c := range []struct {
			name string
			tpl  *Templates
		}{{"first", first}, {"first again", first}, {"reloaded", reloaded}, {"first after", first}} {
			msg, err := c.tpl.Compose(w.From, m)
			if err != nil {
				t.Fatal(err)
			}
			if msg.lines != c.tpl.lines {
				t.Errorf("%s, %s: the mail's lines are not its set's", m.Kind, c.name)
			}
			msg.Release()
		}
	}
	msg, err := Compose(first.Set, w.From, reportMails(t, db)[0])
	if err != nil {
		t.Fatal(err)
	}
	if msg.lines != nil {
		t.Error("Compose of a bare set copies encoded lines; want its bodies encoded whole")
	}
}

// TestSetsInTurnEncodeNoLines: mails composed in turn with two sets of
// templates (a set and the one loaded again on SIGHUP, or two workers')
// encode the starts of their lines no more than mails of one set do: a
// mail of each costs what two of one cost.
func TestSetsInTurnEncodeNoLines(t *testing.T) {
	db := openStore(t)
	first, _ := newWorker(t, db, io.Discard)
	reloaded, _ := newWorker(t, db, io.Discard)
	m := reportMails(t, db)[0]
	compose := func(w *Worker) {
		msg, err := w.compose(m, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		msg.Release()
	}
	one := testing.AllocsPerRun(20, func() { compose(first); compose(first) })
	inTurn := testing.AllocsPerRun(20, func() { compose(first); compose(reloaded) })
	t.Logf("allocations: %.0f one set, %.0f two in turn", one, inTurn)
	if inTurn > one+one/10 {
		t.Errorf("two sets in turn: %.0f allocations for two mails, one set: %.0f", inTurn, one)
	}
}

// TestBodiesWithTemplateLinesAsWithout: a report's two mails written with
// the encodings of their templates' line starts copied (NewTemplates)
// are byte for byte the mails encoded whole, and a line of their
// templates is among their bodies'.
func TestBodiesWithTemplateLinesAsWithout(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	set := w.Templates()
	for _, m := range reportMails(t, db) {
		var written [2][]byte
		for i, lines := range []bool{true, false} {
			msg, err := set.Compose(w.From, m)
			if err != nil {
				t.Fatal(err)
			}
			if !lines {
				msg.lines = nil
			}
			var b bytes.Buffer
			if _, err := msg.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			msg.Release()
			written[i] = b.Bytes()
		}
		if !bytes.Equal(written[0], written[1]) {
			t.Errorf("%s: with the lines\n%s\nwithout\n%s", m.Kind, written[0], written[1])
		}
		if !bytes.Contains(written[0], []byte("\r\n<table style=3D\"border-collapse: collapse;\">\r\n")) {
			t.Errorf("%s: a line of the template not written", m.Kind)
		}
	}
}

// parsedFields are an address's fields as mail.ParseAddress makes them.
func parsedFields(s string) (field, env string, err error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", "", err
	}
	return a.String(), envelope(a), nil
}

// TestAddressFields: an address's header field and envelope are those
// mail.ParseAddress reads, whether it is bare or not.
func TestAddressFields(t *testing.T) {
	for _, c := range []struct {
		addr string
		bare bool
	}{
		{"dan7@example.com", true},
		{"phananh+t.QrStUvWxYzAbCdEf@haugiang.gov.vn", true},
		{"o'neil_{x}|y~z@mail-1.example.vn", true},
		{"a@b", true},
		{"Nguyễn Văn A <a@example.com>", false},
		{"<a@example.com>", false},
		{" a@example.com", false},
		{"a.@example.com", false},
		{".a@example.com", false},
		{"a..b@example.com", false},
		{"a@example..com", false},
		{"a@example.com.", false},
		{"a@ex_ample.com", false},
		{"a@@example.com", false},
		{"a@", false},
		{"@example.com", false},
		{"a", false},
		{"\"a b\"@example.com", false},
		{"anh@ví-dụ.vn", false},
		{"a@[127.0.0.1]", false},
		{"a@example.com (Anh)", false},
	} {
		if got := bare(c.addr); got != c.bare {
			t.Errorf("%q: bare %v, want %v", c.addr, got, c.bare)
		}
		field, env, err := addressFields(c.addr)
		wantField, wantEnv, wantErr := parsedFields(c.addr)
		if field != wantField || env != wantEnv || (err == nil) != (wantErr == nil) {
			t.Errorf("%q: %q, %q, %v; want %q, %q, %v", c.addr, field, env, err, wantField, wantEnv, wantErr)
		}
	}
}

// FuzzBareAddress: a bare address is one mail.ParseAddress reads as
// itself, with no name, and its fields are those it makes.
func FuzzBareAddress(f *testing.F) {
	for _, s := range []string{"dan7@example.com", "a.b+c@d-e.f", "x@y", "a..b@c", "a@b.", "a b@c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !bare(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Fatalf("%q: bare, but parsed as %+v, %v", s, a, err)
		}
		field, env, _ := addressFields(s)
		if field != a.String() || env != envelope(a) {
			t.Fatalf("%q: %q, %q; parsed %q, %q", s, field, env, a.String(), envelope(a))
		}
	})
}
