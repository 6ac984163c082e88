package intake

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// The staff of the lifecycle tests: the Center's receiver and approver,
// the power company's handler, a district's handler, and the IT team's
// admin.
const (
	receiver  = "tiepnhan@example.gov.vn"
	approver  = "pheduyet@example.gov.vn"
	handler   = "xuly@dienluc.example.gov.vn"
	districtH = "xuly@vithuy.example.gov.vn"
	admin     = "quantri@example.gov.vn"
	citizen   = "an.nguyen@gmail.com"
)

// walker drives one report through the pipeline with replies as staff and
// the citizen would write them.
type walker struct {
	*fixture
	t    testing.TB
	code string
	at   time.Time // the received time of the next message
	n    int
}

func newWalker(t testing.TB) *walker {
	f := newFixture(t)
	f.p.Staff = fixedStaff(Staff{
		{Email: receiver, Name: "Tổ tiếp nhận", Role: "receiver"},
		{Email: approver, Name: "Lãnh đạo Trung tâm", Role: "approver"},
		{Email: handler, Name: "Điện lực Hậu Giang", Role: "handler", Agency: "dien-luc"},
		{Email: districtH, Name: "UBND huyện Vị Thủy", Role: "handler", Agency: "ubnd-vi-thuy"},
		{Email: admin, Name: "Quản trị hệ thống", Role: "admin"},
	})
	f.p.EscalationAddress = "sotttt@haugiang.gov.vn"
	f.p.TrustedAuthservID = "mail.haugiang.gov.vn"
	return &walker{fixture: f, t: t, at: received}
}

// ingest sends the citizen's report.
func (w *walker) ingest(body string) Outcome {
	w.t.Helper()
	out := w.send(report("Nguyễn Văn An <"+citizen+">", "r1@mail.gmail.com", "Mất điện kéo dài", body))
	if out.Kind != KindReport {
		w.t.Fatalf("report: %+v", out)
	}
	w.code = out.Code
	return out
}

// send processes a message received 10 minutes after the previous one.
func (w *walker) send(raw string) Outcome {
	w.t.Helper()
	out, err := w.p.Process(context.Background(), Source{ReceivedAt: w.at, Body: strings.NewReader(raw)})
	if err != nil {
		w.t.Fatal(err)
	}
	w.at = w.at.Add(10 * time.Minute)
	return out
}

// replyAddr is the reply address a notice to addr carries.
func (w *walker) replyAddr(aud token.Audience, addr string) string {
	return token.Address(w.p.Address, w.p.Tokens.Mint(w.report().ID, aud, addr, w.p.now()))
}

// reply is a reply from addr to its reply address for the report.
func (w *walker) reply(from, body string, headers ...string) Outcome {
	w.t.Helper()
	addr := from
	if a, err := mail.ParseAddress(from); err == nil {
		addr = a.Address
	}
	aud := token.Operator
	if strings.EqualFold(addr, citizen) {
		aud = token.Citizen
	}
	w.n++
	h := append([]string{"From: " + from, "To: " + w.replyAddr(aud, addr), "Subject: Re: [" + w.code + "] thư thông báo",
		// Each mail a client sends has its own Date, to the second.
		fmt.Sprintf("Message-ID: <reply-%d@example.net>", w.n), fmt.Sprintf("Date: Mon, 23 Nov 2026 09:%02d:%02d +0700", w.n/60%60, w.n%60)}, headers...)
	return w.send(eml(h, body))
}

// command sends a reply from staff and checks that it was applied.
func (w *walker) command(from, body, state string) {
	w.t.Helper()
	out := w.reply(from, body)
	if out.Kind != KindCommand || out.State != state || out.Reason != "" {
		w.t.Fatalf("%s %q: %+v, want state %s", from, body, out, state)
	}
}

func (w *walker) report() store.Report {
	w.t.Helper()
	var r store.Report
	err := w.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = tx.Report(w.code)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *walker) events() []store.Event {
	var es []store.Event
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ := tx.Report(w.code)
		es, _ = tx.Events(r.ID)
		return nil
	})
	return es
}

func (w *walker) deadlines() map[string]store.Deadline {
	out := map[string]store.Deadline{}
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ := tx.Report(w.code)
		ds, _ := tx.Deadlines(r.ID)
		for _, d := range ds {
			out[d.Kind] = d
		}
		return nil
	})
	return out
}

// sent returns the mails of the report written since the mark, and moves
// the mark.
func (w *walker) sentSince(mark *int) []store.Mail {
	var all []store.Mail
	w.db.Read(context.Background(), func(tx *store.Tx) error {
		due, _ := tx.DueMail(w.at.Add(365*24*time.Hour), 10000)
		all = due
		return nil
	})
	out := all[min(*mark, len(all)):]
	*mark = len(all)
	return out
}

// owed lists "kind→address" of mails.
func owed(ms []store.Mail) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.Kind+"→"+m.To)
	}
	return strings.Join(s, " ")
}

// renderAll renders every mail owed with the embedded templates: the data
// the pipeline writes must fit the templates.
func (w *walker) renderAll() map[string][]templates.Rendered {
	w.t.Helper()
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string][]templates.Rendered{}
	mark := 0
	for _, m := range w.sentSince(&mark) {
		r, err := set.Render(m.Kind, m.Lang, m.Data)
		if err != nil {
			w.t.Fatalf("mail %s to %s does not render: %v", m.Kind, m.To, err)
		}
		out[m.Kind] = append(out[m.Kind], r)
	}
	return out
}

// photoPart is a MIME part with the test photo (GPS in its EXIF).
func photoPart(t *testing.T, boundary, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	return "--" + boundary + "\nContent-Type: image/jpeg; name=\"" + name + "\"\nContent-Disposition: attachment; filename=\"" + name +
		"\"\nContent-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString(b) + "\n"
}
