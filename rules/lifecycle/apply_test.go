package lifecycle_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// formatOpen writes opened deadlines as "kind due" lines, "open-ended" for
// a zero due, "(clock)" for clock deadlines.
func formatOpen(ds []deadline.Deadline) string {
	var lines []string
	for _, d := range ds {
		due := "open-ended"
		if !d.Due.IsZero() {
			due = d.Due.In(calendar.Vietnam).Format("2006-01-02 15:04")
		}
		if d.Clock {
			due += " (clock)"
		}
		lines = append(lines, fmt.Sprintf("%s %s", d.Kind, due))
	}
	return strings.Join(lines, "; ")
}

func formatClose(cs []lifecycle.Closure) string {
	var lines []string
	for _, c := range cs {
		lines = append(lines, fmt.Sprintf("%s %s", c.Kind, c.Outcome))
	}
	return strings.Join(lines, "; ")
}

func formatNotices(ns []lifecycle.Notice) string {
	var lines []string
	for _, n := range ns {
		s := fmt.Sprintf("%s→%s", n.Kind, n.To)
		if n.Agency != "" {
			s += ":" + n.Agency
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, " ")
}

// check compares a change's deadlines and notices with what is expected.
func check(t *testing.T, ch lifecycle.Change, open, closed, notices string) {
	t.Helper()
	if got := formatOpen(ch.Open); got != open {
		t.Errorf("%s opened:\n got %s\nwant %s", ch.Action, got, open)
	}
	if got := formatClose(ch.Close); got != closed {
		t.Errorf("%s closed:\n got %s\nwant %s", ch.Action, got, closed)
	}
	if got := formatNotices(ch.Notices); got != notices {
		t.Errorf("%s notices:\n got %s\nwant %s", ch.Action, got, notices)
	}
}

// TestMainLine walks a report from its arrival to its rating on the test
// calendar, checking every deadline opened and closed and every notice.
func TestMainLine(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false) // a Monday
	if d := r.facts.Deadlines[deadline.KindIntake]; !d.Open || !d.Due.Equal(at(t, "2026-11-23 10:00")) {
		t.Fatalf("intake: %+v", d)
	}
	ch := r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"})
	check(t, ch, "return 2026-11-23 15:00; resolve 2026-12-01 17:00", "intake met",
		"assignment→handler:so-gtvt forwarded→citizen")
	if !slices.Equal(ch.Changed, []string{"state"}) {
		t.Errorf("changed %v", ch.Changed)
	}
	ch = r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-25 10:00", text: "Đã vá ổ gà."})
	check(t, ch, "publish 2026-11-25 14:00", "resolve met; return superseded", "review→approver")
	if r.facts.Result != "Đã vá ổ gà." {
		t.Errorf("result %q", r.facts.Result)
	}
	ch = r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-25 13:30"})
	check(t, ch, "", "publish met", "result→citizen approved→handler:so-gtvt")
	ch = r.do(step{action: lifecycle.Reply, actor: citizen, at: "2026-11-26 09:00", text: "Sao còn một ổ gà?"})
	check(t, ch, "clarification 2026-11-30 17:00", "", "citizen-reply→handler:so-gtvt")
	ch = r.do(step{action: lifecycle.Reply, actor: citizen, at: "2026-11-27 09:00", text: "Trả lời giúp."})
	check(t, ch, "", "", "citizen-reply→handler:so-gtvt") // the first reply's deadline stands
	ch = r.do(step{action: lifecycle.Clarify, actor: handler, at: "2026-12-01 08:00", text: "Ổ gà thứ hai thuộc đường tỉnh."})
	check(t, ch, "", "clarification late", "clarification→citizen")
	ch = r.do(step{action: lifecycle.Rate, actor: citizen, at: "2026-12-01 09:00", rating: lifecycle.VerySatisfied})
	check(t, ch, "", "", "thanks→citizen rated→handler:so-gtvt")
	if r.facts.State != lifecycle.Closed || r.facts.Rating != lifecycle.VerySatisfied {
		t.Fatalf("after rating: %s %s", r.facts.State, r.facts.Rating)
	}
	ch = r.do(step{action: lifecycle.Reply, actor: citizen, at: "2026-12-02 09:00", text: "Lại hỏng."})
	check(t, ch, "clarification 2026-12-04 17:00", "", "citizen-reply→handler:so-gtvt")
	if err := r.try(step{action: lifecycle.Rate, actor: citizen, at: "2026-12-02 10:00", rating: lifecycle.Dissatisfied}); err == nil ||
		!strings.Contains(err.Error(), "already-rated") {
		t.Fatalf("second rating: %v", err)
	}
}

