package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

const mailbox = "phananh@haugiang.gov.vn"

var staff = intake.Staff{
	{Email: "tiepnhan1@example.gov.vn", Role: "receiver"},
	{Email: "tiepnhan2@example.gov.vn", Role: "receiver"},
	{Email: "duyet@example.gov.vn", Role: "approver"},
	{Email: "xuly.vithanh@example.gov.vn", Role: "handler", Agency: "ubnd-vi-thanh"},
	{Email: "lanhdao.vithanh@example.gov.vn", Role: "leader", Agency: "ubnd-vi-thanh"},
	{Email: "xuly.ngabay@example.gov.vn", Role: "handler", Agency: "ubnd-nga-bay"},
	{Email: "lanhdao.ngabay@example.gov.vn", Role: "leader", Agency: "ubnd-nga-bay"},
	{Email: "Duyet@Example.gov.vn", Role: "receiver"}, // the approver again, under a second role
}

// fixture is a store, a calendar and a watch over them, with the watch's log.
type fixture struct {
	t    testing.TB
	dir  string
	db   *store.DB
	cal  *calendar.Calendar
	w    *Watch
	logs *bytes.Buffer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	cal, err := calendar.New(calendar.Default(), "")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := token.NewKeys(bytes.Repeat([]byte{3}, 32), nil, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: t.TempDir(), cal: cal, logs: &bytes.Buffer{}}
	f.open()
	table := routing.Default()
	f.w = &Watch{DB: f.db, Calendar: cal, Routing: func() *routing.Table { return table }, Staff: func() intake.Staff { return staff },
		Tokens: tokens, Address: mailbox, Log: slog.New(slog.NewTextHandler(f.logs, nil))}
	return f
}

// open opens the store, or opens it again: a restart of the daemon.
func (f *fixture) open() {
	f.t.Helper()
	if f.db != nil {
		f.db.Close()
	}
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(f.dir, "phananh.db"),
		DataDir: filepath.Join(f.dir, "data"), Key: bytes.Repeat([]byte{7}, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { db.Close() })
	f.db = db
	if f.w != nil {
		f.w.DB = db
	}
}

func (f *fixture) at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, f.cal.Location())
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

// report creates a report of an agency with one open deadline.
func (f *fixture) report(agency string, urgent bool, d deadline.Deadline) store.Report {
	f.t.Helper()
	var r store.Report
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		r, err = tx.CreateReport(store.Report{State: "forwarded", ReceivedAt: d.Start, Lang: "vi", Urgent: urgent,
			Citizen: store.Citizen{Email: "an.nguyen@gmail.com", Name: "Nguyễn Văn An"},
			Content: "Đèn đường hỏng", Routing: store.Routing{Field: "giao-thong", Unit: "vi-thanh", Agency: agency}})
		if err != nil {
			return err
		}
		return f.setDeadline(tx, r.ID, d)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) setDeadline(tx *store.Tx, reportID int64, d deadline.Deadline) error {
	_, err := tx.SetDeadline(reportID, store.Deadline{Kind: string(d.Kind), Start: d.Start, Due: d.Due,
		SoonAt: d.SoonAt(f.cal), Clock: d.Clock})
	return err
}

// run runs the watch at now and checks its counts.
func (f *fixture) run(now time.Time, reminded, alerted int) {
	f.t.Helper()
	r, a, err := f.w.Run(context.Background(), now)
	if err != nil {
		f.t.Fatal(err)
	}
	if r != reminded || a != alerted {
		f.t.Errorf("at %s: reminded %d, alerted %d; want %d, %d", now.Format("01-02 15:04:05"), r, a, reminded, alerted)
	}
}

// mail returns the notices about a report, as "kind to" lines in order.
func (f *fixture) mail(r store.Report) []string {
	f.t.Helper()
	var out []string
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		ms, err := tx.ReportMail(r.ID)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, m := range ms {
			out = append(out, m.Kind+" "+m.To)
		}
		return nil
	})
	return out
}

