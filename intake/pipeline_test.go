package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

var received = time.Date(2026, 11, 23, 8, 15, 0, 0, time.FixedZone("ICT", 7*3600))

type fixture struct {
	p   *Pipeline
	db  *store.DB
	dir string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"),
		Key: bytes.Repeat([]byte{3}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cal, err := calendar.New(calendar.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := token.NewKeys(bytes.Repeat([]byte{4}, 32), nil, 30*24*time.Hour)
	table := routing.Default()
	p := &Pipeline{
		DB: db, Routing: func() *routing.Table { return table }, Calendar: cal, Limits: parse.DefaultLimits(), Tokens: keys,
		Address: "phananh@haugiang.gov.vn", QuarantineFolder: "Quarantine",
		Staff: fixedStaff(Staff{{Email: "tiepnhan1@example.gov.vn", Role: "receiver"}, {Email: "tiepnhan2@example.gov.vn", Role: "receiver"},
			{Email: "xuly@dienluc.example.gov.vn", Role: "handler", Agency: "dien-luc"}}),
		RepliesPerHour: 5, DuplicateWindow: 24 * time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return received.Add(time.Minute) },
	}
	return &fixture{p: p, db: db, dir: dir}
}

// eml builds a message from header lines and a body.
func eml(headers []string, body string) string {
	h := strings.Join(headers, "\r\n")
	if !strings.Contains(h, "Content-Type:") {
		h += "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit"
	}
	return h + "\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
}

func report(from, msgID, subject, body string) string {
	return eml([]string{"From: " + from, "To: phananh@haugiang.gov.vn", "Subject: " + subject, "Message-ID: <" + msgID + ">",
		"Date: Mon, 23 Nov 2026 08:10:00 +0700"}, body)
}

const outage = "Khu vực ấp 3 xã Vị Đông, huyện Vị Thủy bị cúp điện từ sáng đến giờ chưa có lại.\nSố điện thoại: 0912 345 678\n\nTrân trọng,\nNguyễn Văn An\n"

func (f *fixture) process(t *testing.T, raw string) Outcome {
	t.Helper()
	out, err := f.p.Process(context.Background(), Source{ReceivedAt: received, Body: strings.NewReader(raw)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) mails(t testing.TB, code string) []store.Mail {
	t.Helper()
	var mails []store.Mail
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			t.Fatal(err)
		}
		mails, err = tx.ReportMail(r.ID)
		return err
	})
	return mails
}

func TestNewReport(t *testing.T) {
	f := newFixture(t)
	out := f.process(t, report("Nguyễn Văn An <an.nguyen@gmail.com>", "r1@mail.gmail.com", "Mất điện kéo dài", outage))
	want := Outcome{Kind: KindReport, Code: "PA-2026-000001", State: "received", Field: "dien", Unit: "vi-thuy", Agency: "dien-luc"}
	if out != want {
		t.Fatalf("outcome %+v, want %+v", out, want)
	}
	mails := f.mails(t, out.Code)
	if len(mails) != 3 {
		t.Fatalf("%d mails owed, want the acknowledgement and two triage notices", len(mails))
	}
	ack := mails[0]
	if ack.Kind != "ack" || ack.To != "an.nguyen@gmail.com" || ack.Role != "citizen" || ack.InReplyTo != "r1@mail.gmail.com" || ack.Lang != "vi" {
		t.Errorf("acknowledgement %+v", ack)
	}
	tok := token.FromAddress("phananh@haugiang.gov.vn", ack.ReplyTo)
	if id, err := f.p.Tokens.Check(tok, token.Citizen, "an.nguyen@gmail.com", received); err != nil || id == 0 {
		t.Errorf("acknowledgement reply-to %q: %v", ack.ReplyTo, err)
	}
	for i, to := range []string{"tiepnhan1@example.gov.vn", "tiepnhan2@example.gov.vn"} {
		m := mails[i+1]
		if m.Kind != "triage" || m.To != to || token.FromAddress("phananh@haugiang.gov.vn", m.ReplyTo) == "" {
			t.Errorf("triage notice %d: %+v", i, m)
		}
	}
	var r store.Report
	var deadlines []store.Deadline
	var events []store.Event
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ = tx.Report(out.Code)
		deadlines, _ = tx.Deadlines(r.ID)
		events, _ = tx.Events(r.ID)
		return nil
	})
	if r.Citizen.Phone != "0912345678" || r.Citizen.Name != "Nguyễn Văn An" || !r.ReceivedAt.Equal(received) {
		t.Errorf("report %+v", r)
	}
	if len(deadlines) != 1 || deadlines[0].Kind != "intake" || !deadlines[0].Due.Equal(received.Add(2*time.Hour)) {
		t.Errorf("deadlines %+v, want intake due at 10:15", deadlines)
	}
	if len(events) != 1 || events[0].Command != "ingest" || events[0].To != "received" || events[0].MessageID == 0 {
		t.Errorf("events %+v", events)
	}
}