// TestDeadlines checks the instants each action opens, on the test calendar
// with its holidays.
func TestDeadlines(t *testing.T) {
	tests := []struct {
		name     string
		received string
		urgent   bool
		steps    []step
		open     string // of the last step
	}{
		{name: "ingest inside the span", received: "2026-11-23 10:30", open: "intake 2026-11-23 14:30"},
		{name: "ingest on a Saturday", received: "2026-11-28 10:00", open: "intake 2026-11-29 10:00 (clock)"},
		{name: "ingest at 17:00", received: "2026-11-27 17:00", open: "intake 2026-11-28 17:00 (clock)"},
		{name: "ingest urgent", received: "2026-11-28 22:00", urgent: true, open: "intake 2026-11-28 22:15 (clock)"},
		{name: "marked complex later: from the received time", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Complex, actor: receiver, at: "2026-11-23 09:30"}},
			open:  "intake 2026-11-24 08:00"},
		{name: "marked urgent later: from the received time", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Urgent, actor: receiver, at: "2026-11-23 08:05"}},
			open:  "intake 2026-11-23 08:15 (clock)"},
		{name: "complex then urgent", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Complex, actor: receiver, at: "2026-11-23 08:01"},
				{action: lifecycle.Urgent, actor: receiver, at: "2026-11-23 08:02"}},
			open: "intake 2026-11-23 08:15 (clock)"},
		{name: "complex outside the span stays 24 hours", received: "2026-11-28 10:00",
			steps: []step{{action: lifecycle.Complex, actor: receiver, at: "2026-11-28 11:00"}},
			open:  "intake 2026-11-29 10:00 (clock)"},
		{name: "forward across the September holidays", received: "2026-08-28 08:00",
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-08-28 09:00"}},
			open:  "return 2026-08-28 15:00; resolve 2026-09-10 17:00"},
		{name: "forward to a 3-day agency", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Assign, actor: receiver, at: "2026-11-23 16:00", code: "DIEN-LUC"}},
			open:  "return 2026-11-24 10:00; resolve 2026-11-26 17:00"},
		{name: "forward an urgent report: 1 working day", received: "2026-11-27 08:00", urgent: true,
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-27 08:10"}},
			open:  "return 2026-11-27 14:10; resolve 2026-11-30 17:00"},
		{name: "return: a new intake counted from the return", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:30"},
				{action: lifecycle.Return, actor: handler, at: "2026-11-23 10:00", text: completeReturn}},
			open: "intake 2026-11-23 14:00"},
		{name: "reassigned after a return", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:30"},
				{action: lifecycle.Return, actor: handler, at: "2026-11-23 10:00", text: completeReturn},
				{action: lifecycle.Assign, actor: receiver, at: "2026-11-23 13:30", code: "dien-luc"}},
			open: "return 2026-11-24 07:30; resolve 2026-11-26 17:00"},
		{name: "publish: 2 working hours over the weekend", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:30"},
				{action: lifecycle.Resolve, actor: handler, at: "2026-11-27 16:00", text: "Xong."}},
			open: "publish 2026-11-30 08:00"},
		{name: "clarification: 2 working days after the reply", received: "2026-11-23 08:00",
			steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:30"},
				{action: lifecycle.Resolve, actor: handler, at: "2026-11-24 08:00", text: "Xong."},
				{action: lifecycle.Approve, actor: approver, at: "2026-11-24 09:00"},
				{action: lifecycle.Reply, actor: citizen, at: "2026-11-28 20:00", text: "?"}},
			open: "clarification 2026-12-01 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport(t, tt.received, tt.urgent)
			ch := lifecycle.Change{Open: []deadline.Deadline{r.facts.Deadlines[deadline.KindIntake].Deadline}}
			for _, s := range tt.steps {
				ch = r.do(s)
			}
			if got := formatOpen(ch.Open); got != tt.open {
				t.Errorf("opened:\n got %s\nwant %s", got, tt.open)
			}
		})
	}
}

