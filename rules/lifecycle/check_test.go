package lifecycle_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
)

var everyState = append([]lifecycle.State{""}, lifecycle.States()...)

// agencyStates are the states in which a report is with its agency.
var agencyStates = []lifecycle.State{lifecycle.Forwarded, lifecycle.Resolved, lifecycle.Published, lifecycle.Closed}

// happy returns an input for a in state from by actor that every guard
// lets through: a report with so-gtvt, an open resolve deadline far ahead,
// a result with text, an extension request waiting when a needs one, a
// hold when a releases one.
func happy(t *testing.T, a lifecycle.Action, from lifecycle.State, actor lifecycle.Actor) lifecycle.Input {
	now := at(t, "2026-11-24 09:00")
	f := lifecycle.Facts{
		State: from, ReceivedAt: at(t, "2026-11-23 08:00"), Agency: "so-gtvt", Result: "Đã vá ổ gà.",
		Deadlines: map[deadline.Kind]lifecycle.Deadline{
			deadline.KindResolve: {Deadline: deadline.Deadline{Kind: deadline.KindResolve, Start: now, Due: now.Add(72 * time.Hour)}, Open: true},
		},
	}
	if a == lifecycle.ConfirmExtension || a == lifecycle.DenyExtension {
		f.Extension = lifecycle.Extension{Requested: true, Days: 3}
	}
	if a == lifecycle.Release {
		f.Held, f.Hold = true, "khiếu nại đang giải quyết"
	}
	in := lifecycle.Input{Facts: f, Action: a, Actor: actor, At: now, Text: "nội dung", Calendar: testCalendar(t),
		Directory: directory{}}
	switch a {
	case lifecycle.Assign:
		in.Code = "dien-luc"
	case lifecycle.Field:
		in.Code = "dien"
	case lifecycle.Unit:
		in.Code = "vi-thanh"
	case lifecycle.Rate:
		in.Rating = lifecycle.Satisfied
	case lifecycle.Return:
		in.Text = completeReturn
	}
	return in
}

// completeReturn holds the three parts of a return (Art 8.1).
const completeReturn = "Nguyên nhân: không thuộc thẩm quyền.\nCăn cứ: phân cấp quản lý.\nĐề xuất: UBND huyện."

func actorFor(role lifecycle.Role) lifecycle.Actor {
	for _, a := range allActors {
		if a.Role == role {
			return a
		}
	}
	panic("no actor for " + role)
}

