package mailer

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/mail"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestStaffConversationHeaders: a staff member's mail about a report has
// the conversation's subject and Thread-Topic whatever its kind, and an
// urgent report's notice says so with Importance, which Outlook shows in
// its list, since the subject no longer can; mail to the citizen and mail
// about no conversation keep their own subject.
func TestStaffConversationHeaders(t *testing.T) {
	set, err := templates.Load("")
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
