package lifecycle

import (
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
)

// A Transition is one row of the lifecycle's table (SPEC 3, 7): an action,
// the states it is allowed from, the roles allowed, and the state it leads
// to.
type Transition struct {
	Action Action
	// From lists the states the action is allowed in. A nil From allows the
	// action in any state and without a report (/status, /help, /report);
	// Ingest is allowed only without a report (the empty State).
	From  []State
	Roles []Role
	// To is the state after the action, "" when it stays. A /call-failed
	// stays received until the call_attempts-th, which leads to Rejected.
	To State
}

// Handlers and leaders act only on reports forwarded to their agency: in
// these states, with the report's agency theirs (SPEC 7.2).
var agencyStates = []State{Forwarded, Resolved, Published, Closed}

var (
	allStates  = States()
	openStates = []State{Received, Forwarded, Returned, Resolved, Published, Escalated}
	staff      = []Role{Receiver, Approver, Handler, Leader, Admin}
	center     = []Role{Receiver, Approver}
	agency     = []Role{Handler, Leader}
	beforeDone = []State{Received, Forwarded, Returned, Escalated}
	// secretStates are those of a report that has or may get a result: a
	// rejected report has none to keep secret.
	secretStates = []State{Received, Forwarded, Returned, Resolved, Published, Closed, Escalated}
)

// transitions is the table. Where the spec is silent:
//   - /urgent and /complex apply until the agency's result: afterwards they
//     change nothing that matters;
//   - /field and /unit apply to any open report (not closed or rejected);
//   - /note and /confidential apply in every state: a note changes nothing
//     but the log, and privacy is never refused; /secret (the approver's:
//     the Center answers for what it publishes) in every state but
//     rejected, which has no result;
//   - leaders may do what their agency's handlers do;
//   - admins (the IT team) take notes and read status; the regulation gives
//     the decisions to receivers, approvers and handlers;
//   - admins put and release the holds of the personal data law (SPEC
//     10.5), in any state: a hold changes nothing of the report's handling.
var transitions = []Transition{
	{Ingest, []State{""}, []Role{System}, Received},
	{Accept, []State{Received}, []Role{Receiver, System}, Forwarded}, // System: auto_forward (SPEC 6.2)
	{Assign, []State{Received, Returned}, []Role{Receiver}, Forwarded},
	{Assign, []State{Escalated}, center, Forwarded},
	{Reject, []State{Received}, []Role{Receiver}, Rejected},
	{CallFailed, []State{Received}, []Role{Receiver}, ""},
	{Return, []State{Forwarded}, agency, Returned},
	{Resolve, []State{Forwarded}, agency, Resolved},
	{SendBack, []State{Resolved}, []Role{Approver}, Forwarded},
	{Approve, []State{Resolved}, []Role{Approver}, Published},
	{Extend, []State{Forwarded}, agency, ""},
	{ConfirmExtension, []State{Forwarded}, []Role{Approver}, ""},
	{DenyExtension, []State{Forwarded}, []Role{Approver}, ""},
	{Escalate, []State{Received, Forwarded, Returned, Resolved, Published, Closed}, center, Escalated},
	{Urgent, beforeDone, center, ""},
	{Complex, beforeDone, center, ""},
	{Field, openStates, center, ""},
	{Unit, openStates, center, ""},
	{Note, allStates, staff, ""},
	{Confidential, allStates, center, ""},
	{Secret, secretStates, []Role{Approver}, ""},
	{Clarify, []State{Published, Closed}, agency, ""},
	{Status, nil, staff, ""},
	{Help, nil, staff, ""},
	{Codes, nil, staff, ""},
	{Report, nil, []Role{Approver, Leader}, ""},
	{Rate, []State{Published}, []Role{Citizen}, Closed},
	{Reply, allStates, []Role{Citizen}, ""},
	{FollowUp, allStates, []Role{Citizen}, ""},
	{Hold, allStates, []Role{Admin}, ""},
	{Release, allStates, []Role{Admin}, ""},
}