// TestCallFailed: the call_attempts-th failed call rejects the report.
func TestCallFailed(t *testing.T) {
	for _, attempts := range []int{0, 3, 4} {
		want := attempts
		if want == 0 {
			want = lifecycle.DefaultCallAttempts
		}
		t.Run(fmt.Sprint(attempts), func(t *testing.T) {
			r := newReport(t, "2026-11-23 08:00", false)
			r.attempts = attempts
			for i := 1; i <= want; i++ {
				ch := r.do(step{action: lifecycle.CallFailed, actor: receiver, at: fmt.Sprintf("2026-11-23 08:%02d", 10*i)})
				if r.facts.CallFailures != i {
					t.Fatalf("call %d: %d failures recorded", i, r.facts.CallFailures)
				}
				if i < want {
					if ch.To != lifecycle.Received || len(ch.Notices) != 0 || len(ch.Close) != 0 {
						t.Fatalf("call %d of %d: %+v", i, want, ch)
					}
					continue
				}
				if ch.To != lifecycle.Rejected {
					t.Fatalf("call %d of %d: state %s", i, want, ch.To)
				}
				check(t, ch, "", "intake met", "rejection-unreachable→citizen")
			}
			if err := r.try(step{action: lifecycle.CallFailed, actor: receiver, at: "2026-11-23 09:00"}); err == nil {
				t.Fatal("a call after the rejection was accepted")
			}
		})
	}
}

// TestCallAttemptsByDefault: without call_attempts configured the third
// failed call leaves the report received and the fourth rejects it, since
// Art 7.1 rejects a sender not reached "quá 03 lần gọi", in more than three
// calls.
func TestCallAttemptsByDefault(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	for i := 1; i <= 3; i++ {
		if ch := r.do(step{action: lifecycle.CallFailed, actor: receiver, at: fmt.Sprintf("2026-11-23 08:%02d", 10*i)}); ch.To != lifecycle.Received {
			t.Fatalf("call %d rejects the report", i)
		}
	}
	ch := r.do(step{action: lifecycle.CallFailed, actor: receiver, at: "2026-11-23 09:00"})
	check(t, ch, "", "intake met", "rejection-unreachable→citizen")
	if ch.To != lifecycle.Rejected || r.facts.CallFailures != 4 {
		t.Errorf("the fourth call: %s after %d calls", ch.To, r.facts.CallFailures)
	}
}

// TestReturn: a return after 4 working hours is recorded late, and ends
// the agency's resolve deadline.
func TestReturn(t *testing.T) {
	for _, tt := range []struct{ at, intake, outcome string }{
		{"2026-11-23 15:00", "2026-11-23 17:00", "met"}, // the due instant itself
		{"2026-11-23 15:01", "2026-11-24 07:01", "late"},
	} {
		r := newReport(t, "2026-11-23 08:00", false)
		r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"})
		ch := r.do(step{action: lifecycle.Return, actor: leader, at: tt.at, text: completeReturn})
		check(t, ch, "intake "+tt.intake, "return "+tt.outcome+"; resolve superseded", "returned→receiver")
	}
}

