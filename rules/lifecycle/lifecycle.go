// Package lifecycle is the life of a report as data and pure functions (SPEC
// 3, 5.3–5.5, 7): its states, who may do what in which state, and what each
// action changes — the report's facts, the deadlines opened and closed, and
// the notices owed.
//
// Nothing here reads or writes anything. The pipeline gives Apply what it
// knows of a report (Facts), the action with its arguments, who acts and
// when; Apply answers with a Change, or with an *Error whose Vietnamese
// message is the reply to the operator. The caller writes the Change to the
// store and the outbox in one transaction. A reply holding several commands
// is applied in order by feeding each Change's Facts to the next Apply, and
// written only when none was refused (all or none, SPEC 7.1).
package lifecycle

import (
	"haugiang.gov.vn/phananh/rules/routing"
)

// State is a report's state. The strings are those stored and printed
// (SPEC 3, 12.1).
type State string

// The states of a report: the main line received → forwarded → resolved →
// published → closed, and the side states rejected, returned, escalated.
const (
	Received  State = "received"  // waiting for the Center to forward or reject it
	Forwarded State = "forwarded" // with an agency
	Resolved  State = "resolved"  // the agency's result waits for the Center's review
	Published State = "published" // the result went to the citizen (and the public unless confidential)
	Closed    State = "closed"    // the citizen rated the result
	Rejected  State = "rejected"  // refused at intake
	Returned  State = "returned"  // the agency said it is not its authority
	Escalated State = "escalated" // sent to the department the routing table names (routing.Bodies)
)

// States lists every state, main line first.
func States() []State {
	return []State{Received, Forwarded, Resolved, Published, Closed, Rejected, Returned, Escalated}
}

// Label returns the state's Vietnamese name, as operators read it in
// replies; an escalated report names the body it went to, of bodies.
func (s State) Label(bodies routing.Bodies) string {
	switch s {
	case Received:
		return "mới tiếp nhận, chờ chuyển xử lý"
	case Forwarded:
		return "đã chuyển cơ quan xử lý"
	case Resolved:
		return "đã có kết quả, chờ Trung tâm duyệt"
	case Published:
		return "đã thông báo kết quả"
	case Closed:
		return "đã đóng (người phản ánh đã đánh giá)"
	case Rejected:
		return "đã từ chối"
	case Returned:
		return "bị cơ quan xử lý trả lại"
	case Escalated:
		return "đã chuyển " + bodies.Escalation
	}
	return string(s)
}

// Role is who acts: an operator's configured role (SPEC 7.2), or the
// citizen who sent the report, or the daemon itself.
type Role string

// The roles.
const (
	Receiver Role = "receiver" // the Center: triages new and returned reports
	Approver Role = "approver" // the Center: reviews results, extensions, escalations
	Handler  Role = "handler"  // an agency's staff, bound to its agency
	Leader   Role = "leader"   // an agency's leader: may act as its handlers do, and ask for reports
	Admin    Role = "admin"    // the IT team: notes and status only; decisions belong to the others
	Citizen  Role = "citizen"  // the sender of the report
	System   Role = "system"   // the daemon
)

// Center reports whether the role is the Center's own staff — its
// receivers, approvers and IT team — who are entitled to the whole report,
// the citizen's identity and files as sent included (SPEC 1, Art 6.4); an
// agency's staff, the citizen and outside addresses are not.
func (r Role) Center() bool {
	return r == Receiver || r == Approver || r == Admin
}

// Label returns the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case Receiver:
		return "người tiếp nhận"
	case Approver:
		return "người duyệt"
	case Handler:
		return "người xử lý"
	case Leader:
		return "lãnh đạo cơ quan xử lý"
	case Admin:
		return "quản trị hệ thống"
	case Citizen:
		return "người phản ánh"
	case System:
		return "hệ thống"
	}
	return string(r)
}

// Action is a command or event of SPEC 3 and 7.1. Operators' actions are
// named as the English command without its slash.
type Action string

// The actions.
const (
	Ingest           Action = "ingest"            // a new report (system)
	Accept           Action = "accept"            // forward to the proposed agency, or to the one named
	Assign           Action = "assign"            // forward to the agency named
	Reject           Action = "reject"            // refuse at intake, with the reason
	CallFailed       Action = "call-failed"       // a verification call failed; the call_attempts-th rejects
	Return           Action = "return"            // the agency returns a wrong assignment
	Resolve          Action = "resolve"           // the agency submits its result
	SendBack         Action = "sendback"          // the Center asks the agency to redo its result
	Approve          Action = "approve"           // the Center publishes the result
	Extend           Action = "extend"            // the agency asks for a complex-case extension
	ConfirmExtension Action = "confirm-extension" // the Center grants it
	DenyExtension    Action = "deny-extension"    // the Center refuses it
	Escalate         Action = "escalate"          // to the department the routing table names (routing.Bodies)
	Urgent           Action = "urgent"            // mark urgent
	Complex          Action = "complex"           // mark complex
	Field            Action = "field"             // reclassify the field
	Unit             Action = "unit"              // set the administrative unit
	Note             Action = "note"              // add a note to the log
	Confidential     Action = "confidential"      // keep the citizen's identity and the result unpublished
	Secret           Action = "secret"            // the result holds state secrets: neither published nor mailed (Art 9.1c)
	Clarify          Action = "clarify"           // the agency answers the citizen's reply
	Status           Action = "status"            // ask for the report's state
	Help             Action = "help"              // ask for the commands
	Report           Action = "report"            // ask for a periodic report
	Codes            Action = "codes"             // ask for the codes of fields, units and agencies
	Rate             Action = "rate"              // the citizen rates the result
	Reply            Action = "reply"             // the citizen writes again
	FollowUp         Action = "followup"          // a new mail with the report's tag: an unverified note
	Hold             Action = "hold"              // an admin keeps the report's personal data past retention (SPEC 10.5)
	Release          Action = "release"           // an admin releases the hold
)

// Actions lists every action.
func Actions() []Action {
	return []Action{Ingest, Accept, Assign, Reject, CallFailed, Return, Resolve, SendBack, Approve, Extend,
		ConfirmExtension, DenyExtension, Escalate, Urgent, Complex, Field, Unit, Note, Confidential, Secret, Clarify,
		Status, Help, Report, Codes, Rate, Reply, FollowUp, Hold, Release}
}

// Command returns how the action is written in the event log and in
// replies: "/accept" for operators' commands, "ingest", "rate", "reply" and
// "followup" for the others.
func (a Action) Command() string {
	switch a {
	case Ingest, Rate, Reply, FollowUp:
		return string(a)
	}
	return "/" + string(a)
}

// Directory is what the lifecycle reads of the routing table: agencies
// with their resolve limits, fields, units, and the Center's code.
// *routing.Table is one.
type Directory interface {
	Agency(code string) (routing.Agency, bool)
	Field(code string) (routing.Field, bool)
	Unit(code string) (routing.Unit, bool)
	Center() routing.Agency
	Bodies() routing.Bodies
}

var _ Directory = (*routing.Table)(nil)