func TestSameMessageTwice(t *testing.T) {
	f := newFixture(t)
	raw := report("an@gmail.com", "r1@x", "Mất điện", outage)
	first := f.process(t, raw)
	again := f.process(t, raw)
	if again.Kind != KindDuplicate || again.Code != first.Code {
		t.Errorf("second time: %+v", again)
	}
	if n := len(f.mails(t, first.Code)); n != 3 {
		t.Errorf("%d mails after the repeat, want 3", n)
	}
}

func TestSameContentWithinADay(t *testing.T) {
	f := newFixture(t)
	first := f.process(t, report("an@gmail.com", "r1@x", "Mất điện", outage))
	second := f.process(t, report("an@gmail.com", "r2@x", "Mất điện nữa", outage))
	other := f.process(t, report("binh@gmail.com", "r3@x", "Mất điện", outage))
	if second.Kind != KindReport || second.Code == first.Code {
		t.Fatalf("second: %+v", second)
	}
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ := tx.Report(second.Code)
		if r.DuplicateOf != first.Code {
			t.Errorf("same sender, same content: duplicate_of %q, want %s", r.DuplicateOf, first.Code)
		}
		r, _ = tx.Report(other.Code)
		if r.DuplicateOf != "" {
			t.Errorf("another sender: duplicate_of %q", r.DuplicateOf)
		}
		return nil
	})
}

func TestNeverAnswered(t *testing.T) {
	base := []string{"To: phananh@haugiang.gov.vn", "Subject: Mất điện", "Message-ID: <auto@x>"}
	cases := []struct {
		name    string
		headers []string
		kind    string
	}{
		{"auto-submitted", []string{"From: an@gmail.com", "Auto-Submitted: auto-replied"}, KindAutoreply},
		{"precedence bulk", []string{"From: an@gmail.com", "Precedence: bulk"}, KindAutoreply},
		{"list", []string{"From: an@gmail.com", "List-Id: <news.example.com>"}, KindAutoreply},
		{"empty return path", []string{"From: an@gmail.com", "Return-Path: <>"}, KindAutoreply},
		{"mailer-daemon", []string{"From: MAILER-DAEMON@mx.example.com"}, KindAutoreply},
		{"apple vacation", []string{"From: an@gmail.com", "X-Apple-Action: VACATION"}, KindAutoreply},
		{"x-autoreply", []string{"From: an@gmail.com", "X-Autoreply: yes"}, KindAutoreply},
		{"outlook out of office", []string{"From: an@gmail.com", "Subject: Automatic reply: Mất điện"}, KindAutoreply},
		{"vietnamese subject", []string{"From: an@gmail.com", "Subject: =?UTF-8?Q?Tr=E1=BA=A3_l=E1=BB=9Di_t=E1=BB=B1_=C4=91=E1=BB=99ng:_M=E1=BA=A5t?="}, KindAutoreply},
		{"our own address", []string{"From: phananh@haugiang.gov.vn"}, KindJunk},
		{"our own reply address", []string{"From: phananh+abc@haugiang.gov.vn"}, KindJunk},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			body := outage
			if strings.Contains(strings.Join(c.headers, ""), "Subject:") {
				body = "Tôi đang nghỉ phép, sẽ trả lời khi trở lại.\n" // an automatic reply's text: no report
			}
			out := f.process(t, eml(append(c.headers, base...), body))
			if out.Kind != c.kind {
				t.Errorf("kind %s, want %s (%s)", out.Kind, c.kind, out.Reason)
			}
			f.assertNoMail(t)
		})
	}
}

