package lifecycle

import (
	"errors"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/routing"
)

// DefaultCallAttempts is call_attempts when the configuration leaves it
// out: the fourth failed verification call rejects the report. Art 7.1
// rejects a sender who cannot be reached "quá 03 lần gọi", in more than
// three calls (SPEC 3, 4.5).
const DefaultCallAttempts = 4

// Superseded closes a deadline whose step no longer applies: the report left
// that stage another way (a result submitted before the return window
// ended, a return that ends the agency's resolve deadline, an escalation, a
// result sent back before publication). The store keeps it as the
// deadline state "superseded"; statistics do not count it.
const Superseded deadline.Outcome = "superseded"

// Actor is who acts.
type Actor struct {
	Role Role
	// Agency is the agency of a handler or leader.
	Agency string
}

// Input is one action on one report.
type Input struct {
	Facts  Facts
	Action Action
	Actor  Actor
	// At is when the action happened: the received time (IMAP
	// INTERNALDATE) of the message that carried it. Deadlines count
	// from it.
	At time.Time

	// Code is the agency of /accept (optional) and /assign, the field of
	// /field or the unit of /unit; codes are compared in lower case.
	Code string
	// CoAgencies are the agencies an /assign names after the lead, which
	// work with it (Art 7.1); codes in lower case.
	CoAgencies []string
	// Text is the reason, grounds, note, result or answer a command
	// carries, or the citizen's reply.
	Text string
	// Days are the working days of /extend or /confirm-extension; 0 when
	// not given.
	Days int
	// Files counts the attachments of a /resolve.
	Files int
	// Rating is the citizen's rating (Rate).
	Rating Rating
	// AsksConfidential is set when the citizen's Reply, FollowUp or
	// rating asks to keep their identity confidential (Art 6.4): the
	// report is confidential from then on (see askConfidential). The
	// caller sets it only for mail shown to be the citizen's.
	AsksConfidential bool
	// RequestsConfidential is set when a FollowUp or Reply whose sender
	// is not verified asks to keep an identity confidential: the report
	// is not made confidential, and the Center, which alone grants it
	// (/confidential), is told so that a person decides (see
	// requestConfidential).
	RequestsConfidential bool

	Calendar  *calendar.Calendar
	Directory Directory
	// CallAttempts is the configured call_attempts: the failed call that
	// rejects the report. 0 means DefaultCallAttempts.
	CallAttempts int
}

// Context returns what Check needs of the input.
func (in Input) Context() Context {
	f := in.Facts
	c := Context{
		ActorAgency:        in.Actor.Agency,
		ReportAgency:       f.Agency,
		CoAgencies:         f.CoAgencies,
		Code:               normalizeCode(in.Code),
		HasText:            strings.TrimSpace(in.Text) != "",
		Files:              in.Files,
		ResultText:         strings.TrimSpace(f.Result) != "",
		ExtensionRequested: f.Extension.Requested,
		Now:                in.At,
		Rated:              f.Rating != "",
		Held:               f.Held,
		ErasedAt:           f.ErasedAt,
	}
	if in.Directory != nil {
		c.Center, c.Bodies = in.Directory.Center().Code, in.Directory.Bodies()
	}
	if in.Action == Return {
		c.ReturnMissing = MissingReturnParts(in.Text)
	}
	if d, ok := f.open(deadline.KindResolve); ok {
		c.ResolveDue = d.Due
	}
	return c
}

// Closure is a deadline to close: met, late or excused as
// deadline.Deadline.Outcome says, or Superseded.
type Closure struct {
	Kind    deadline.Kind
	Outcome deadline.Outcome
	At      time.Time
}

// Change is what an action does to a report. The caller writes it in one
// transaction: the facts that Changed names, an event (Action, From, To),
// Close before Open, and a mail per recipient of each notice.
type Change struct {
	Action   Action
	From, To State
	// Facts are the report's facts after the action, to write and to give
	// to the next command of the same reply.
	Facts Facts
	// Changed names the facts that changed (see Facts): "agency",
	// "urgent", "rating", …
	Changed []string
	// Close lists the open deadlines to close, in order.
	Close []Closure
	// Open lists the deadlines to open; each replaces the open deadline
	// of its kind, as store.Tx.SetDeadline does. A resolve deadline opened
	// by /sendback is the one /resolve closed, reopened with the same due
	// instant: carry its reminder and alert marks over.
	Open []deadline.Deadline
	// Notices lists the mail owed.
	Notices []Notice
	// Reroute is set when /field or /unit changed a report not yet with an
	// agency: run routing again with the new field and unit to refresh the
	// proposal that a bare /accept forwards to.
	Reroute bool
}