func (f *fixture) wantMail(r store.Report, want ...string) {
	f.t.Helper()
	if got := f.mail(r); !slices.Equal(got, want) {
		f.t.Errorf("%s mail:\n%s\nwant:\n%s", r.Code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestIntakeReminderAndAlert follows a normal report received on Monday
// 23 November 2026 at 08:15: due at 10:15 (2 working hours), due soon from
// 09:15 (max(25 % of 2 h, 1 h) before).
func TestIntakeReminderAndAlert(t *testing.T) {
	f := newFixture(t)
	dl := deadline.Intake(f.cal, f.at("08:15"), false, false)
	if !dl.Due.Equal(f.at("10:15")) || !dl.SoonAt(f.cal).Equal(f.at("09:15")) {
		t.Fatalf("intake due %v, soon at %v", dl.Due, dl.SoonAt(f.cal))
	}
	r := f.report("ubnd-vi-thanh", false, dl)
	// The triage notice the reminder continues, for one receiver.
	triage := f.enqueue(r, "triage", "tiepnhan1@example.gov.vn")

	f.run(f.at("08:15"), 0, 0)
	f.run(f.at("09:15").Add(-time.Second), 0, 0)
	f.wantMail(r, "triage tiepnhan1@example.gov.vn")

	f.run(f.at("09:15"), 1, 0)
	f.run(f.at("09:16"), 0, 0)
	f.run(f.at("10:15").Add(-time.Second), 0, 0)
	reminders := []string{"reminder tiepnhan1@example.gov.vn", "reminder tiepnhan2@example.gov.vn",
		"reminder Duyet@Example.gov.vn"}
	f.wantMail(r, append([]string{"triage tiepnhan1@example.gov.vn"}, reminders...)...)

	f.run(f.at("10:15"), 0, 1)
	f.run(f.at("10:16"), 0, 0)
	f.open() // a restart
	f.run(f.at("10:17"), 0, 0)
	f.run(f.at("17:00").AddDate(0, 0, 7), 0, 0)
	// The approver is a receiver too: one mail, under the first role met.
	alerts := []string{"overdue tiepnhan1@example.gov.vn", "overdue tiepnhan2@example.gov.vn", "overdue Duyet@Example.gov.vn"}
	f.wantMail(r, append(append([]string{"triage tiepnhan1@example.gov.vn"}, reminders...), alerts...)...)

	// What the mails say, and that they render.
	set, err := templates.LoadFor("", routing.Default().Bodies())
	if err != nil {
		t.Fatal(err)
	}
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		ms, _ := tx.ReportMail(r.ID)
		for _, m := range ms[1:] {
			f.checkMail(set, r, m)
		}
		var rem templates.Reminder
		json.Unmarshal(ms[1].Data, &rem)
		if rem.Step != "intake" || rem.Left != (templates.Span{Hours: 1}) || !rem.Working || !rem.Due.Equal(dl.Due) ||
			rem.ReportState != "forwarded" || rem.FieldName != "Giao thông, hạ tầng đường bộ" || rem.AgencyName == "" {
			t.Errorf("reminder data %+v", rem)
		}
		var od templates.Overdue
		json.Unmarshal(ms[4].Data, &od)
		if od.Step != "intake" || od.Late != (templates.Span{}) || !od.Due.Equal(dl.Due) {
			t.Errorf("overdue data %+v", od)
		}
		// The receiver who had the triage notice gets the next ones in its
		// conversation, each answering the triage notice; the one who had
		// none starts one.
		if !slices.Equal(ms[1].References, []string{triage}) || len(ms[2].References) != 0 || ms[2].ThreadIndex == "" ||
			!slices.Equal(ms[4].References, []string{triage, ms[1].MessageID}) || ms[1].InReplyTo != triage || ms[4].InReplyTo != triage {
			t.Errorf("threads: %v, %v, %v; %s answers %q", ms[1].References, ms[2].References, ms[4].References, ms[4].Kind, ms[4].InReplyTo)
		}
		return nil
	})
	if strings.Contains(f.logs.String(), "@") || strings.Contains(f.logs.String(), "Nguyễn") {
		t.Errorf("personal data in the log:\n%s", f.logs)
	}
}

func (f *fixture) enqueue(r store.Report, kind, to string) string {
	f.t.Helper()
	var m store.Mail
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		m, err = tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: kind, To: to, Role: "receiver",
			Data: json.RawMessage(`{}`)}, r.ReceivedAt)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return m.MessageID
}