// TestExtension covers a request, its confirmation with and without days,
// a denial, and the excused completion that follows a confirmation.
func TestExtension(t *testing.T) {
	forwarded := func(t *testing.T) *report {
		r := newReport(t, "2026-11-23 08:00", false)
		r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"}) // resolve due 2026-12-01 17:00
		return r
	}
	t.Run("confirmed with the days asked", func(t *testing.T) {
		r := forwarded(t)
		ch := r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", days: 3, text: "Cần khảo sát."})
		check(t, ch, "", "", "extension-request→approver")
		ch = r.do(step{action: lifecycle.ConfirmExtension, actor: approver, at: "2026-12-02 10:00"})
		check(t, ch, "resolve 2026-12-04 17:00", "", "extension-confirmed→handler:so-gtvt extended→citizen")
		if !r.facts.Extension.Confirmed || r.facts.Extension.Requested || r.facts.Extension.Days != 3 {
			t.Errorf("extension %+v", r.facts.Extension)
		}
		ch = r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-12-07 08:00", text: "Xong."})
		check(t, ch, "publish 2026-12-07 10:00", "resolve excused; return superseded", "review→approver")
	})
	t.Run("approver sets other days", func(t *testing.T) {
		r := forwarded(t)
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", days: 3, text: "Cần khảo sát."})
		ch := r.do(step{action: lifecycle.ConfirmExtension, actor: approver, at: "2026-11-30 11:00", days: 5})
		check(t, ch, "resolve 2026-12-08 17:00", "", "extension-confirmed→handler:so-gtvt extended→citizen")
	})
	t.Run("open-ended, then dated", func(t *testing.T) {
		r := forwarded(t)
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", text: "Chưa xác định được thời gian."})
		ch := r.do(step{action: lifecycle.ConfirmExtension, actor: approver, at: "2026-11-30 11:00"})
		check(t, ch, "resolve open-ended", "", "extension-confirmed→handler:so-gtvt extended→citizen")
		// Weeks later, still allowed: an open-ended deadline never passes.
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-12-10 09:00", days: 2, text: "Đã có kế hoạch."})
		ch = r.do(step{action: lifecycle.ConfirmExtension, actor: approver, at: "2026-12-10 09:30"})
		check(t, ch, "resolve 2026-12-14 17:00", "", "extension-confirmed→handler:so-gtvt extended→citizen")
	})
	t.Run("completed under an open-ended extension", func(t *testing.T) {
		r := forwarded(t)
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", text: "Chưa xác định được thời gian."})
		r.do(step{action: lifecycle.ConfirmExtension, actor: approver, at: "2026-11-30 11:00"})
		ch := r.do(step{action: lifecycle.Resolve, actor: handler, at: "2027-01-20 10:00", text: "Xong."})
		check(t, ch, "publish 2027-01-20 14:00", "resolve excused; return superseded", "review→approver")
	})
	t.Run("denied: a late result is late", func(t *testing.T) {
		r := forwarded(t)
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", days: 3, text: "Cần khảo sát."})
		ch := r.do(step{action: lifecycle.DenyExtension, actor: approver, at: "2026-11-30 11:00", text: "Không đủ căn cứ."})
		check(t, ch, "", "", "extension-denied→handler:so-gtvt")
		if r.facts.Extension != (lifecycle.Extension{}) {
			t.Errorf("extension %+v", r.facts.Extension)
		}
		ch = r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-12-02 08:00", text: "Xong."})
		check(t, ch, "publish 2026-12-02 10:00", "resolve late; return superseded", "review→approver")
	})
	t.Run("a pending request ends with the result", func(t *testing.T) {
		r := forwarded(t)
		r.do(step{action: lifecycle.Extend, actor: handler, at: "2026-11-30 10:00", days: 3, text: "Cần khảo sát."})
		r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-30 14:00", text: "Xong."})
		if r.facts.Extension != (lifecycle.Extension{}) {
			t.Errorf("extension %+v", r.facts.Extension)
		}
	})
}