// Apply checks an action (see Check), looks its code up in the directory,
// and returns what it changes. A refusal is an *Error. What each action
// does, beyond its transition (see Transitions):
//
//   - Ingest opens the intake deadline (SPEC 5.3) from ReceivedAt; owes the
//     acknowledgement and the triage notice.
//   - Accept and Assign close the intake deadline, open the return (+4
//     working hours) and resolve (+N working days, the agency's limit;
//     urgent: 1) deadlines from At, set the agency — with Assign, the lead
//     and its co-agencies (Art 7.1): the deadlines are the lead's, which
//     gets the assignment, and each co-agency the request to work with
//     it — and clear the extension,
//     result and rating of an earlier handling — a report escalated after
//     its rating is handled again, and its next result rated again (Art
//     4.7, 10); the log keeps the earlier rating — and owe the assignment
//     and the forwarded notice.
//   - Reject closes the intake deadline. CallFailed counts the failure;
//     the CallAttempts-th rejects the report with the regulation's reason.
//   - Return closes the return deadline (late after 4 working hours),
//     supersedes the resolve deadline, opens a new intake deadline from
//     At, and ends the co-agencies' part: the Center assigns anew.
//   - Resolve closes the resolve deadline — excused when late under a
//     confirmed extension — supersedes the return window and opens the
//     publish deadline (+2 working hours). SendBack supersedes the publish
//     deadline and reopens the resolve deadline unchanged, so that the
//     /resolve finally approved is the one that counts (SPEC 5.5).
//     Approve closes the publish deadline and owes the citizen the result
//     notice — or, when the report is Secret, the notice that the result
//     is given at the agency (Art 9.1c).
//   - Extend records the request; ConfirmExtension moves the resolve
//     deadline by the days granted (Days, else the days asked for),
//     counted in working days from the deadline in force (from At when it
//     was open-ended), or makes it open-ended when no days are known;
//     DenyExtension drops the request.
//   - Escalate closes the intake deadline (the Center acted) and
//     supersedes the agency's and the publication's deadlines. From
//     published or closed it re-opens the report (SPEC 3): a result that
//     was not thorough, often what a "Không hài lòng" rating says.
//   - Urgent and Complex recompute an open intake deadline from its start
//     (the received time, or the return). Once forwarded, the resolve
//     deadline stays as set at forwarding, and the handlers are told.
//   - A citizen's Reply to a published or closed report opens the
//     clarification deadline (+2 working days) unless one is open; Clarify
//     closes it.
//
// Secret marks the report: its result is neither published nor mailed.
// Marking urgent, complex, confidential or secret twice changes nothing.
func Apply(in Input) (Change, error) {
	if in.Calendar == nil || in.Directory == nil {
		return Change{}, errors.New("lifecycle: Apply needs a calendar and a directory")
	}
	in.Code = normalizeCode(in.Code)
	if err := Check(in.Action, in.Facts.State, in.Actor.Role, in.Context()); err != nil {
		return Change{}, err
	}
	b := &builder{in: in, f: in.Facts.clone(), cal: in.Calendar}
	b.f.State = next(in.Action, in.Actor.Role, in.Facts.State)
	if err := b.apply(); err != nil {
		return Change{}, err
	}
	return Change{
		Action: in.Action, From: in.Facts.State, To: b.f.State, Facts: b.f,
		Changed: changed(in.Facts, b.f), Close: b.close, Open: b.open, Notices: b.notices, Reroute: b.reroute,
	}, nil
}

func normalizeCode(code string) string {
	return strings.ToLower(strings.TrimSpace(code))
}

// builder accumulates a change.
type builder struct {
	in      Input
	cal     *calendar.Calendar
	f       Facts // after
	close   []Closure
	open    []deadline.Deadline
	notices []Notice
	reroute bool
}

