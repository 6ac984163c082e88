package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// TestSeveralCommandsAllOrNone applies a reply's commands in order, each
// on the facts the one before left, or none of them.
func TestSeveralCommandsAllOrNone(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	out := w.reply(receiver, "/khancap\n/phuctap\n/assign khong-co-ma\n/chuyen\n")
	if out.Kind != KindCommand || out.State != "received" || !strings.Contains(out.Reason, "line 3, line 4") {
		t.Errorf("%+v", out)
	}
	if r := w.report(); r.Urgent || r.Complex {
		t.Error("a refused reply applied its first commands")
	}
	sent := w.sentSince(&mark)
	if owed(sent) != "refused→"+receiver {
		t.Fatalf("mail owed %s", owed(sent))
	}
	text := w.renderAll()["refused"][0].Text
	for _, want := range []string{`dòng 3: "/assign khong-co-ma" — lệnh /assign: không có cơ quan xử lý nào có mã hoặc tên «khong-co-ma»; gửi /codes`,
		`dòng 4: "/chuyen" — `} {
		if !strings.Contains(text, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "dòng 1") || strings.Contains(text, "Nguyễn Văn An") || strings.Contains(text, "cúp điện") {
		t.Errorf("the refusal names a good line or report details:\n%s", text)
	}

	// /field before /accept: routing runs again and the bare /accept
	// forwards to the new proposal.
	out = w.reply(receiver, "/field cap-nuoc\n/accept\n/urgent\n")
	if out.State != "forwarded" || out.Agency != "cap-nuoc" || out.Field != "cap-nuoc" {
		t.Errorf("/field then /accept: %+v", out)
	}
	sent = w.sentSince(&mark)
	// The water company has no handler in this configuration: the
	// assignment goes to its official mailbox (SPEC 6.1).
	if owed(sent) != "assignment→capnuoc@haugiang.gov.vn forwarded→"+citizen+" confirmation→"+receiver {
		t.Errorf("mail owed %s", owed(sent))
	}
	r := w.report()
	if !r.Urgent || r.Routing.Rule == "" || r.Routing.Rule == "dien/*" {
		t.Errorf("after rerouting: urgent %v, rule %q", r.Urgent, r.Routing.Rule)
	}
}

// TestRefusalAnswersRateLimited answers refused commands once an hour.
func TestRefusalAnswers(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	w.reply(receiver, "/aprove")
	w.reply(receiver, "/asign so-gtvt")
	if got := owed(w.sentSince(&mark)); got != "refused→"+receiver+" refused→"+receiver {
		t.Errorf("two refused replies owe %q, want an answer to each", got)
	}
	// A good command is always answered.
	w.command(receiver, "/accept", "forwarded")
	if got := owed(w.sentSince(&mark)); !strings.HasSuffix(got, "confirmation→"+receiver) {
		t.Errorf("/accept owes %q", got)
	}
}

// TestAnswersGoToTheConfiguredAddress: the From may spell the address
// otherwise; the answer goes to the address of [[operators]].
func TestAnswersGoToTheConfiguredAddress(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	out := w.reply("Tổ Tiếp Nhận <TiepNhan@Example.GOV.vn>", "/tinhtrang\n/huongdan")
	if out.Kind != KindCommand || out.Reason != "" {
		t.Fatalf("%+v", out)
	}
	sent := w.sentSince(&mark)
	if owed(sent) != "status→"+receiver {
		t.Fatalf("mail owed %s", owed(sent))
	}
	var a templates.Answer
	json.Unmarshal(sent[0].Data, &a)
	if !a.Help || a.Case.Code != w.code || a.Case.State != "received" {
		t.Errorf("status answer %+v", a)
	}
}

// TestStandaloneCommands: outside any report's thread, /status CODE, /help
// and /report are answered; the others are refused.
func TestStandaloneCommands(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	newMail := func(from, id, body string) Outcome {
		return w.send(eml([]string{"From: " + from, "To: phananh@haugiang.gov.vn", "Subject: hỏi", "Message-ID: <" + id + "@x>",
			authPass}, body))
	}
	out := newMail(receiver, "s1", "/status "+strings.ToLower(w.code)+"\n/help\n")
	if out.Kind != KindCommand || out.Code != "" {
		t.Errorf("%+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "status→"+receiver+" help→"+receiver {
		t.Errorf("standalone /status and /help owe %q", got)
	}
	if e := w.events(); e[len(e)-1].Command != "/status" || e[len(e)-1].Actor != receiver {
		t.Errorf("no /status event: %+v", e[len(e)-1])
	}
	newMail(approver, "s2", "/baocao monthly 2026-11\n")
	sent := w.sentSince(&mark)
	if got := owed(sent); got != "asked-report→"+approver {
		t.Fatalf("/report owes %q", got)
	}
	var names []string
	for _, f := range sent[0].Attachments {
		names = append(names, fmt.Sprintf("%s:%v", f.Name, f.Inline))
	}
	if strings.Join(names, " ") != "bao-cao-thang-2026-11.xlsx:false bao-cao-thang-2026-11.csv:false bieu-do-bao-cao-thang-2026-11.png:true" {
		t.Errorf("the report mail carries %v", names)
	}
	var rep templates.PeriodicReport
	json.Unmarshal(sent[0].Data, &rep)
	if !rep.Asked || rep.Kind != "monthly" || rep.Chart != "cid:bieu-do-bao-cao-thang-2026-11.png" {
		t.Errorf("report %+v", rep)
	}
	w.renderAll()
	// A report that cannot be made is answered as not available.
	w.p.ReportMode = "weekly"
	newMail(approver, "s2b", "/report quarterly\n")
	if got := owed(w.sentSince(&mark)); got != "report→"+approver {
		t.Errorf("an impossible /report owes %q", got)
	}
	out = newMail(receiver, "s3", "/accept\n")
	if got := owed(w.sentSince(&mark)); got != "refused→"+receiver || w.report().State != "received" {
		t.Errorf("a standalone /accept: %+v, owes %q", out, got)
	}
	// A report's handler of another agency gets no status of it.
	out = newMail(districtH, "s4", "/status "+w.code)
	if w.sentSince(&mark); out.Kind != KindCommand || !strings.Contains(out.Reason, "refused") {
		t.Errorf("status of another agency's report: %+v", out)
	}
	// Staff mail without commands outside a thread is a report.
	if out := newMail(receiver, "s5", "Người dân gọi điện báo đèn đường hư ở phường 1, Vị Thanh.\n"); out.Kind != KindReport {
		t.Errorf("staff's report: %+v", out)
	}
}

// TestCallAttempts rejects a report at the call_attempts-th failed call,
// with the regulation's reason to the citizen and the time of each call;
// without call_attempts, three failed calls do not reject (Art 7.1: "more
// than 3 calls").
func TestCallAttempts(t *testing.T) {
	for _, attempts := range []int{3, 0} {
		w := newWalker(t)
		w.p.CallAttempts = attempts
		w.ingest(outage)
		mark := 0
		w.sentSince(&mark)
		for i := 1; i <= 3; i++ {
			w.reply(receiver, "/goikhongduoc Gọi lần "+string(rune('0'+i))+", không bắt máy.")
		}
		r := w.report()
		sent := w.sentSince(&mark)
		switch attempts {
		case 3:
			if r.State != "rejected" || r.CallFailures != 3 || !strings.Contains(owed(sent), "rejection-unreachable→"+citizen) {
				t.Errorf("call_attempts 3: %s after %d calls, owes %s", r.State, r.CallFailures, owed(sent))
			}
			if d := w.deadlines()["intake"]; d.State != "met" {
				t.Errorf("intake deadline %s", d.State)
			}
			if ev := w.events(); ev[len(ev)-1].To != "rejected" || ev[len(ev)-1].Reason != "unreachable" {
				t.Errorf("the rejection's event %+v, want reason unreachable", ev[len(ev)-1])
			}
			text := w.renderAll()["rejection-unreachable"][0].Text
			if !strings.Contains(text, "sau 3 lần gọi") || !strings.Contains(text, "1. 08:25 ngày 23/11/2026\n2. 08:35 ngày 23/11/2026\n3. 08:45 ngày 23/11/2026\n") {
				t.Errorf("rejection:\n%s", text)
			}
		case 0:
			if r.State != "received" || r.CallFailures != 3 || strings.Contains(owed(sent), "rejection") {
				t.Errorf("call_attempts by default: %s after %d calls, owes %s", r.State, r.CallFailures, owed(sent))
			}
		}
	}
}

// TestExtension: /extend, then /confirm-extension moves the resolve
// deadline and tells the citizen; /deny-extension keeps it.
func TestExtension(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	if ev := w.events(); ev[len(ev)-1].Agency != "dien-luc" || ev[0].Agency != "dien-luc" {
		t.Errorf("events' agencies %q, %q; want the proposed and forwarded agency", ev[0].Agency, ev[len(ev)-1].Agency)
	}
	due := w.deadlines()["resolve"].Due
	mark := 0
	w.sentSince(&mark)
	w.command(handler, "/giahan 3 Cần thay trạm biến áp, chờ vật tư.", "forwarded")
	if got := owed(w.sentSince(&mark)); got != "extension-request→"+approver+" confirmation→"+handler {
		t.Errorf("/extend owes %s", got)
	}
	w.command(approver, "/duyetgiahan", "forwarded")
	if got := owed(w.sentSince(&mark)); got != "extension-confirmed→"+handler+" extended→"+citizen+" confirmation→"+approver {
		t.Errorf("/confirm-extension owes %s", got)
	}
	// Three working days after Thursday 26 November 17:00: Tuesday 1 December 17:00.
	if d := w.deadlines()["resolve"]; !d.Due.Equal(time.Date(2026, 12, 1, 17, 0, 0, 0, calendar.Vietnam)) || d.Due.Equal(due) {
		t.Errorf("resolve due %v after the extension", d.Due)
	}
	if r := w.report(); !r.Extension.Confirmed || r.Extension.Days != 3 {
		t.Errorf("extension %+v", r.Extension)
	}
	w.command(handler, "/extend Cần thêm thời gian.", "forwarded")
	w.command(approver, "/khonggiahan Đã gia hạn một lần.", "forwarded")
	if r := w.report(); r.Extension.Requested || !r.Extension.Confirmed {
		t.Errorf("after the refusal: %+v", r.Extension)
	}
}

// TestEscalation: the Center escalates a published result; the Dept. of
// I&C gets the case, the agency is told, and the Center assigns it again.
func TestEscalation(t *testing.T) {
	w := publishedReport(t)
	mark := 0
	w.sentSince(&mark)
	w.command(approver, "/chuyencap Kết quả chưa triệt để, liên quan nhiều cơ quan.", "escalated")
	if got := owed(w.sentSince(&mark)); got != "escalation→sotttt@haugiang.gov.vn escalated→"+handler+" confirmation→"+approver {
		t.Errorf("/escalate owes %s", got)
	}
	w.command(approver, "/assign ubnd-vi-thuy", "forwarded")
	if r := w.report(); r.Routing.Agency != "ubnd-vi-thuy" || r.Result != "" {
		t.Errorf("after reassignment: %s, result %q", r.Routing.Agency, r.Result)
	}
}

// TestConfidentialReport keeps the citizen's identity from the agency and
// the escalation address; the Center sees it.
func TestConfidentialReport(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage + "\nĐề nghị giữ bí mật thông tin người phản ánh.\n")
	w.command(receiver, "/baomat\n/accept", "forwarded")
	for _, m := range w.mails(t, w.code) {
		leak := bytes.Contains(m.Data, []byte("0912")) || bytes.Contains(m.Data, []byte(citizen)) || bytes.Contains(m.Data, []byte("Văn An"))
		if m.Kind == "assignment" && leak {
			t.Errorf("the assignment to %s names the citizen", m.To)
		}
		if m.Kind == "confirmation" && !leak {
			t.Errorf("the Center's confirmation hides the citizen from the Center")
		}
	}
	w.command(handler, "/resolve Đã xử lý.", "resolved")
	w.command(approver, "/approve", "published")
	text := w.renderAll()["result"][0].Text
	if !strings.Contains(text, "Người phản ánh: Được giữ bí mật") || !strings.Contains(text, "Kính gửi: Quý Ông/Bà.\n") {
		t.Errorf("confidential result notice:\n%s", text)
	}
}

// TestAutoForward forwards a report whose rule has auto_forward at intake.
func TestAutoForward(t *testing.T) {
	w := newWalker(t)
	table, err := routing.Parse("auto.toml", bytes.NewReader(bytes.Replace(routing.BuiltinFile(routing.DefaultName),
		[]byte("agency = \"dien-luc\"\n"), []byte("agency = \"dien-luc\"\nauto_forward = true\n"), 1)))
	if err != nil {
		t.Fatal(err)
	}
	w.p.Routing = func() *routing.Table { return table }
	out := w.ingest(outage)
	if out.State != "forwarded" || out.Agency != "dien-luc" {
		t.Fatalf("%+v", out)
	}
	mark := 0
	if got := owed(w.sentSince(&mark)); got != "ack→"+citizen+" triage→"+receiver+" assignment→"+handler+" forwarded→"+citizen {
		t.Errorf("auto-forwarding owes %s", got)
	}
	es := w.events()
	if len(es) != 2 || es[1].Actor != "system" || es[1].Command != "/accept" || es[1].Detail["auto_forward"] != "dien/*" {
		t.Errorf("events %+v", es)
	}
	if !strings.Contains(w.renderAll()["triage"][0].Text, "chuyển tự động") {
		t.Error("the triage notice does not say the report was forwarded automatically")
	}
}

// TestAdminHold: an admin's /hold keeps a report past its retention, with
// its reason, until the admin's /release; no one else may put one, and a
// report is held or released once.
func TestAdminHold(t *testing.T) {
	w := publishedReport(t)
	w.command(admin, "/giulai Hồ sơ đang được thanh tra, lưu giữ đến khi có kết luận.", "published")
	if r := w.report(); r.HeldAt.IsZero() || r.Hold != "Hồ sơ đang được thanh tra, lưu giữ đến khi có kết luận." {
		t.Errorf("after /hold: held at %s, reason %q", r.HeldAt, r.Hold)
	}
	for _, c := range []struct{ from, body string }{{approver, "/hold x"}, {admin, "/hold lần hai"}, {admin, "/hold"}} {
		if out := w.reply(c.from, c.body); out.Reason == "" {
			t.Errorf("%s %q applied", c.from, c.body)
		}
	}
	w.command(admin, "/release", "published")
	if r := w.report(); !r.HeldAt.IsZero() || r.Hold != "" {
		t.Errorf("after /release: held at %s, reason %q", r.HeldAt, r.Hold)
	}
	if out := w.reply(admin, "/bogiu"); !strings.Contains(out.Reason, "line 1") {
		t.Errorf("a second /release: %+v", out)
	}
}

// TestAdminHoldOnErasedReport: an admin's /hold on a report whose
// personal data was erased is refused, since nothing of it is left to hold
// (SPEC 10.5; rules/lifecycle names when it was erased); so is a /release
// of no hold. The report stays as its erasure left it: not held, with no
// event of a hold.
func TestAdminHoldOnErasedReport(t *testing.T) {
	for _, body := range []string{"/giulai Hồ sơ đang được thanh tra.", "/bogiu"} {
		t.Run(body, func(t *testing.T) {
			w := publishedReport(t)
			allow := func(store.Report, []store.Deadline) error { return nil }
			e := store.Erasure{At: time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC), Cause: store.ErasureRequest}
			if _, err := w.db.Erase(context.Background(), w.code, e, allow); err != nil {
				t.Fatal(err)
			}
			events := len(w.events())
			if out := w.reply(admin, body); out.Kind != KindCommand || !strings.HasPrefix(out.Reason, "command refused") {
				t.Errorf("%q on an erased report: %+v, want refused", body, out)
			}
			if r := w.report(); !r.HeldAt.IsZero() || r.Hold != "" {
				t.Errorf("after %q: held at %s, reason %q", body, r.HeldAt, r.Hold)
			}
			if es := w.events(); len(es) != events {
				t.Errorf("after %q: events %+v, want the %d before it", body, es[events:], events)
			}
		})
	}
}