// TestEveryTransition applies every row of the table from each of its
// states by each of its roles, and checks the state it leads to.
func TestEveryTransition(t *testing.T) {
	n := 0
	for _, row := range lifecycle.Transitions() {
		froms := row.From
		if froms == nil {
			froms = everyState
		}
		for _, from := range froms {
			for _, role := range row.Roles {
				actor := actorFor(role)
				in := happy(t, row.Action, from, actor)
				ch, err := lifecycle.Apply(in)
				agencyRole := role == lifecycle.Handler || role == lifecycle.Leader
				aboutReport := row.Action != lifecycle.Help && row.Action != lifecycle.Report && row.Action != lifecycle.Codes
				if agencyRole && aboutReport && from != "" && !slices.Contains(agencyStates, from) {
					if !errors.Is(err, lifecycle.ErrOtherAgency) {
						t.Errorf("%s from %q by %s: got %v, want other-agency", row.Action, from, role, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s from %q by %s: %v", row.Action, from, role, err)
					continue
				}
				want := row.To
				if want == "" {
					want = from
				}
				if row.Action == lifecycle.Ingest {
					want = lifecycle.Received
				}
				if ch.To != want || ch.Facts.State != want || ch.From != from {
					t.Errorf("%s from %q by %s: %s → %s (facts %s), want → %s", row.Action, from, role, ch.From, ch.To, ch.Facts.State, want)
				}
				n++
			}
		}
	}
	t.Logf("%d allowed transitions applied", n)
}

// TestMatrix checks that whatever the table does not list is refused as a
// wrong role or a wrong state, for every action, state and actor.
func TestMatrix(t *testing.T) {
	rows := lifecycle.Transitions()
	for _, a := range lifecycle.Actions() {
		for _, from := range everyState {
			for _, actor := range allActors {
				listed := false
				for _, r := range rows {
					if r.Action == a && slices.Contains(r.Roles, actor.Role) && (r.From == nil || slices.Contains(r.From, from)) {
						listed = true
					}
				}
				if listed {
					continue
				}
				err := lifecycle.Check(a, from, actor.Role, happy(t, a, from, actor).Context())
				if !errors.Is(err, lifecycle.ErrWrongRole) && !errors.Is(err, lifecycle.ErrWrongState) {
					t.Errorf("%s from %q by %s: got %v, want a wrong role or state", a, from, actor.Role, err)
				}
			}
		}
	}
}

// TestRefusals covers each refusal with its code and, for some, the exact
// Vietnamese reply.
func TestRefusals(t *testing.T) {
	type mod func(*lifecycle.Input)
	withFacts := func(fn func(*lifecycle.Facts)) mod { return func(in *lifecycle.Input) { fn(&in.Facts) } }
	tests := []struct {
		name   string
		action lifecycle.Action
		from   lifecycle.State
		actor  lifecycle.Actor
		mod    mod
		want   *lifecycle.Error
		msg    string
	}{
		{name: "approve before a result", action: lifecycle.Approve, from: lifecycle.Forwarded, actor: approver,
			want: lifecycle.ErrWrongState,
			msg: "lệnh /approve chỉ dùng khi phản ánh ở trạng thái: đã có kết quả, chờ Trung tâm duyệt; " +
				"phản ánh đang ở trạng thái: đã chuyển cơ quan xử lý"},
		{name: "approve an escalated report", action: lifecycle.Approve, from: lifecycle.Escalated, actor: approver,
			want: lifecycle.ErrWrongState,
			msg: "lệnh /approve chỉ dùng khi phản ánh ở trạng thái: đã có kết quả, chờ Trung tâm duyệt; " +
				"phản ánh đang ở trạng thái: đã chuyển Sở Khoa học và Công nghệ thành phố Cần Thơ"},
		{name: "handler approves", action: lifecycle.Approve, from: lifecycle.Resolved, actor: handler,
			want: lifecycle.ErrWrongRole, msg: "lệnh /approve dành cho: người duyệt; Quý Ông/Bà là: người xử lý"},
		{name: "citizen approves", action: lifecycle.Approve, from: lifecycle.Resolved, actor: citizen, want: lifecycle.ErrWrongRole},
		{name: "citizen accepts", action: lifecycle.Accept, from: lifecycle.Received, actor: citizen, want: lifecycle.ErrWrongRole},
		{name: "admin accepts", action: lifecycle.Accept, from: lifecycle.Received, actor: admin, want: lifecycle.ErrWrongRole},
		{name: "receiver resolves", action: lifecycle.Resolve, from: lifecycle.Forwarded, actor: receiver, want: lifecycle.ErrWrongRole},
		{name: "approver assigns a received report", action: lifecycle.Assign, from: lifecycle.Received, actor: approver,
			want: lifecycle.ErrWrongState},
		{name: "accept twice", action: lifecycle.Accept, from: lifecycle.Forwarded, actor: receiver, want: lifecycle.ErrWrongState},
		{name: "reject a forwarded report", action: lifecycle.Reject, from: lifecycle.Forwarded, actor: receiver, want: lifecycle.ErrWrongState},
		{name: "call-failed after forwarding", action: lifecycle.CallFailed, from: lifecycle.Forwarded, actor: receiver, want: lifecycle.ErrWrongState},
		{name: "escalate a rejected report", action: lifecycle.Escalate, from: lifecycle.Rejected, actor: approver, want: lifecycle.ErrWrongState},
		{name: "urgent after the result", action: lifecycle.Urgent, from: lifecycle.Published, actor: receiver, want: lifecycle.ErrWrongState},
		{name: "field of a rejected report", action: lifecycle.Field, from: lifecycle.Rejected, actor: receiver, want: lifecycle.ErrWrongState},
		{name: "clarify before the result", action: lifecycle.Clarify, from: lifecycle.Forwarded, actor: handler, want: lifecycle.ErrWrongState},
		{name: "rate before the result", action: lifecycle.Rate, from: lifecycle.Forwarded, actor: citizen, want: lifecycle.ErrWrongState},
		{name: "ingest twice", action: lifecycle.Ingest, from: lifecycle.Received, actor: system, want: lifecycle.ErrWrongState},
		{name: "handler of another agency resolves", action: lifecycle.Resolve, from: lifecycle.Forwarded, actor: stranger,
			want: lifecycle.ErrOtherAgency, msg: "lệnh /resolve: phản ánh này không được chuyển đến cơ quan của Quý Ông/Bà"},
		{name: "handler of another agency asks status", action: lifecycle.Status, from: lifecycle.Forwarded, actor: stranger,
			want: lifecycle.ErrOtherAgency},
		{name: "handler notes a report still at the Center", action: lifecycle.Note, from: lifecycle.Received, actor: handler,
			want: lifecycle.ErrOtherAgency},
		{name: "handler without an agency", action: lifecycle.Resolve, from: lifecycle.Forwarded,
			actor: lifecycle.Actor{Role: lifecycle.Handler}, want: lifecycle.ErrOtherAgency},
		{name: "returning agency resolves after its return", action: lifecycle.Resolve, from: lifecycle.Returned, actor: handler,
			want: lifecycle.ErrWrongState},
		{name: "leader of another agency", action: lifecycle.Return, from: lifecycle.Forwarded,
			actor: lifecycle.Actor{Role: lifecycle.Leader, Agency: "dien-luc"}, want: lifecycle.ErrOtherAgency},
		{name: "accept while the proposal is the Center", action: lifecycle.Accept, from: lifecycle.Received, actor: receiver,
			mod: withFacts(func(f *lifecycle.Facts) { f.Agency = "ttgsdh" }), want: lifecycle.ErrCenterProposal,
			msg: "lệnh /accept: chưa xác định được cơ quan xử lý (đề xuất là Trung tâm); hãy dùng /assign MÃ để chuyển cơ quan có mã MÃ"},
		{name: "accept without any proposal", action: lifecycle.Accept, from: lifecycle.Received, actor: receiver,
			mod: withFacts(func(f *lifecycle.Facts) { f.Agency = "" }), want: lifecycle.ErrCenterProposal},
		{name: "assign to the Center", action: lifecycle.Assign, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = "TTGSDH" }, want: lifecycle.ErrCenterTarget},
		{name: "assign without a code", action: lifecycle.Assign, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = " " }, want: lifecycle.ErrMissingCode},
		{name: "assign to an unknown agency", action: lifecycle.Assign, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = "so-gtvx" }, want: lifecycle.ErrUnknownAgency,
			msg: "lệnh /assign: không có cơ quan xử lý mã «so-gtvx»; gửi /help để xem cách tra mã"},
		{name: "accept to an unknown agency", action: lifecycle.Accept, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = "xyz" }, want: lifecycle.ErrUnknownAgency},
		{name: "unknown field", action: lifecycle.Field, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = "bay" }, want: lifecycle.ErrUnknownField},
		{name: "unknown unit", action: lifecycle.Unit, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Code = "ha-noi" }, want: lifecycle.ErrUnknownUnit},
		{name: "reject without a reason", action: lifecycle.Reject, from: lifecycle.Received, actor: receiver,
			mod: func(in *lifecycle.Input) { in.Text = "  \n" }, want: lifecycle.ErrMissingText},
		{name: "return without a cause", action: lifecycle.Return, from: lifecycle.Forwarded, actor: handler,
			mod: func(in *lifecycle.Input) { in.Text = "" }, want: lifecycle.ErrMissingText},
		{name: "resolve with neither text nor file", action: lifecycle.Resolve, from: lifecycle.Forwarded, actor: handler,
			mod: func(in *lifecycle.Input) { in.Text = "" }, want: lifecycle.ErrNoResult},
		{name: "approve a result without text", action: lifecycle.Approve, from: lifecycle.Resolved, actor: approver,
			mod: withFacts(func(f *lifecycle.Facts) { f.Result = " " }), want: lifecycle.ErrEmptyResult},
		{name: "extend after the deadline", action: lifecycle.Extend, from: lifecycle.Forwarded, actor: handler,
			mod: func(in *lifecycle.Input) { in.At = in.At.Add(73 * time.Hour) }, want: lifecycle.ErrDeadlinePassed,
			msg: "lệnh /extend phải gửi trước hạn xử lý (hạn: 09:00 ngày 27/11/2026)"},
		{name: "extend twice", action: lifecycle.Extend, from: lifecycle.Forwarded, actor: handler,
			mod: withFacts(func(f *lifecycle.Facts) { f.Extension.Requested = true }), want: lifecycle.ErrExtensionPending},
		{name: "confirm without a request", action: lifecycle.ConfirmExtension, from: lifecycle.Forwarded, actor: approver,
			mod: withFacts(func(f *lifecycle.Facts) { f.Extension = lifecycle.Extension{} }), want: lifecycle.ErrNoExtensionRequest},
		{name: "deny without a request", action: lifecycle.DenyExtension, from: lifecycle.Forwarded, actor: approver,
			mod: withFacts(func(f *lifecycle.Facts) { f.Extension = lifecycle.Extension{} }), want: lifecycle.ErrNoExtensionRequest},
		{name: "rate twice", action: lifecycle.Rate, from: lifecycle.Closed, actor: citizen,
			mod: withFacts(func(f *lifecycle.Facts) { f.Rating = lifecycle.Satisfied }), want: lifecycle.ErrAlreadyRated},
		{name: "rate without a rating", action: lifecycle.Rate, from: lifecycle.Published, actor: citizen,
			mod: func(in *lifecycle.Input) { in.Rating = "4" }, want: lifecycle.ErrNoRating},
		{name: "hold an erased report", action: lifecycle.Hold, from: lifecycle.Closed, actor: admin,
			mod: withFacts(func(f *lifecycle.Facts) { f.ErasedAt = at(t, "2026-12-07 02:00").UTC() }), want: lifecycle.ErrErased,
			msg: "lệnh /hold: dữ liệu cá nhân của phản ánh đã được xóa lúc 02:00 ngày 07/12/2026; không còn gì để giữ lại"},
		{name: "release on an erased report", action: lifecycle.Release, from: lifecycle.Closed, actor: admin,
			mod:  withFacts(func(f *lifecycle.Facts) { f.Held, f.Hold, f.ErasedAt = false, "", at(t, "2026-12-07 02:00").UTC() }),
			want: lifecycle.ErrErased,
			msg:  "lệnh /release: dữ liệu cá nhân của phản ánh đã được xóa lúc 02:00 ngày 07/12/2026; phản ánh không được giữ lại"},
		{name: "note on an erased report", action: lifecycle.Note, from: lifecycle.Closed, actor: admin,
			mod: withFacts(func(f *lifecycle.Facts) { f.ErasedAt = at(t, "2026-12-07 02:00").UTC() }), want: lifecycle.ErrErased,
			msg: "lệnh /note: dữ liệu cá nhân của phản ánh đã được xóa lúc 02:00 ngày 07/12/2026; không thể lưu thêm nội dung về phản ánh này"},
		{name: "note without text on an erased report", action: lifecycle.Note, from: lifecycle.Closed, actor: admin,
			mod: func(in *lifecycle.Input) {
				in.Text = ""
				in.Facts.ErasedAt = at(t, "2026-12-07 02:00").UTC()
			}, want: lifecycle.ErrErased},
		{name: "clarify an erased report", action: lifecycle.Clarify, from: lifecycle.Published, actor: handler,
			mod: withFacts(func(f *lifecycle.Facts) { f.ErasedAt = at(t, "2026-12-07 02:00").UTC() }), want: lifecycle.ErrErased},
		{name: "escalate an erased report", action: lifecycle.Escalate, from: lifecycle.Closed, actor: approver,
			mod: withFacts(func(f *lifecycle.Facts) { f.ErasedAt = at(t, "2026-12-07 02:00").UTC() }), want: lifecycle.ErrErased},
		{name: "unknown action", action: "dance", from: lifecycle.Received, actor: receiver, want: lifecycle.ErrUnknownAction},
		{name: "report for a receiver", action: lifecycle.Report, actor: receiver, want: lifecycle.ErrWrongRole},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := happy(t, tt.action, tt.from, tt.actor)
			if tt.mod != nil {
				tt.mod(&in)
			}
			_, err := lifecycle.Apply(in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %s", err, tt.want.Code)
			}
			var e *lifecycle.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("%v is not an *Error with a message", err)
			}
			if tt.msg != "" && e.Message != tt.msg {
				t.Errorf("message:\n got %s\nwant %s", e.Message, tt.msg)
			}
		})
	}
}

// TestApplyNeedsCalendarAndDirectory: a missing dependency is a plain error,
// not a refusal to show an operator.
func TestApplyNeedsCalendarAndDirectory(t *testing.T) {
	_, err := lifecycle.Apply(lifecycle.Input{Action: lifecycle.Help, Actor: receiver})
	var e *lifecycle.Error
	if err == nil || errors.As(err, &e) {
		t.Fatalf("got %v, want a plain error", err)
	}
}