func (b *builder) apply() error {
	in, f := b.in, &b.f
	switch in.Action {
	case Ingest:
		b.ingest()
	case Accept:
		code := in.Code
		if code == "" {
			code = f.Agency
		}
		return b.forward(code, nil)
	case Assign:
		return b.forward(in.Code, in.CoAgencies)
	case Reject:
		b.finish(deadline.KindIntake, false)
		b.tell(NoticeRejection, ToCitizen)
	case CallFailed:
		b.callFailed()
	case Return:
		b.finish(deadline.KindReturn, false)
		b.supersede(deadline.KindResolve)
		b.start(deadline.Intake(b.cal, in.At, f.Urgent, f.Complex))
		f.Extension, f.CoAgencies = Extension{}, nil
		b.tell(NoticeReturned, ToReceivers)
	case Resolve:
		b.finish(deadline.KindResolve, f.Extension.Confirmed)
		b.supersede(deadline.KindReturn)
		b.start(deadline.Publish(b.cal, in.At))
		f.Result = strings.TrimSpace(in.Text)
		f.Extension.Requested = false
		if !f.Extension.Confirmed {
			f.Extension.Days = 0
		}
		b.tell(NoticeReview, ToApprovers)
	case SendBack:
		b.sendBack()
	case Approve:
		b.finish(deadline.KindPublish, false)
		if f.Secret {
			b.tell(NoticeSecretResult, ToCitizen)
		} else {
			b.tell(NoticeResult, ToCitizen)
		}
		b.tellAgencies(NoticeApproved)
	case Extend:
		f.Extension.Requested, f.Extension.Days = true, max(in.Days, 0)
		b.tell(NoticeExtensionRequest, ToApprovers)
	case ConfirmExtension:
		b.confirmExtension()
	case DenyExtension:
		f.Extension.Requested = false
		if !f.Extension.Confirmed {
			f.Extension.Days = 0
		}
		b.tellAgency(NoticeExtensionDenied)
	case Escalate:
		b.escalate()
	case Urgent, Complex:
		b.mark()
	case Field, Unit:
		return b.classify()
	case Note:
		b.note()
	case Confidential:
		f.Confidential = true
	case Hold:
		f.Held, f.Hold = true, strings.TrimSpace(in.Text)
	case Release:
		f.Held, f.Hold = false, ""
	case Secret:
		f.Secret = true
	case Clarify:
		b.finish(deadline.KindClarification, false)
		b.tell(NoticeClarification, ToCitizen)
	case Status:
		b.tell(NoticeStatus, ToActor)
	case Help:
		b.tell(NoticeHelp, ToActor)
	case Report:
		b.tell(NoticeReport, ToActor)
	case Codes:
		b.tell(NoticeCodes, ToActor)
	case Rate:
		return b.rate()
	case Reply:
		b.reply()
	case FollowUp:
		b.followUp()
	}
	return nil
}

func (b *builder) ingest() {
	received := b.f.ReceivedAt
	if received.IsZero() {
		received = b.in.At
		b.f.ReceivedAt = received
	}
	b.start(deadline.Intake(b.cal, received, b.f.Urgent, b.f.Complex))
	b.tell(NoticeAck, ToCitizen)
	b.tell(NoticeTriage, ToReceivers)
}

// forward sends the report to the agency with code, the lead, and to the
// co-agencies named after it (Art 7.1). The deadlines are the lead's: it
// resolves the report and answers for them.
func (b *builder) forward(code string, co []string) error {
	a, err := b.agency(code)
	if err != nil {
		return err
	}
	var others []string
	for _, c := range co {
		c = normalizeCode(c)
		if c == code || slices.Contains(others, c) {
			continue // named twice: once is enough
		}
		if _, err := b.agency(c); err != nil {
			return err
		}
		others = append(others, c)
	}
	at := b.in.At
	b.finish(deadline.KindIntake, false)
	b.start(deadline.Return(b.cal, at))
	b.start(deadline.Resolve(b.cal, at, a.ResolveDays, b.f.Urgent))
	b.f.Agency, b.f.CoAgencies, b.f.Extension, b.f.Result, b.f.Rating = code, others, Extension{}, "", ""
	b.tellAgency(NoticeAssignment)
	for _, c := range others {
		b.notices = append(b.notices, Notice{Kind: NoticeCoordination, To: ToHandlers, Agency: c})
	}
	b.tell(NoticeForwarded, ToCitizen)
	return nil
}

// agency looks up an agency a report is forwarded to: one of the table,
// not the Center itself.
func (b *builder) agency(code string) (routing.Agency, error) {
	a, ok := b.in.Directory.Agency(code)
	if !ok {
		return a, refuse(CodeUnknownAgency, "lệnh %s: không có cơ quan xử lý mã «%s»; gửi /help để xem cách tra mã",
			b.in.Action.Command(), code)
	}
	if code == b.in.Directory.Center().Code {
		return a, refuse(CodeCenterTarget, "lệnh %s: không chuyển phản ánh cho chính Trung tâm; hãy chọn cơ quan xử lý",
			b.in.Action.Command())
	}
	return a, nil
}