// checkMail checks a notice's envelope: the report's tag, the recipient's
// own reply address, Vietnamese, and a body that renders without the
// citizen's data.
func (f *fixture) checkMail(set *templates.Set, r store.Report, m store.Mail) {
	f.t.Helper()
	if m.ReportID != r.ID || m.ReportCode != r.Code || m.Lang != "vi" || m.State != store.MailQueued {
		f.t.Errorf("mail %d: %+v", m.ID, m)
	}
	tok := token.FromAddress(mailbox, m.ReplyTo)
	if id, err := f.w.Tokens.Check(tok, token.Operator, m.To, m.CreatedAt); err != nil || id != r.ID {
		f.t.Errorf("mail %d reply-to %q: %v", m.ID, m.ReplyTo, err)
	}
	out, err := set.Render(m.Kind, m.Lang, m.Data)
	if err != nil {
		f.t.Fatal(err)
	}
	if !strings.Contains(out.Text, r.Code) || strings.Contains(out.Text+out.HTML, "Nguyễn") || strings.Contains(out.Text, "Đèn") {
		f.t.Errorf("mail %d text:\n%s", m.ID, out.Text)
	}
}

// TestClosedAndSuperseded: a recomputed intake deadline replaces the old
// one, whose reminder never comes; a deadline met before its due instant
// gets no alert.
func TestClosedAndSuperseded(t *testing.T) {
	f := newFixture(t)
	received := f.at("08:15")
	recomputed := f.report("ubnd-vi-thanh", false, deadline.Intake(f.cal, received, false, false))
	met := f.report("ubnd-vi-thanh", false, deadline.Intake(f.cal, received, false, false))
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		// Marked complex at 09:00: 8 working hours from 08:15, due on Tuesday at 08:15.
		return f.setDeadline(tx, recomputed.ID, deadline.Intake(f.cal, received, false, true))
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(f.at("09:15"), 1, 0) // the met one's reminder
	err = f.db.Write(context.Background(), func(tx *store.Tx) error {
		return tx.CloseDeadline(met.ID, "intake", "met", f.at("09:30"))
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(f.at("10:15"), 0, 0)
	f.run(f.at("16:00"), 0, 0)
	f.wantMail(recomputed)
	f.wantMail(met, "reminder tiepnhan1@example.gov.vn", "reminder tiepnhan2@example.gov.vn", "reminder Duyet@Example.gov.vn")
	// The recomputed deadline: due soon 2 working hours before Tuesday 08:15.
	f.run(f.at("16:15"), 1, 0)
	f.run(f.at("08:15").AddDate(0, 0, 1), 0, 1)
}

// TestResolveGoesToItsAgency: a resolve deadline of Vị Thanh's committee
// goes to its handlers, then to them, its leader and the approvers — never
// to Ngã Bảy's people nor the receivers.
func TestResolveGoesToItsAgency(t *testing.T) {
	f := newFixture(t)
	dl := deadline.Resolve(f.cal, f.at("08:15"), 6, false)
	r := f.report("ubnd-vi-thanh", false, dl)
	soon := dl.SoonAt(f.cal)
	// 6 working days after Monday 23 November: Tuesday 1 December at 17:00,
	// a span of 54 h 45 working hours; due soon a quarter of it, 13 h 41 min
	// 15 s, before: on Monday 30 November at 09:18:45.
	if !dl.Due.Equal(f.at("17:00").AddDate(0, 0, 8)) || !soon.Equal(f.at("09:18").AddDate(0, 0, 7).Add(45*time.Second)) {
		t.Fatalf("resolve due %v, soon %v", dl.Due, soon)
	}
	f.run(soon.Add(-time.Minute), 0, 0)
	f.run(soon, 1, 0)
	f.run(dl.Due, 0, 1)
	f.wantMail(r, "reminder xuly.vithanh@example.gov.vn",
		"overdue xuly.vithanh@example.gov.vn", "overdue lanhdao.vithanh@example.gov.vn", "overdue duyet@example.gov.vn")
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		ms, _ := tx.ReportMail(r.ID)
		var rem templates.Reminder
		json.Unmarshal(ms[0].Data, &rem)
		if rem.Left != (templates.Span{Hours: 13, Minutes: 41}) || rem.AgencyName != "Ủy ban nhân dân thành phố Vị Thanh" {
			t.Errorf("reminder data %+v", rem)
		}
		return nil
	})
}