// Transitions returns a copy of the table.
func Transitions() []Transition {
	out := make([]Transition, len(transitions))
	for i, t := range transitions {
		t.From, t.Roles = slices.Clone(t.From), slices.Clone(t.Roles)
		out[i] = t
	}
	return out
}

// Context is what the guards of Check need beyond the action, the state and
// the role. Input.Context builds it from what Apply is given.
type Context struct {
	// ActorAgency is the agency of a handler or leader.
	ActorAgency string
	// ReportAgency is the agency the report is forwarded to (the lead), or
	// proposed for before it is forwarded; CoAgencies those it was
	// forwarded to with the lead.
	ReportAgency string
	CoAgencies   []string
	// Center is the Center's agency code in the routing table; Bodies
	// the bodies its edition names, for the refusals' words.
	Center string
	Bodies routing.Bodies
	// Code is the command's code argument: the agency of /accept or
	// /assign, the field of /field, the unit of /unit; "" when none.
	Code string
	// HasText is set when the command carries text.
	HasText bool
	// ReturnMissing lists the labelled parts a /return's text lacks
	// (MissingReturnParts); nil for other actions.
	ReturnMissing []string
	// Files counts the attachments that came with a /resolve.
	Files int
	// ResultText is set when the result waiting for approval has text.
	ResultText bool
	// ExtensionRequested is set while an /extend waits for the Center.
	ExtensionRequested bool
	// ResolveDue is the open resolve deadline's due instant; zero when
	// there is none or it is open-ended.
	ResolveDue time.Time
	// Now is when the action happens.
	Now time.Time
	// Rated is set when the citizen has rated the result.
	Rated bool
	// Held is set while an admin's hold keeps the report (SPEC 10.5).
	Held bool
	// ErasedAt is when the report's personal data was erased (SPEC
	// 10.5); zero while it is kept.
	ErasedAt time.Time
}

// Check says whether role may do a in state from: nil, or an *Error with
// the reason. The role is checked first, then the state, then the agency
// of handlers and leaders — the report's lead agency, or for /note and
// /status one of its co-agencies — (for every action but /help, /report and /codes, which
// concern no report) — but a handler or leader of another agency is
// refused before the state is, so that they learn nothing of the report,
// not even its state (SPEC 7.3) — then the guards of the action:
//   - /accept without an agency is refused while the proposal is the Center
//     itself, with a hint to use /assign CODE; nothing is forwarded to the
//     Center;
//   - /assign, /field and /unit need a code;
//   - the commands that carry a reason or a text need one; a /return's
//     text holds the cause, the legal basis and the proposal, each
//     labelled (Art 8.1, MissingReturnParts), and a return lacking one is
//     refused naming it;
//   - /resolve needs a text or an attachment; /approve needs a result with
//     text (SPEC 8.3: the Center sends back a result without);
//   - /extend is allowed before the resolve deadline, at most one request
//     waiting at a time; /confirm-extension and /deny-extension need one;
//   - a second rating is refused as already rated;
//   - the commands that carry a text (/note, /clarify, /escalate,
//     /hold), and /release of no hold, are refused on a report whose
//     personal data was erased (SPEC 10.5: nothing more is kept about
//     it, nothing is left to hold).
//
// Check does not look codes up: Apply does, in the routing table.
func Check(a Action, from State, role Role, ctx Context) error {
	rows := rowsOf(a)
	if len(rows) == 0 {
		return refuse(CodeUnknownAction, "không có lệnh %s", a.Command())
	}
	// Whether the role may take a transition of a, and one from the
	// state, asked of the rows where they are: the role's rows are copied
	// out only to name their states in a refusal.
	mine, allowed := false, false
	for _, r := range rows {
		if slices.Contains(r.Roles, role) {
			mine = true
			allowed = allowed || r.leaves(from)
		}
	}
	if !mine {
		return wrongRole(a, rolesOf(rows), role)
	}
	if a == Rate && ctx.Rated {
		return refuse(CodeAlreadyRated, "phản ánh đã được đánh giá")
	}
	agencyBound := (role == Handler || role == Leader) && from != "" && a != Help && a != Report && a != Codes
	if agencyBound && (ctx.ActorAgency == "" || ctx.ActorAgency != ctx.ReportAgency) && !coAgencyMay(a, ctx) {
		return otherAgency(a)
	}
	if !allowed {
		return wrongState(a, statesOf(rowsFor(rows, role)), from, ctx.Bodies)
	}
	if agencyBound && !slices.Contains(agencyStates, from) {
		return otherAgency(a)
	}
	return guard(a, ctx)
}