func (b *builder) callFailed() {
	b.f.CallFailures++
	attempts := b.in.CallAttempts
	if attempts <= 0 {
		attempts = DefaultCallAttempts
	}
	if b.f.CallFailures < attempts {
		return
	}
	b.f.State = Rejected
	b.finish(deadline.KindIntake, false)
	b.tell(NoticeRejectionUnreachable, ToCitizen)
}

func (b *builder) sendBack() {
	b.supersede(deadline.KindPublish)
	if d, ok := b.f.Deadlines[deadline.KindResolve]; ok && !d.Open {
		b.start(d.Deadline)
	}
	b.f.Result = ""
	b.tellAgency(NoticeSentBack)
}

func (b *builder) confirmExtension() {
	f, at := &b.f, b.in.At
	days := b.in.Days
	if days <= 0 {
		days = f.Extension.Days
	}
	d := deadline.Deadline{Kind: deadline.KindResolve, Start: at}
	if cur, ok := f.Deadlines[deadline.KindResolve]; ok {
		d.Start = cur.Start
		if days > 0 {
			base := cur.Due
			if base.IsZero() {
				base = at
			}
			d.Due = b.cal.AddWorkingDays(base, days)
		}
	} else if days > 0 {
		d.Due = b.cal.AddWorkingDays(at, days)
	}
	b.start(d)
	f.Extension = Extension{Confirmed: true, Days: max(days, 0)}
	b.tellAgency(NoticeExtensionConfirmed)
	b.tell(NoticeExtended, ToCitizen)
}

func (b *builder) escalate() {
	from := b.in.Facts.State
	b.finish(deadline.KindIntake, false)
	for _, k := range []deadline.Kind{deadline.KindReturn, deadline.KindResolve, deadline.KindPublish, deadline.KindClarification} {
		b.supersede(k)
	}
	b.f.Extension = Extension{}
	b.tell(NoticeEscalation, ToEscalation)
	if slices.Contains(agencyStates, from) {
		b.tellAgencies(NoticeEscalated)
	}
}

// mark handles /urgent and /complex.
func (b *builder) mark() {
	f := &b.f
	if b.in.Action == Urgent {
		if f.Urgent {
			return
		}
		f.Urgent = true
	} else {
		if f.Complex {
			return
		}
		f.Complex = true
	}
	if d, ok := f.open(deadline.KindIntake); ok {
		b.start(deadline.Intake(b.cal, d.Start, f.Urgent, f.Complex))
	}
	if b.in.Action == Urgent && f.State == Forwarded {
		b.tellAgency(NoticeUrgent)
	}
}

func (b *builder) classify() error {
	dir, code := b.in.Directory, b.in.Code
	if b.in.Action == Field {
		if _, ok := dir.Field(code); !ok {
			return refuse(CodeUnknownField, "lệnh /field: không có lĩnh vực mã «%s»", code)
		}
		b.f.Field = code
	} else {
		if _, ok := dir.Unit(code); !ok {
			return refuse(CodeUnknownUnit, "lệnh /unit: không có đơn vị hành chính mã «%s»", code)
		}
		b.f.Unit = code
	}
	switch b.f.State {
	case Received, Returned, Escalated:
		b.reroute = true
	}
	return nil
}

// note tells the other side of the report: the agencies handling it hear
// the Center's notes, and the Center hears the agencies' — receivers while
// they work on it, approvers once there is a result; an agency's note
// reaches the other agencies handling the report too, the lead and its
// co-agencies (Art 7.1: they exchange what they know).
func (b *builder) note() {
	s := b.f.State
	switch role := b.in.Actor.Role; {
	case role == Handler || role == Leader:
		if s == Forwarded {
			b.tell(NoticeNote, ToReceivers)
		} else {
			b.tell(NoticeNote, ToApprovers)
		}
		for _, a := range b.agencies() {
			if a != b.in.Actor.Agency {
				b.notices = append(b.notices, Notice{Kind: NoticeNote, To: ToHandlers, Agency: a})
			}
		}
	case slices.Contains(agencyStates, s) && b.f.Agency != "":
		b.tellAgencies(NoticeNote)
	}
}

func (b *builder) rate() error {
	if !b.in.Rating.Valid() {
		return refuse(CodeNoRating, "không đọc được mức đánh giá")
	}
	b.f.Rating = b.in.Rating
	b.askConfidential()
	b.tell(NoticeThanks, ToCitizen)
	b.tellAgency(NoticeRated)
	if b.f.Rating == Dissatisfied {
		b.tell(NoticeRated, ToApprovers)
	}
	return nil
}