// TestAnswerAboutErasedReport: an operator's command about a report whose
// personal data was erased is answered (SPEC 7.1: one reply naming each
// refused line), though nothing more is kept about the report (SPEC 10.5):
// the answer goes as mail about no report, which the retention of such
// mail empties, and the report gets no data key again.
func TestAnswerAboutErasedReport(t *testing.T) {
	for _, c := range []struct{ body, kind string }{
		{"/giulai Hồ sơ đang được thanh tra.", "refused"},
		{"/tinhtrang", "status"},
		{"/ghichu Đã kiểm tra lại hiện trường.", "refused"},
	} {
		t.Run(c.body, func(t *testing.T) {
			w := publishedReport(t)
			allow := func(store.Report, []store.Deadline) error { return nil }
			e := store.Erasure{At: time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC), Cause: store.ErasureRequest}
			if _, err := w.db.Erase(context.Background(), w.code, e, allow); err != nil {
				t.Fatal(err)
			}
			mark := 0
			w.sentSince(&mark)
			events := len(w.events())
			w.reply(admin, c.body)
			got := w.sentSince(&mark)
			if owed(got) != c.kind+"→"+admin {
				t.Fatalf("%q on an erased report owes %q, want its answer to the operator", c.body, owed(got))
			}
			if c.kind == "refused" && len(w.events()) != events {
				t.Errorf("%q on an erased report recorded an event: %+v", c.body, w.events()[events:])
			}
			if got[0].ReportID != 0 {
				t.Errorf("the answer is queued as mail about report #%d, which keeps nothing", got[0].ReportID)
			}
			if _, err := w.db.Erase(context.Background(), w.code, e, allow); !errors.Is(err, store.ErrErased) {
				t.Errorf("erasing the report again: %v, want ErrErased (no new data key)", err)
			}
		})
	}
}