// coAgencyActions are what a co-agency's handlers and leaders may do on a
// report they work on with the lead (Art 7.1): add notes and ask for its
// state. Returning, resolving and extending are the lead's.
var coAgencyActions = []Action{Note, Status}

// coAgencyMay reports whether the actor's agency is a co-agency of the
// report and the action one a co-agency may take.
func coAgencyMay(a Action, ctx Context) bool {
	return ctx.ActorAgency != "" && slices.Contains(ctx.CoAgencies, ctx.ActorAgency) && slices.Contains(coAgencyActions, a)
}

// textActions need a text: a reason, grounds, a note, an answer.
var textActions = []Action{Reject, Return, SendBack, Extend, DenyExtension, Escalate, Clarify, Note, Hold}

func otherAgency(a Action) error {
	return refuse(CodeOtherAgency, "lệnh %s: phản ánh này không được chuyển đến cơ quan của Quý Ông/Bà", a.Command())
}

func guard(a Action, ctx Context) error {
	switch {
	case (slices.Contains(textActions, a) || a == Release && !ctx.Held) && !ctx.ErasedAt.IsZero():
		return erasedRefusal(a, ctx.ErasedAt)
	case slices.Contains(textActions, a) && !ctx.HasText:
		return refuse(CodeMissingText, "lệnh %s cần nội dung: ghi sau lệnh, hoặc ở các dòng dưới lệnh", a.Command())
	case a == Return && len(ctx.ReturnMissing) > 0:
		return incompleteReturn(ctx.ReturnMissing)
	case a == Accept && ctx.Code == "" && (ctx.ReportAgency == "" || ctx.ReportAgency == ctx.Center):
		return refuse(CodeCenterProposal, "lệnh /accept: chưa xác định được cơ quan xử lý (đề xuất là Trung tâm); "+
			"hãy dùng /assign MÃ để chuyển cơ quan có mã MÃ")
	case (a == Accept || a == Assign) && ctx.Code != "" && ctx.Code == ctx.Center:
		return refuse(CodeCenterTarget, "lệnh %s: không chuyển phản ánh cho chính Trung tâm; hãy chọn cơ quan xử lý", a.Command())
	case (a == Assign || a == Field || a == Unit) && ctx.Code == "":
		return refuse(CodeMissingCode, "lệnh %s cần một mã, ví dụ: %s", a.Command(), example(a))
	case a == Resolve && !ctx.HasText && ctx.Files == 0:
		return refuse(CodeNoResult, "lệnh /resolve cần nội dung kết quả xử lý (ghi sau lệnh hoặc ở các dòng dưới) "+
			"hoặc văn bản, hình ảnh đính kèm")
	case a == Approve && !ctx.ResultText:
		return refuse(CodeEmptyResult, "lệnh /approve: kết quả xử lý chưa có nội dung; "+
			"hãy dùng /sendback lý do để yêu cầu cơ quan xử lý bổ sung")
	case a == Extend && ctx.ExtensionRequested:
		return refuse(CodeExtensionPending, "lệnh /extend: đã có đề nghị gia hạn đang chờ Trung tâm xác nhận")
	case a == Extend && !ctx.ResolveDue.IsZero() && ctx.Now.After(ctx.ResolveDue):
		return refuse(CodeDeadlinePassed, "lệnh /extend phải gửi trước hạn xử lý (hạn: %s)", when(ctx.ResolveDue, nil))
	case a == Hold && ctx.Held:
		return refuse(CodeHeld, "lệnh /hold: phản ánh đang được giữ lại; gửi /release để bỏ giữ trước")
	case a == Release && !ctx.Held:
		return refuse(CodeNotHeld, "lệnh /release: phản ánh không đang được giữ lại")
	case (a == ConfirmExtension || a == DenyExtension) && !ctx.ExtensionRequested:
		return refuse(CodeNoExtensionRequest, "lệnh %s: không có đề nghị gia hạn nào đang chờ xác nhận", a.Command())
	}
	return nil
}