func (f *fixture) assertNoMail(t *testing.T) {
	t.Helper()
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		due, _ := tx.DueMail(received.Add(time.Hour), 100)
		if len(due) != 0 {
			t.Errorf("%d mails owed, want none", len(due))
		}
		return nil
	})
}

func TestEmptyMessageIsJunk(t *testing.T) {
	f := newFixture(t)
	if out := f.process(t, report("an@gmail.com", "e@x", "", "\n  \n")); out.Kind != KindJunk {
		t.Errorf("kind %s, want junk", out.Kind)
	}
	f.assertNoMail(t)
}

func TestQuarantine(t *testing.T) {
	f := newFixture(t)
	f.p.Limits.MaxMessageBytes = 1000
	big := report("an@gmail.com", "big@x", "Video", strings.Repeat("x", 5000))
	out := f.process(t, big)
	if out.Kind != KindQuarantine || !strings.Contains(out.Reason, "larger than 1000") || !out.Quarantined() {
		t.Errorf("too large: %+v", out)
	}
	f.p.Limits = parse.DefaultLimits()
	f.p.Limits.MaxDepth = 3
	nested := eml([]string{"From: an@gmail.com", "Message-ID: <n@x>", "MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=a"}, nest(10))
	if out := f.process(t, nested); out.Kind != KindQuarantine {
		t.Errorf("nesting bomb: %+v", out)
	}
	var quarantineMail int
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		due, _ := tx.DueMail(received.Add(time.Hour), 100)
		for _, m := range due {
			if m.Kind == "quarantine" && m.Role == "receiver" {
				quarantineMail++
			}
		}
		return nil
	})
	if quarantineMail != 4 {
		t.Errorf("%d quarantine notices, want 2 messages × 2 receivers", quarantineMail)
	}
}

func nest(depth int) string {
	var b strings.Builder
	for i := range depth {
		fmt.Fprintf(&b, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i, i+1)
	}
	b.WriteString("--b" + fmt.Sprint(depth) + "\nContent-Type: text/plain\n\nhi\n")
	return strings.Replace(b.String(), "--b0", "--a", 1)
}

func TestThreads(t *testing.T) {
	f := newFixture(t)
	first := f.process(t, report("an@gmail.com", "r1@x", "Mất điện", outage))
	ack := f.mails(t, first.Code)[0]
	cases := []struct {
		name    string
		headers []string
		kind    string
	}{
		{"tag in subject", []string{"From: an@gmail.com", "Subject: Re: [" + first.Code + "] Đã tiếp nhận"}, KindReply},
		{"in-reply-to", []string{"From: an@gmail.com", "Subject: Re: cảm ơn", "In-Reply-To: <" + ack.MessageID + ">"}, KindReply},
		{"reply token", []string{"From: An@Gmail.com", "Subject: bổ sung", "To: " + ack.ReplyTo}, KindReply},
		{"operator", []string{"From: tiepnhan1@example.gov.vn", "Subject: Re: [" + first.Code + "]"}, KindCommand},
	}
	for i, c := range cases {
		raw := eml(append(c.headers, fmt.Sprintf("Message-ID: <t%d@x>", i)), "Số nhà tôi là 12.\n")
		out := f.process(t, raw)
		if out.Kind != c.kind || out.Code != first.Code {
			t.Errorf("%s: %+v, want %s of %s", c.name, out, c.kind, first.Code)
		}
	}
	// A token used from another address threads nothing: a new report.
	raw := eml([]string{"From: mallory@evil.example", "To: " + ack.ReplyTo, "Subject: bổ sung", "Message-ID: <m@x>"}, outage)
	if out := f.process(t, raw); out.Kind != KindReport || out.Code == first.Code {
		t.Errorf("stolen token: %+v", out)
	}
}

func TestAutomaticReplyLimit(t *testing.T) {
	f := newFixture(t)
	var states []string
	for i := range 7 {
		body := fmt.Sprintf("Đèn đường số %d hư, huyện Vị Thủy.\n", i)
		out := f.process(t, report("an@gmail.com", fmt.Sprintf("r%d@x", i), "Đèn đường hư", body))
		states = append(states, f.mails(t, out.Code)[0].State)
	}
	want := "queued queued queued queued queued suppressed suppressed"
	if got := strings.Join(states, " "); got != want {
		t.Errorf("acknowledgement states %s, want %s", got, want)
	}
}