// TestFirstSeenAfterDue: a deadline the watch first sees after its due
// instant (the daemon was stopped) gets the alert alone, and no reminder
// follows it.
func TestFirstSeenAfterDue(t *testing.T) {
	f := newFixture(t)
	dl := deadline.Clarification(f.cal, f.at("08:15"))
	r := f.report("ubnd-nga-bay", false, dl)
	late := dl.Due.Add(26 * time.Hour) // due Wednesday 25 at 17:00, first seen Thursday 26 at 19:00
	f.run(late, 0, 1)
	f.run(late.Add(time.Hour), 0, 0)
	f.open()
	f.run(late.AddDate(0, 1, 0), 0, 0)
	f.wantMail(r, "overdue xuly.ngabay@example.gov.vn", "overdue lanhdao.ngabay@example.gov.vn", "overdue duyet@example.gov.vn")
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		ms, _ := tx.ReportMail(r.ID)
		var od templates.Overdue
		json.Unmarshal(ms[0].Data, &od)
		// A whole working day late.
		if od.Late != (templates.Span{Hours: 8}) || !od.Working || od.Step != "clarification" {
			t.Errorf("overdue data %+v", od)
		}
		return nil
	})
}

// TestOtherSteps: the return window is reminded to the agency's handlers and
// closes without an alert; the publish deadline goes to the approvers; an
// urgent intake, due soon from its start, gets its alert only.
func TestOtherSteps(t *testing.T) {
	f := newFixture(t)
	ret := deadline.Return(f.cal, f.at("08:15"))              // due 14:15, soon 13:15
	pub := deadline.Publish(f.cal, f.at("08:15"))             // due 10:15, soon 09:15
	urg := deadline.Intake(f.cal, f.at("08:15"), true, false) // due 08:30, soon at once
	rr := f.report("ubnd-vi-thanh", false, ret)
	rp := f.report("ubnd-vi-thanh", false, pub)
	ru := f.report("ubnd-vi-thanh", true, urg)
	f.run(f.at("08:16"), 0, 0)
	f.run(f.at("08:30"), 0, 1)
	f.run(f.at("09:15"), 1, 0)
	f.run(f.at("10:15"), 0, 1)
	f.run(f.at("13:15"), 1, 0)
	f.run(f.at("14:15"), 0, 0)
	f.run(f.at("17:00"), 0, 0)
	f.wantMail(rr, "reminder xuly.vithanh@example.gov.vn")
	f.wantMail(rp, "reminder duyet@example.gov.vn", "overdue duyet@example.gov.vn")
	f.wantMail(ru, "overdue tiepnhan1@example.gov.vn", "overdue tiepnhan2@example.gov.vn", "overdue Duyet@Example.gov.vn")
}

// TestNobodyConfigured: a notice whose audience has no operator is logged,
// without personal data, once, and the watch goes on. An agency without a
// handler has its notices sent to its official mailbox from the routing
// table (SPEC 6.1), without a reply address and without commands.
func TestNobodyConfigured(t *testing.T) {
	f := newFixture(t)
	dl := deadline.Resolve(f.cal, f.at("08:15"), 1, true)
	orphan := f.report("so-cu", false, dl)  // an agency no longer in the table: no handler, no mailbox
	mailbox := f.report("so-yt", false, dl) // no handler, no leader: the health department's mailbox
	other := f.report("ubnd-vi-thanh", false, dl)
	f.run(dl.SoonAt(f.cal), 2, 0)
	f.run(dl.Due, 0, 3) // the approvers still hear of the orphan
	f.run(dl.Due.Add(time.Hour), 0, 0)
	f.wantMail(orphan, "overdue duyet@example.gov.vn")
	f.wantMail(mailbox, "reminder syt@haugiang.gov.vn", "overdue syt@haugiang.gov.vn", "overdue duyet@example.gov.vn")
	f.wantMail(other, "reminder xuly.vithanh@example.gov.vn",
		"overdue xuly.vithanh@example.gov.vn", "overdue lanhdao.vithanh@example.gov.vn", "overdue duyet@example.gov.vn")
	logs := f.logs.String()
	// The orphan: handler (reminder), handler and leader (alert); the
	// health department: its leader (alert).
	if n := strings.Count(logs, "no operator configured"); n != 4 {
		t.Errorf("%d warnings:\n%s", n, logs)
	}
	if !strings.Contains(logs, "agency=so-cu") || !strings.Contains(logs, "report="+orphan.Code) || strings.Contains(logs, "@") {
		t.Errorf("warnings:\n%s", logs)
	}
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		mails, _ := tx.ReportMail(mailbox.ID)
		for _, m := range mails {
			var dn templates.DeadlineNotice
			json.Unmarshal(m.Data, &dn)
			if (m.Role == "mailbox") != (m.To == "syt@haugiang.gov.vn") || m.Role == "mailbox" && (m.ReplyTo != "" || !dn.Mailbox) {
				t.Errorf("%s to %s (%s): reply to %q, mailbox %v", m.Kind, m.To, m.Role, m.ReplyTo, dn.Mailbox)
			}
		}
		return nil
	})
}