// TestSecretInAnyOrder: a /secret written after the /approve of the same
// reply still keeps the result from the citizen's mail (Art 9.1c): the
// citizen is told to contact the agency, whatever the order of the lines.
func TestSecretInAnyOrder(t *testing.T) {
	for _, reply := range []string{"/secret\n/approve", "/approve\n/secret"} {
		w := resolvedReport(t)
		mark := 0
		w.sentSince(&mark)
		w.command(approver, reply, "published")
		if got := owed(w.sentSince(&mark)); got != "secret-result→"+citizen+" approved→"+handler+" confirmation→"+approver {
			t.Errorf("%q owes %s", reply, got)
		}
		if r := w.report(); !r.Secret {
			t.Errorf("%q: the report is not secret", reply)
		}
		for _, m := range w.renderAll()["approved"] {
			if strings.Contains(m.Text, "Đã thay dây dẫn") {
				t.Errorf("%q: the agency's notice carries the secret result:\n%s", reply, m.Text)
			}
		}
	}
}

// TestAssignLeadAndCoAgencies: /assign names the lead then its co-agencies
// (Art 7.1), by name separated by semicolons or commas, or by code
// separated by spaces; a co-agency the table does not know refuses the
// command, naming it.
func TestAssignLeadAndCoAgencies(t *testing.T) {
	for _, line := range []string{"/chuyen Công ty Điện lực Hậu Giang; Ủy ban nhân dân huyện Vị Thủy", "/assign dien-luc ubnd-vi-thuy",
		"/assign dien-luc, ubnd vi thuy"} {
		w := newWalker(t)
		w.ingest(outage)
		mark := 0
		w.sentSince(&mark)
		w.command(receiver, line, "forwarded")
		if got := owed(w.sentSince(&mark)); got != "assignment→"+handler+" coordination→"+districtH+" forwarded→"+citizen+" confirmation→"+receiver {
			t.Errorf("%q owes %s", line, got)
		}
		if r := w.report(); r.Routing.Agency != "dien-luc" || strings.Join(r.CoAgencies, ",") != "ubnd-vi-thuy" {
			t.Errorf("%q: lead %s, co-agencies %v", line, r.Routing.Agency, r.CoAgencies)
		}
		if ev := w.events(); strings.Join(ev[len(ev)-1].CoAgencies, ",") != "ubnd-vi-thuy" {
			t.Errorf("%q: the event records co-agencies %v", line, ev[len(ev)-1].CoAgencies)
		}
	}
	w := newWalker(t)
	w.ingest(outage)
	mark := 0
	w.sentSince(&mark)
	if out := w.reply(receiver, "/assign dien-luc; Sở Không Có"); out.State != "received" {
		t.Fatalf("an unknown co-agency: %+v", out)
	}
	if text := w.renderAll()["refused"][0].Text; !strings.Contains(text, "«Sở Không Có»") {
		t.Errorf("the refusal does not name the unknown co-agency:\n%s", text)
	}
}