func TestEnglishReport(t *testing.T) {
	f := newFixture(t)
	out := f.process(t, report("john@example.com", "en@x", "Pothole report",
		"There is a big pothole on Tran Hung Dao street, Vi Thanh city. It is dangerous for motorbikes at night.\n"))
	if ack := f.mails(t, out.Code)[0]; ack.Lang != "en" {
		t.Errorf("acknowledgement language %q, want en", ack.Lang)
	}
}

func TestBounceLinkedToReport(t *testing.T) {
	f := newFixture(t)
	first := f.process(t, report("an@gmail.com", "r1@x", "Mất điện", outage))
	ack := f.mails(t, first.Code)[0]
	dsn := eml([]string{"From: Mail Delivery System <MAILER-DAEMON@mx.gmail.com>", "To: phananh@haugiang.gov.vn",
		"Subject: Undelivered Mail Returned to Sender", "Message-ID: <dsn1@mx>", "MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="B"`},
		"--B\nContent-Type: text/plain\n\nThe mail could not be delivered.\n--B\nContent-Type: message/delivery-status\n\n"+
			"Reporting-MTA: dns; mx.gmail.com\n\nFinal-Recipient: rfc822; an@gmail.com\nAction: failed\nStatus: 5.1.1\n"+
			"--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <"+ack.MessageID+">\nSubject: x\n--B--\n")
	out := f.process(t, dsn)
	if out.Kind != KindBounce || out.Code != first.Code {
		t.Errorf("bounce: %+v, want bounce of %s", out, first.Code)
	}
	mails := f.mails(t, first.Code)
	if len(mails) != 5 || mails[3].Kind != "bounce" || mails[4].Kind != "bounce" || mails[3].Role != "receiver" {
		t.Errorf("after the bounce: %d mails; want the receivers told", len(mails))
	}
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		r, _ := tx.Report(first.Code)
		if !r.Undeliverable {
			t.Error("the report is not marked undeliverable")
		}
		return nil
	})
	// A delay is recorded and changes nothing.
	delayed := strings.Replace(strings.Replace(dsn, "Action: failed", "Action: delayed", 1), "dsn1@mx", "dsn2@mx", 1)
	if out := f.process(t, strings.Replace(delayed, "Status: 5.1.1", "Status: 4.4.1", 1)); out.Kind != KindBounce {
		t.Errorf("delay: %+v", out)
	}
	f.assertNoNewMail(t, first.Code, 5)
}

func (f *fixture) assertNoNewMail(t *testing.T, code string, want int) {
	t.Helper()
	if n := len(f.mails(t, code)); n != want {
		t.Errorf("%d mails for %s, want %d", n, code, want)
	}
}

func TestSeenUIDIsNotProcessedAgain(t *testing.T) {
	f := newFixture(t)
	src := func() Source {
		return Source{Mailbox: "INBOX", UIDValidity: 7, UID: 42, ReceivedAt: received,
			Body: strings.NewReader(report("an@gmail.com", "r1@x", "Mất điện", outage))}
	}
	first, err := f.p.Process(context.Background(), src())
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.p.Process(context.Background(), src())
	if err != nil || !again.Repeated || again.Code != first.Code {
		t.Errorf("again: %+v, %v", again, err)
	}
	var counts map[string]int
	f.db.Read(context.Background(), func(tx *store.Tx) error { counts, _ = tx.MessageCounts(); return nil })
	if counts[KindReport] != 1 || len(counts) != 1 {
		t.Errorf("messages recorded %v, want one report", counts)
	}
}