// TestSendBack: after a /sendback the resolve deadline is reopened with
// its due instant unchanged, and the /resolve finally approved is the one
// that counts.
func TestSendBack(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"}) // resolve due 2026-12-01 17:00
	ch := r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-30 09:00", files: 1})
	check(t, ch, "publish 2026-11-30 11:00", "resolve met; return superseded", "review→approver")
	if err := r.try(step{action: lifecycle.Approve, actor: approver, at: "2026-11-30 10:00"}); err == nil ||
		!strings.Contains(err.Error(), "empty-result") {
		t.Fatalf("approving a result without text: %v", err)
	}
	ch = r.do(step{action: lifecycle.SendBack, actor: approver, at: "2026-11-30 10:00", text: "Thiếu nội dung kết quả."})
	check(t, ch, "resolve 2026-12-01 17:00", "publish superseded", "sent-back→handler:so-gtvt")
	if ch.To != lifecycle.Forwarded {
		t.Fatalf("sendback leads to %s", ch.To)
	}
	ch = r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-12-02 09:00", text: "Đã vá ổ gà, có ảnh."})
	check(t, ch, "publish 2026-12-02 11:00", "resolve late", "review→approver")
	ch = r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-12-02 10:00"})
	check(t, ch, "", "publish met", "result→citizen approved→handler:so-gtvt")
	if got := r.facts.Deadlines[deadline.KindResolve]; got.Open || !got.Due.Equal(at(t, "2026-12-01 17:00")) {
		t.Errorf("resolve deadline after approval: %+v", got)
	}
}

// TestEscalate: escalation closes the intake the Center acted on, ends
// the other deadlines, and a new assignment sets new ones.
func TestEscalate(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	ch := r.do(step{action: lifecycle.Escalate, actor: receiver, at: "2026-11-23 09:00", text: "Liên quan nhiều sở."})
	check(t, ch, "", "intake met", "escalation→escalation")
	ch = r.do(step{action: lifecycle.Assign, actor: approver, at: "2026-11-24 09:00", code: "so-gtvt"})
	check(t, ch, "return 2026-11-24 15:00; resolve 2026-12-02 17:00", "", "assignment→handler:so-gtvt forwarded→citizen")
	r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-25 09:00", text: "Xong."})
	ch = r.do(step{action: lifecycle.Escalate, actor: approver, at: "2026-11-25 10:00", text: "Kết quả chưa triệt để."})
	check(t, ch, "", "publish superseded", "escalation→escalation escalated→handler:so-gtvt")
}

// TestEscalateAfterABadRating: a closed report re-opens when the Center
// escalates it, as a "Không hài lòng" rating often asks (SPEC 3, 7.4): it
// keeps its rating while escalated; assigned again, it is handled anew, and
// its next result is rated again and closes it.
func TestEscalateAfterABadRating(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"})
	r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."})
	r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:20"})
	r.do(step{action: lifecycle.Rate, actor: citizen, at: "2026-11-23 10:00", rating: lifecycle.Dissatisfied})
	ch := r.do(step{action: lifecycle.Escalate, actor: approver, at: "2026-11-23 10:30", text: "Người dân chưa hài lòng."})
	check(t, ch, "", "", "escalation→escalation escalated→handler:so-gtvt")
	if r.facts.State != lifecycle.Escalated || r.facts.Rating != lifecycle.Dissatisfied {
		t.Errorf("after escalating a closed report: %s, rating %s", r.facts.State, r.facts.Rating)
	}
	ch = r.do(step{action: lifecycle.Assign, actor: approver, at: "2026-11-23 14:00", code: "dien-luc"})
	check(t, ch, "return 2026-11-24 08:00; resolve 2026-11-26 17:00", "", "assignment→handler:dien-luc forwarded→citizen")
	if r.facts.Rating != "" || r.facts.Result != "" || !slices.Contains(ch.Changed, "rating") {
		t.Errorf("assigned again: rating %q, result %q, changed %v", r.facts.Rating, r.facts.Result, ch.Changed)
	}
	r.do(step{action: lifecycle.Resolve, actor: stranger, at: "2026-11-24 09:00", text: "Đã thay toàn bộ đường dây."})
	r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-24 09:30"})
	ch = r.do(step{action: lifecycle.Rate, actor: citizen, at: "2026-11-24 10:00", rating: lifecycle.VerySatisfied})
	if ch.To != lifecycle.Closed || r.facts.Rating != lifecycle.VerySatisfied {
		t.Errorf("the second result's rating: %s, %s", ch.To, r.facts.Rating)
	}
}