// TestBatches: more deadlines than a batch holds are all handled in one
// pass, each once, and the mail worker is woken after each batch.
func TestBatches(t *testing.T) {
	f := newFixture(t)
	f.w.Batch = 3
	wakes := 0
	f.w.Wake = func() { wakes++ }
	dl := deadline.Publish(f.cal, f.at("08:15"))
	for range 7 {
		f.report("ubnd-vi-thanh", false, dl)
	}
	f.run(f.at("09:15"), 7, 0)
	f.run(f.at("10:15"), 0, 7)
	f.run(f.at("10:16"), 0, 0)
	if wakes != 6 { // three batches a pass, each waking the mail worker
		t.Errorf("%d wakes, want 6", wakes)
	}
}

func TestCanceledRunCommitsNothingHalfDone(t *testing.T) {
	f := newFixture(t)
	dl := deadline.Publish(f.cal, f.at("08:15"))
	r := f.report("ubnd-vi-thanh", false, dl)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := f.w.Run(ctx, f.at("09:15")); err == nil {
		t.Error("a canceled run reported no error")
	}
	f.wantMail(r)
	f.run(f.at("09:15"), 1, 0)
}

// TestAddressesFoldTheDomain: an operator whose address two roles write
// with the domain in Unicode and in its ASCII (IDNA) form gets one alert.
func TestAddressesFoldTheDomain(t *testing.T) {
	f := newFixture(t)
	f.w.Staff = func() intake.Staff {
		return intake.Staff{{Email: "kiemtra@phản-ánh.vn", Role: "receiver"}, {Email: "KiemTra@xn--phn-nh-sta5502d.VN", Role: "approver"}}
	}
	r := f.report("ubnd-vi-thanh", false, deadline.Intake(f.cal, f.at("08:15"), false, false))
	f.run(f.at("10:15"), 0, 1)
	f.wantMail(r, "overdue kiemtra@phản-ánh.vn")
}

// TestAddressesFoldASCIICaseOnly: an operator under two roles gets one
// notice when the addresses differ in ASCII case only (SPEC 7.3); an
// address with a Kelvin sign "K" (U+212A) is someone else's, who gets their
// own notice in their own thread, not another's.
func TestAddressesFoldASCIICaseOnly(t *testing.T) {
	f := newFixture(t)
	f.w.Staff = func() intake.Staff {
		return intake.Staff{{Email: "kiemtra@example.gov.vn", Role: "receiver"}, {Email: "\u212aiemtra@example.gov.vn", Role: "approver"},
			{Email: "KIEMTRA@example.gov.vn", Role: "approver"}}
	}
	r := f.report("ubnd-vi-thanh", false, deadline.Intake(f.cal, f.at("08:15"), false, false))
	var triage store.Mail
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		triage, err = tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "triage", To: "kiemtra@example.gov.vn",
			Role: "receiver", Lang: "vi", Data: []byte(`{}`)}, f.at("08:15"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(f.at("10:15"), 0, 1)
	f.wantMail(r, "triage kiemtra@example.gov.vn", "overdue kiemtra@example.gov.vn", "overdue \u212aiemtra@example.gov.vn")
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		ms, _ := tx.ReportMail(r.ID)
		for _, m := range ms {
			if m.Kind == "overdue" && slices.Contains(m.References, triage.MessageID) != (m.To == "kiemtra@example.gov.vn") {
				t.Errorf("the alert to %s has References %q", m.To, m.References)
			}
		}
		return nil
	})
}