// erasedRefusal refuses, on a report whose personal data was erased at, a
// command that carries a text (SPEC 10.5: nothing more is kept about the
// report, and a note, a clarification or an escalation's grounds would
// be dropped unsaid) or a /release of no hold: a hold keeps a report's
// data from retention's erasure, and nothing of it is left to keep. A
// hold an erased report still carries may be released.
func erasedRefusal(a Action, at time.Time) *Error {
	what := "không thể lưu thêm nội dung về phản ánh này"
	switch a {
	case Hold:
		what = "không còn gì để giữ lại"
	case Release:
		what = "phản ánh không được giữ lại"
	}
	return refuse(CodeErased, "lệnh %s: dữ liệu cá nhân của phản ánh đã được xóa lúc %s; %s", a.Command(), when(at, calendar.Vietnam), what)
}

// incompleteReturn refuses a /return that lacks parts, naming them.
func incompleteReturn(missing []string) *Error {
	var labels []string
	for _, l := range ReturnLabels {
		labels = append(labels, "«"+l+":»")
	}
	return refuse(CodeIncompleteReturn, "lệnh /return phải nêu rõ nguyên nhân, căn cứ và đề xuất (khoản 1 Điều 8); thiếu: %s. "+
		"Ghi mỗi phần trên một dòng, bắt đầu bằng %s", strings.Join(missing, ", "), strings.Join(labels, ", "))
}

func example(a Action) string {
	switch a {
	case Field:
		return "/field giao-thong"
	case Unit:
		return "/unit vi-thanh"
	}
	return "/assign so-gtvt"
}

// rowsOf returns the transitions of an action, in the table's order. The
// slice is shared: callers only read it.
func rowsOf(a Action) []Transition { return transitionsOf[a] }

// transitionsOf is the table by action, built once: every notice asks
// for the rows of every command (Usable).
var transitionsOf = func() map[Action][]Transition {
	m := map[Action][]Transition{}
	for _, t := range transitions {
		m[t.Action] = append(m[t.Action], t)
	}
	return m
}()

// rowsFor returns the rows the role may take.
func rowsFor(rows []Transition, role Role) []Transition {
	var mine []Transition
	for _, r := range rows {
		if slices.Contains(r.Roles, role) {
			mine = append(mine, r)
		}
	}
	return mine
}

// leaves reports whether the transition may be taken from the state: it
// names the state among those it leaves, or names none (any state).
func (t Transition) leaves(from State) bool {
	return t.From == nil || slices.Contains(t.From, from)
}

func rolesOf(rows []Transition) []Role {
	var out []Role
	for _, r := range rows {
		for _, role := range r.Roles {
			if !slices.Contains(out, role) {
				out = append(out, role)
			}
		}
	}
	return out
}

func statesOf(rows []Transition) []State {
	var out []State
	for _, r := range rows {
		for _, s := range r.From {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// next returns the state a row leads to from the current one.
func next(a Action, role Role, from State) State {
	for _, r := range rowsOf(a) {
		if slices.Contains(r.Roles, role) && (r.From == nil || slices.Contains(r.From, from)) && r.To != "" {
			return r.To
		}
	}
	return from
}