// TestNotices lists the notices of the actions not walked above.
func TestNotices(t *testing.T) {
	tests := []struct {
		name    string
		steps   []step
		notices string
		changed string
	}{
		{name: "ingest", notices: "ack→citizen triage→receiver", changed: "state"},
		{name: "reject", steps: []step{{action: lifecycle.Reject, actor: receiver, at: "2026-11-23 08:30", text: "Trùng lặp."}},
			notices: "rejection→citizen", changed: "state"},
		{name: "urgent while received", steps: []step{{action: lifecycle.Urgent, actor: receiver, at: "2026-11-23 08:10"}},
			changed: "urgent"},
		{name: "urgent once forwarded", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Urgent, actor: approver, at: "2026-11-23 08:20"}},
			notices: "urgent→handler:so-gtvt", changed: "urgent"},
		{name: "urgent twice changes nothing", steps: []step{{action: lifecycle.Urgent, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Urgent, actor: receiver, at: "2026-11-23 08:20"}}},
		{name: "field", steps: []step{{action: lifecycle.Field, actor: receiver, at: "2026-11-23 08:10", code: "Dien"}},
			changed: "field"},
		{name: "unit", steps: []step{{action: lifecycle.Unit, actor: receiver, at: "2026-11-23 08:10", code: "nga-bay"}},
			changed: "unit"},
		{name: "confidential", steps: []step{{action: lifecycle.Confidential, actor: receiver, at: "2026-11-23 08:10"}},
			changed: "confidential"},
		{name: "receiver's note on a received report", steps: []step{{action: lifecycle.Note, actor: receiver, at: "2026-11-23 08:10", text: "Đã gọi."}}},
		{name: "Center's note to the agency", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Note, actor: approver, at: "2026-11-23 08:20", text: "Lưu ý."}},
			notices: "note→handler:so-gtvt"},
		{name: "agency's note to the Center", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Note, actor: handler, at: "2026-11-23 08:20", text: "Đang xác minh."}},
			notices: "note→receiver"},
		{name: "admin's note on a closed report", steps: []step{{action: lifecycle.Reject, actor: receiver, at: "2026-11-23 08:10", text: "x"},
			{action: lifecycle.Note, actor: admin, at: "2026-11-23 08:20", text: "Thư bị trả lại."}}},
		{name: "status", steps: []step{{action: lifecycle.Status, actor: admin, at: "2026-11-23 08:10"}}, notices: "status→actor"},
		{name: "help", steps: []step{{action: lifecycle.Help, actor: handler, at: "2026-11-23 08:10"}}, notices: "help→actor"},
		{name: "report", steps: []step{{action: lifecycle.Report, actor: leader, at: "2026-11-23 08:10"}}, notices: "report→actor"},
		{name: "citizen adds before forwarding", steps: []step{{action: lifecycle.Reply, actor: citizen, at: "2026-11-23 08:10", text: "SĐT 0912345678"}},
			notices: "citizen-note→receiver"},
		{name: "citizen adds while forwarded", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Reply, actor: citizen, at: "2026-11-23 08:20", text: "Thêm ảnh."}},
			notices: "citizen-note→handler:so-gtvt"},
		{name: "citizen adds during review", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."},
			{action: lifecycle.Reply, actor: citizen, at: "2026-11-23 09:20", text: "Chưa xong đâu."}},
			notices: "citizen-note→approver citizen-note→handler:so-gtvt"},
		{name: "citizen writes after a rejection", steps: []step{{action: lifecycle.Reject, actor: receiver, at: "2026-11-23 08:10", text: "x"},
			{action: lifecycle.Reply, actor: citizen, at: "2026-11-23 08:20", text: "Số tôi là 0912345678."}},
			notices: "citizen-note→receiver"},
		{name: "follow-up before forwarding", steps: []step{{action: lifecycle.FollowUp, actor: citizen, at: "2026-11-23 08:10", text: "Thêm ảnh."}},
			notices: "citizen-note→receiver"},
		{name: "follow-up while forwarded", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.FollowUp, actor: citizen, at: "2026-11-23 08:20", text: "Vẫn chưa sửa."}},
			notices: "citizen-note→handler:so-gtvt"},
		{name: "follow-up after the result", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."},
			{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:20"},
			{action: lifecycle.FollowUp, actor: citizen, at: "2026-11-23 09:30", text: "3"}},
			notices: "citizen-note→handler:so-gtvt"},
		{name: "dissatisfied rating", steps: []step{{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."},
			{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:20"},
			{action: lifecycle.Rate, actor: citizen, at: "2026-11-23 09:30", rating: lifecycle.Dissatisfied, text: "Vẫn còn ổ gà."}},
			notices: "thanks→citizen rated→handler:so-gtvt rated→approver", changed: "state rating"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReport(t, "2026-11-23 08:00", false)
			ch := r.last
			for _, s := range tt.steps {
				ch = r.do(s)
			}
			if got := formatNotices(ch.Notices); got != tt.notices {
				t.Errorf("notices:\n got %s\nwant %s", got, tt.notices)
			}
			if got := strings.Join(ch.Changed, " "); got != tt.changed {
				t.Errorf("changed: got %q, want %q", got, tt.changed)
			}
		})
	}
}