// reply handles a citizen's reply that is not a rating: after the result a
// question the agency must answer (Art 10), before it an addition that
// whoever holds the report is told of.
func (b *builder) reply() {
	b.askConfidential()
	if s := b.f.State; s == Published || s == Closed {
		if _, ok := b.f.open(deadline.KindClarification); !ok {
			b.start(deadline.Clarification(b.cal, b.in.At))
		}
		b.tellAgency(NoticeCitizenReply)
		b.requestConfidential()
		return
	}
	b.tellHolder(NoticeCitizenNote)
	b.requestConfidential()
}

// followUp handles a follow-up: a new mail with the report's tag and no
// reply token, so its sender is not verified (SPEC 4.2). It is a note for
// whoever holds the report — after the result, the agency, without the
// clarification deadline a verified reply opens — and changes nothing else.
func (b *builder) followUp() {
	b.askConfidential()
	b.tellHolder(NoticeCitizenNote)
	b.requestConfidential()
}

// requestConfidential handles a request for confidentiality whose sender
// is not verified (RequestsConfidential): it is the Center's to grant, so
// when an agency alone holds the report, the receivers are told too.
func (b *builder) requestConfidential() {
	if !b.in.RequestsConfidential || b.f.Confidential {
		return
	}
	switch b.f.State {
	case Forwarded, Published, Closed:
		b.tell(NoticeCitizenNote, ToReceivers)
	}
}

// askConfidential marks the report confidential when the citizen asks for
// it after their report (Art 6.4, SPEC 10.2): from then on no notice shows
// an agency who they are. Whoever holds the report is told by the notice
// of the reply; when an agency holds it, the receivers are told too (the
// citizen's note, which says so), since what the agency already received
// cannot be recalled (Disclosed): the Center may ask it to disregard it.
func (b *builder) askConfidential() {
	if !b.in.AsksConfidential || b.f.Confidential {
		return
	}
	b.f.Confidential = true
	switch b.f.State {
	case Forwarded, Resolved, Published, Closed:
		b.tell(NoticeCitizenNote, ToReceivers)
	}
}

// Disclosed reports whether a report's citizen may be known outside the
// Center: the report was forwarded to an agency at some time (it has had a
// resolve deadline), or escalated.
func Disclosed(f Facts) bool {
	_, forwarded := f.Deadlines[deadline.KindResolve]
	return forwarded || f.State == Escalated
}

// tellHolder tells whoever holds the report: the agency once it is
// forwarded (and after its result), the approvers and the agency while
// the result waits for approval, the receivers otherwise.
func (b *builder) tellHolder(k NoticeKind) {
	switch b.f.State {
	case Forwarded, Published, Closed:
		b.tellAgency(k)
	case Resolved:
		b.tell(k, ToApprovers)
		b.tellAgency(k)
	default:
		b.tell(k, ToReceivers)
	}
}

// finish closes the open deadline of a kind as completed at At.
func (b *builder) finish(k deadline.Kind, excused bool) {
	if d, ok := b.f.open(k); ok {
		b.end(k, d.Outcome(b.in.At, excused))
	}
}

// supersede closes the open deadline of a kind as no longer applying.
func (b *builder) supersede(k deadline.Kind) {
	if _, ok := b.f.open(k); ok {
		b.end(k, Superseded)
	}
}

func (b *builder) end(k deadline.Kind, o deadline.Outcome) {
	d := b.f.Deadlines[k]
	d.Open = false
	b.f.Deadlines[k] = d
	b.close = append(b.close, Closure{Kind: k, Outcome: o, At: b.in.At})
}

// start opens a deadline, replacing the open one of its kind.
func (b *builder) start(d deadline.Deadline) {
	b.f.Deadlines[d.Kind] = Deadline{Deadline: d, Open: true}
	b.open = append(b.open, d)
}

func (b *builder) tell(k NoticeKind, to Recipient) {
	b.notices = append(b.notices, Notice{Kind: k, To: to})
}

func (b *builder) tellAgency(k NoticeKind) {
	b.notices = append(b.notices, Notice{Kind: k, To: ToHandlers, Agency: b.f.Agency})
}

// tellAgencies tells the lead agency's handlers, then each co-agency's.
func (b *builder) tellAgencies(k NoticeKind) {
	for _, a := range b.agencies() {
		b.notices = append(b.notices, Notice{Kind: k, To: ToHandlers, Agency: a})
	}
}

// agencies are the agencies handling the report: the lead, then the
// co-agencies.
func (b *builder) agencies() []string {
	return append([]string{b.f.Agency}, b.f.CoAgencies...)
}