// TestNoPersonalDataAtRest ingests a report full of personal data, with a
// photo, and searches every file of the database and the data folder for it.
func TestNoPersonalDataAtRest(t *testing.T) {
	f := newFixture(t)
	body := "Họ tên: Trần Thị Bích\nSố điện thoại: 0987 654 321\nĐịa chỉ: 27 đường Nguyễn Trãi, phường 3, Vị Thanh\n" +
		"Nội dung: Nhiều hộ kinh doanh lấn chiếm vỉa hè trước số 27 đường Nguyễn Trãi.\n"
	raw := eml([]string{"From: Trần Thị Bích <bich.tran@yahoo.com.vn>", "To: phananh@haugiang.gov.vn", "Subject: Lấn chiếm vỉa hè",
		"Message-ID: <p1@yahoo>", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="X"`},
		"--X\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"+body+
			"--X\nContent-Type: image/jpeg; name=\"bich-0987654321.jpg\"\nContent-Disposition: attachment; filename=\"bich-0987654321.jpg\"\n"+
			"Content-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U\n--X--\n")
	out := f.process(t, raw)
	if out.Kind != KindReport {
		t.Fatalf("outcome %+v", out)
	}
	f.db.Close()
	needles := []string{"0987 654 321", "0987654321", "987654321", "Trần Thị Bích", "Tran Thi Bich", "bich.tran@yahoo.com.vn",
		"Nguyễn Trãi", "Nguyen Trai", "lấn chiếm vỉa hè trước"}
	filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for _, n := range needles {
			if bytes.Contains(bytes.ToLower(b), []byte(strings.ToLower(n))) {
				t.Errorf("%q found in %s", n, path)
			}
		}
		return nil
	})
}

// TestForwardedReport: a message forwarded by a configured forwarding
// address is a report of its original sender; forwarded by anyone else, it
// is the forwarder's own report.
func TestForwardedReport(t *testing.T) {
	inner := report("Nguyễn Văn An <an.nguyen@gmail.com>", "orig@gmail", "Mất điện kéo dài", outage)
	forward := func(from, id string) string {
		return eml([]string{"From: " + from, "To: phananh@haugiang.gov.vn", "Subject: Fwd: Mất điện kéo dài",
			"Message-ID: <" + id + ">", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="F"`},
			"--F\nContent-Type: text/plain; charset=UTF-8\n\nChuyển phản ánh của người dân qua đường dây nóng.\n"+
				"--F\nContent-Type: message/rfc822\n\n"+strings.ReplaceAll(inner, "\r\n", "\n")+"\n--F--\n")
	}
	f := newFixture(t)
	f.p.Forwarders = []string{"duongdaynong@haugiang.gov.vn"}
	out := f.process(t, forward("Đường dây nóng <DuongDayNong@haugiang.gov.vn>", "fwd1@haugiang"))
	if out.Kind != KindReport || out.Field != "dien" {
		t.Fatalf("forwarded: %+v", out)
	}
	if ack := f.mails(t, out.Code)[0]; ack.To != "an.nguyen@gmail.com" || ack.InReplyTo != "orig@gmail" {
		t.Errorf("acknowledgement to %s in reply to %s, want the original sender and message", ack.To, ack.InReplyTo)
	}
	other := f.process(t, forward("ai.do@example.com", "fwd2@example"))
	if ack := f.mails(t, other.Code)[0]; ack.To != "ai.do@example.com" {
		t.Errorf("forwarded by someone else: acknowledgement to %s, want the forwarder", ack.To)
	}
}

// TestAcknowledgementAfterStaffActivity: the hourly cap counts only the
// automatic replies to a sender's own mail (SPEC 4.7). A citizen whose
// report was just forwarded, published and rated — four mails in the hour,
// three of them caused by staff or the rating — still gets the
// acknowledgement of the next report.
func TestAcknowledgementAfterStaffActivity(t *testing.T) {
	w := publishedReport(t)
	w.p.RepliesPerHour = 4
	w.reply(citizen, "Hài lòng")
	var toCitizen int
	for _, m := range w.mails(t, w.code) {
		if m.To == citizen {
			toCitizen++
		}
	}
	if toCitizen < w.p.RepliesPerHour {
		t.Fatalf("%d mails to the citizen: the test needs at least %d", toCitizen, w.p.RepliesPerHour)
	}
	out := w.send(report("Nguyễn Văn An <"+citizen+">", "r2@mail.gmail.com", "Đèn đường hư", "Đèn đường ấp 4 xã Vị Đông hư.\n"))
	if ack := firstOf(t, w.mails(t, out.Code), "ack"); ack.State != store.MailQueued {
		t.Errorf("the next report's acknowledgement is %s, want queued", ack.State)
	}
}

// firstOf returns the first mail of a kind.
func firstOf(t *testing.T, ms []store.Mail, kind string) store.Mail {
	t.Helper()
	for _, m := range ms {
		if m.Kind == kind {
			return m
		}
	}
	t.Fatalf("no %s mail in %s", kind, owed(ms))
	return store.Mail{}
}

// fixedStaff gives the same operators every time.
func fixedStaff(s Staff) func() Staff { return func() Staff { return s } }