// TestFollowUp: a follow-up — a new mail with the report's tag and no
// reply token — is a note and nothing else: no state, no deadline, no
// rating (SPEC 4.2).
func TestFollowUp(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"})
	r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."})
	r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:20"})
	ch := r.do(step{action: lifecycle.FollowUp, actor: citizen, at: "2026-11-23 09:30", text: "Rất hài lòng"})
	check(t, ch, "", "", "citizen-note→handler:so-gtvt")
	if ch.To != lifecycle.Published || ch.Facts.Rating != "" || len(ch.Changed) != 0 {
		t.Errorf("a follow-up changed the report: %s, rating %q, changed %v", ch.To, ch.Facts.Rating, ch.Changed)
	}
	if err := r.try(step{action: lifecycle.FollowUp, actor: receiver, at: "2026-11-23 09:40", text: "x"}); err == nil {
		t.Error("a follow-up from staff was accepted")
	}
}

// TestFollowUpRequestsConfidential: an unverified follow-up asking for
// confidentiality leaves the report as it is; whoever holds it is told, and
// the receivers too when an agency holds it: only the Center grants it
// (SPEC 3, 4.2). So does an unverified reply. A report already
// confidential tells no one more.
func TestFollowUpRequestsConfidential(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	requestedIn := func(action lifecycle.Action, at string) lifecycle.Change {
		t.Helper()
		in := r.input(step{action: action, actor: citizen, at: at, text: "Xin giấu tên tôi."})
		in.RequestsConfidential = true
		ch, err := lifecycle.Apply(in)
		if err != nil {
			t.Fatal(err)
		}
		r.facts = ch.Facts
		return ch
	}
	requested := func(at string) lifecycle.Change { t.Helper(); return requestedIn(lifecycle.FollowUp, at) }
	for _, tt := range []struct {
		before      step
		at, notices string
	}{
		{at: "2026-11-23 08:05", notices: "citizen-note→receiver"},
		{before: step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"},
			at: "2026-11-23 08:20", notices: "citizen-note→handler:so-gtvt citizen-note→receiver"},
		{before: step{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Xong."},
			at: "2026-11-23 09:15", notices: "citizen-note→approver citizen-note→handler:so-gtvt"},
		{before: step{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:20"},
			at: "2026-11-23 09:30", notices: "citizen-note→handler:so-gtvt citizen-note→receiver"},
	} {
		if tt.before.action != "" {
			r.do(tt.before)
		}
		ch := requested(tt.at)
		check(t, ch, "", "", tt.notices)
		if ch.Facts.Confidential || len(ch.Changed) != 0 || ch.From != ch.To {
			t.Errorf("in %s the request changed the report: confidential %v, changed %v", ch.From, ch.Facts.Confidential, ch.Changed)
		}
	}
	// A reply that only refers to our mail is the citizen's, with its
	// clarification deadline after the result; its request is the same.
	ch := requestedIn(lifecycle.Reply, "2026-11-23 09:35")
	if got := formatNotices(ch.Notices); got != "citizen-reply→handler:so-gtvt citizen-note→receiver" || ch.Facts.Confidential || len(ch.Open) != 1 {
		t.Errorf("a reply's request: notices %s, confidential %v, opened %d", got, ch.Facts.Confidential, len(ch.Open))
	}
	r.do(step{action: lifecycle.Confidential, actor: receiver, at: "2026-11-23 09:40"})
	check(t, requested("2026-11-23 09:50"), "", "", "citizen-note→handler:so-gtvt")
}

// TestReroute: a new field or unit before forwarding asks for a new
// proposal; after forwarding it only reclassifies.
func TestReroute(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	if ch := r.do(step{action: lifecycle.Field, actor: receiver, at: "2026-11-23 08:10", code: "dien"}); !ch.Reroute {
		t.Error("field before forwarding: no reroute")
	}
	r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:20"})
	if ch := r.do(step{action: lifecycle.Unit, actor: approver, at: "2026-11-23 08:30", code: "vi-thanh"}); ch.Reroute {
		t.Error("unit after forwarding: reroute")
	}
}

// TestApplyKeepsInput: Apply never changes the facts it is given.
func TestApplyKeepsInput(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	before := r.facts.Deadlines[deadline.KindIntake]
	in := r.input(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 09:00"})
	if _, err := lifecycle.Apply(in); err != nil {
		t.Fatal(err)
	}
	if in.Facts.Deadlines[deadline.KindIntake] != before || len(in.Facts.Deadlines) != 1 {
		t.Errorf("input facts changed: %+v", in.Facts.Deadlines)
	}
}

// TestSecret: an approver's /secret marks a report whose result holds
// state secrets (Art 9.1c); at approval the citizen is told to ask the
// agency for the result instead of receiving it, and the agency hears that
// its result was approved. Only approvers may, and not on a rejected
// report.
func TestSecret(t *testing.T) {
	r := newReport(t, "2026-11-23 08:00", false)
	r.do(step{action: lifecycle.Accept, actor: receiver, at: "2026-11-23 08:10"})
	r.do(step{action: lifecycle.Resolve, actor: handler, at: "2026-11-23 09:10", text: "Đã xử lý theo quy định."})
	if err := r.try(step{action: lifecycle.Secret, actor: receiver, at: "2026-11-23 09:15"}); !errors.Is(err, lifecycle.ErrWrongRole) {
		t.Errorf("a receiver's /secret: %v", err)
	}
	ch := r.do(step{action: lifecycle.Secret, actor: approver, at: "2026-11-23 09:20"})
	check(t, ch, "", "", "")
	if !r.facts.Secret || strings.Join(ch.Changed, ",") != "secret" || ch.To != lifecycle.Resolved {
		t.Errorf("after /secret: secret %v, changed %v, state %s", r.facts.Secret, ch.Changed, ch.To)
	}
	if ch := r.do(step{action: lifecycle.Secret, actor: approver, at: "2026-11-23 09:21"}); len(ch.Changed) != 0 {
		t.Errorf("a second /secret changed %v", ch.Changed)
	}
	ch = r.do(step{action: lifecycle.Approve, actor: approver, at: "2026-11-23 09:30"})
	check(t, ch, "", "publish met", "secret-result→citizen approved→handler:so-gtvt")

	rejected := newReport(t, "2026-11-23 08:00", false)
	rejected.do(step{action: lifecycle.Reject, actor: receiver, at: "2026-11-23 08:10", text: "Trùng lặp."})
	if err := rejected.try(step{action: lifecycle.Secret, actor: approver, at: "2026-11-23 08:20"}); !errors.Is(err, lifecycle.ErrWrongState) {
		t.Errorf("/secret on a rejected report: %v", err)
	}
}
