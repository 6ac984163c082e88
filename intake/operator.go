package intake

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/intake/auth"
	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// commands applies the commands staff send by mail (SPEC 7): it
// authenticates the mail, checks each line against the lifecycle under the
// sender's roles, and has the steps written and answered — all of them or
// none.
type commands struct {
	staff       Staff
	escalation  string // process.escalation_address
	requireAuth bool   // security.require_authentication_results
	authservID  string // security.trusted_authserv_id
	rules       caseRules
	writer      *caseWriter
	answers     *answers
	addrs       replyAddrs
	log         *slog.Logger
}

// handle handles a message from an operator's address (SPEC 7). Its
// commands — lines of the reply's new text — are applied only when the
// mail is authentic (SPEC 7.3, package auth), all of them or none, in one
// transaction with the mail they owe; the operator gets one answer at the
// address configured for them, never at the From. A mail that is not
// authentic changes nothing, is logged as a security event, and is
// answered — without any report detail — at most once an hour to an
// address, so that forged mail cannot turn the daemon into a mail bomb. An
// authentic mail whose commands are refused is logged too and always gets
// its answer naming each refused line and why (SPEC 7.1): an operator
// correcting a typo must hear back every time.
func (cs *commands) handle(tx *store.Tx, in *incoming, code string) (Outcome, error) {
	m := in.msg
	ops := cs.staff.Roles(m.From.Addr)
	out := Outcome{Kind: KindCommand, Code: code}
	var cf *caseFile
	var theirs command.Theirs
	if code != "" {
		var err error
		if cf, err = loadCase(tx, code); err != nil {
			return out, err
		}
		out = outcomeOf(out, cf.facts)
		if theirs, err = reproduced(tx, cf.r); err != nil {
			return out, err
		}
	}
	cmds, refused, repeated := command.ParseReply(m.NewText, theirs)
	unread := refusedLines(command.UnreadLines(m.Text, m.NewText, theirs))
	verdict, err := cs.authenticate(tx, in, cf)
	if err != nil {
		return out, err
	}
	if ok, reason := auth.Authorize(verdict); !ok {
		return cs.unauthenticated(tx, in, ops[0], verdict, reason, out)
	}
	if len(repeated) > 0 {
		securityEvent(cs.log, "command-repeated", fmt.Sprintf("%d command lines repeat text the notices reproduce", len(repeated)), ops[0], out.Code)
	}
	if n := len(cmds) + len(refused); n > MaxCommandLines {
		return cs.refuseAll(tx, in, ops[0], cf, out, []templates.RefusedLine{tooManyLines(cmds, refused, n)})
	}
	steps, lines, err := cs.check(tx, in, ops, cf, cmds, refused)
	if err != nil {
		return out, err
	}
	if len(lines) == 0 && len(steps) == 0 {
		lines = refusedLines(repeated)
	}
	if len(lines) > 0 || len(steps) == 0 {
		if len(unread) > 0 {
			lines = append(lines, unread...)
			slices.SortStableFunc(lines, func(a, b templates.RefusedLine) int { return a.Line - b.Line })
		}
		return cs.refuseAll(tx, in, ops[0], cf, out, lines)
	}
	return cs.accept(in, cf, steps, refusedLines(repeated), unread, out), nil
}

// reproduced is what others wrote on a report, which our notices
// reproduce and a reply must not have read as its sender's commands
// (command.Theirs): the citizen's report — its subject, text, the place,
// time and field declared, the name, phone, email, address and workplace
// given (a form's value runs on over the lines under its label, so any of
// them can hold a line of its own), the names of the files — the texts of
// its events — the citizen's replies, follow-ups and rating reasons,
// staff's notes, reasons and results — and the result, each also as an
// agency reads it when the citizen is kept secret (the masks change the
// words).
func reproduced(tx *store.Tx, r store.Report) (command.Theirs, error) {
	es, err := tx.Events(r.ID)
	if err != nil {
		return command.Theirs{}, err
	}
	files, err := tx.Attachments(r.ID, "")
	if err != nil {
		return command.Theirs{}, err
	}
	texts := []string{r.Subject, r.Content, r.Location, r.IncidentTime, r.DeclaredField, r.Result,
		r.Citizen.Name, r.Citizen.Phone, r.Citizen.Email, r.Citizen.Address, r.Citizen.Workplace}
	for _, e := range es {
		texts = append(texts, e.Detail["text"])
	}
	for _, f := range files {
		texts = append(texts, f.Name)
	}
	if r.Confidential {
		for _, t := range texts[:len(texts):len(texts)] {
			texts = append(texts, maskIdentity(t, r.Citizen), hideCitizen(t, r.Citizen))
		}
	}
	return command.Reproduce(texts...), nil
}

// refusedLines are the command package's refusals as an answer lists
// them.
func refusedLines(rs []command.Refusal) []templates.RefusedLine {
	var out []templates.RefusedLine
	for _, r := range rs {
		out = append(out, templates.RefusedLine{Line: r.Line, Raw: r.Raw, Reason: r.Reason})
	}
	return out
}

// MaxCommandLines is the most command lines one mail may hold: a mail with
// more is refused whole (SPEC 7.1), so that one mail cannot write hundreds
// of events or answers.
const MaxCommandLines = 20

// tooManyLines is the refusal of a mail with n command lines: it names the
// first line past the limit.
func tooManyLines(cmds []command.Command, refused []command.Refusal, n int) templates.RefusedLine {
	lines := make([]templates.RefusedLine, 0, n)
	for _, c := range cmds {
		lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw})
	}
	for _, r := range refused {
		lines = append(lines, templates.RefusedLine{Line: r.Line, Raw: r.Raw})
	}
	slices.SortFunc(lines, func(a, b templates.RefusedLine) int { return a.Line - b.Line })
	l := lines[MaxCommandLines]
	l.Reason = fmt.Sprintf("thư có %d dòng lệnh, nhiều hơn %d dòng được phép trong một thư: cả thư bị từ chối, "+
		"không lệnh nào được thực hiện; hãy gửi các lệnh trong nhiều thư", n, MaxCommandLines)
	return l
}

// check checks every line of an authentic command mail: it returns the
// steps of the commands the lifecycle allows and the refused lines, in
// order, each with why.
func (cs *commands) check(tx *store.Tx, in *incoming, ops []Operator, cf *caseFile, cmds []command.Command, refused []command.Refusal) ([]step, []templates.RefusedLine, error) {
	var lines []templates.RefusedLine
	lines = append(lines, refusedLines(refused)...)
	var steps []step
	if len(cmds) > 0 {
		var more []templates.RefusedLine
		var err error
		if cf == nil {
			steps, more, err = cs.standalone(tx, in, ops, cmds)
		} else {
			steps, more, err = cs.inThread(in, ops, cf, cmds)
		}
		if err != nil {
			return nil, nil, err
		}
		lines = append(lines, more...)
	}
	slices.SortStableFunc(lines, func(a, b templates.RefusedLine) int { return a.Line - b.Line })
	return steps, lines, nil
}

// accept has the steps of a mail whose commands were all allowed written
// and answered once the message's row exists, and returns the outcome.
func (cs *commands) accept(in *incoming, cf *caseFile, steps []step, ignored, unread []templates.RefusedLine, out Outcome) Outcome {
	if cf == nil {
		in.after = append(in.after, func(tx *store.Tx, msgID int64) error { return cs.answers.standalone(tx, in, steps, msgID) })
		return out
	}
	keep := replyFiles
	if slices.ContainsFunc(steps, func(st step) bool { return st.change.Action == lifecycle.Resolve }) {
		keep = resultFiles
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		s, err := cs.writer.write(tx, in, cf, steps, keep, msgID)
		if err != nil {
			return err
		}
		return cs.answers.applied(tx, in, s, steps, ignored, unread)
	})
	return outcomeOf(out, steps[len(steps)-1].change.Facts)
}

// unauthenticated records a command mail that could not be authenticated:
// nothing changes, a security event is logged, and the operator the mail
// claims to be is told once an hour, at their configured address, without
// any report detail.
func (cs *commands) unauthenticated(tx *store.Tx, in *incoming, op Operator, v auth.Inputs, reason string, out Outcome) (Outcome, error) {
	securityEvent(cs.log, "command-unauthenticated", reason, op, out.Code)
	out.Reason = "command not authenticated: " + reason
	why := "token"
	if (v.RequireAuth || v.Standalone) && v.Auth.Status != auth.Pass {
		why = "auth"
	}
	return out, cs.answers.unauthenticated(tx, in, op, templates.Unauthenticated{ReceivedAt: in.src.ReceivedAt, Reason: why})
}

// refuseAll records a reply none of whose commands was applied, as a
// security event, and has it answered.
func (cs *commands) refuseAll(tx *store.Tx, in *incoming, op Operator, cf *caseFile, out Outcome, lines []templates.RefusedLine) (Outcome, error) {
	var why []string
	for _, l := range lines {
		why = append(why, fmt.Sprintf("line %d", l.Line))
	}
	reason := "no command"
	if len(why) > 0 {
		reason = "refused: " + strings.Join(why, ", ")
	}
	securityEvent(cs.log, "command-refused", reason, op, out.Code)
	out.Reason = "command " + reason
	return out, cs.answers.refusal(tx, in, op, cf, lines)
}

// inThread applies the commands of a reply to its report, in order, each
// on the facts the previous one left, and returns the steps, or the lines
// refused and why. A refused line does not stop the others from being
// checked, so the answer names every line that would fail.
func (cs *commands) inThread(in *incoming, ops []Operator, cf *caseFile, cmds []command.Command) ([]step, []templates.RefusedLine, error) {
	facts := cf.facts
	var steps []step
	var lines []templates.RefusedLine
	for _, c := range cmds {
		if c.Action == lifecycle.Status && c.Code != "" && c.Code != cf.r.Code {
			lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw,
				Reason: fmt.Sprintf("thư này thuộc phản ánh %s; để xem phản ánh khác, gửi /status %s trong một thư mới", cf.r.Code, c.Code)})
			continue
		}
		st, refusal, err := cs.apply(in, ops, facts, c)
		if err != nil {
			return nil, nil, err
		}
		if refusal != nil {
			lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw, Reason: refusal.Message})
			continue
		}
		cs.rules.rerouted(cf.r, &st)
		facts = st.change.Facts
		steps = append(steps, st)
	}
	return steps, lines, nil
}

// apply applies one command as the operator: under the first of
// their roles that may (an address may hold several), or refused with the
// reason of the role that came closest.
func (cs *commands) apply(in *incoming, ops []Operator, facts lifecycle.Facts, c command.Command) (step, *lifecycle.Error, error) {
	li := cs.rules.input(facts, c.Action, in.src.ReceivedAt)
	var unnamed *lifecycle.Error // the refusal when the lifecycle knows no such code
	switch c.Action {
	case lifecycle.Assign:
		li.Code, li.CoAgencies, unnamed = cs.rules.assignees(c)
	case lifecycle.Accept, lifecycle.Field, lifecycle.Unit:
		li.Code, unnamed = cs.rules.named(c)
	case lifecycle.Resolve:
		li.Files = resultFileCount(in.msg)
	}
	li.Text, li.Days = c.Text, c.Days
	var refusal *lifecycle.Error
	for _, op := range ops {
		li.Actor = lifecycle.Actor{Role: lifecycle.Role(op.Role), Agency: op.Agency}
		ch, err := lifecycle.Apply(li)
		le, err := applyError(err)
		if err != nil {
			return step{}, nil, err
		}
		if le == nil {
			le = cs.deliverable(ch)
		}
		if le == nil {
			return step{change: ch, at: li.At, actor: op.Email, role: li.Actor.Role, op: op, line: c.Raw, text: c.Text,
				days: c.Days, period: c.Period, month: c.Month, absorbed: cs.rules.absorbedNote(c)}, nil, nil
		}
		if unnamed != nil && unknownCode(le) {
			le = unnamed
		}
		if refusal == nil || errors.Is(refusal, lifecycle.ErrWrongRole) {
			refusal = le
		}
	}
	return step{}, refusal, nil
}

// standalone checks the commands of a mail outside any report's thread:
// only /status CODE, /help and /report, which concern no report or name
// one (SPEC 7.3).
func (cs *commands) standalone(tx *store.Tx, in *incoming, ops []Operator, cmds []command.Command) ([]step, []templates.RefusedLine, error) {
	var steps []step
	var lines []templates.RefusedLine
	refuse := func(c command.Command, format string, args ...any) {
		lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw, Reason: fmt.Sprintf(format, args...)})
	}
	for _, c := range cmds {
		var facts lifecycle.Facts
		var target *caseFile
		switch c.Action {
		case lifecycle.Help, lifecycle.Report, lifecycle.Codes:
		case lifecycle.Status:
			if c.Code == "" {
				refuse(c, "lệnh /status ngoài thư về một phản ánh cần mã phản ánh, ví dụ: /status PA-2026-000042")
				continue
			}
			cf, err := loadCase(tx, c.Code)
			if errors.Is(err, store.ErrNotFound) {
				refuse(c, "không có phản ánh %s", c.Code)
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			target, facts = cf, cf.facts
		default:
			refuse(c, "lệnh %s chỉ dùng khi trả lời thư thông báo về một phản ánh", c.Action.Command())
			continue
		}
		st, refusal, err := cs.apply(in, ops, facts, c)
		if err != nil {
			return nil, nil, err
		}
		if refusal != nil {
			refuse(c, "%s", refusal.Message)
			continue
		}
		st.target = target
		steps = append(steps, st)
	}
	return steps, lines, nil
}

// authenticate gathers the facts of SPEC 7.3 for a command mail: the From
// is an operator's (the caller checked); the mail went to the reply
// address we gave that operator for the report, or refers to a mail we
// sent them about it; and what our border server's Authentication-Results
// header says.
func (cs *commands) authenticate(tx *store.Tx, in *incoming, cf *caseFile) (auth.Inputs, error) {
	m := in.msg
	v := auth.Inputs{Operator: true, Standalone: cf == nil, RequireAuth: cs.requireAuth,
		Auth: auth.Check(m.AuthResults, m.From.Addr, cs.authservID)}
	if cf == nil {
		return v, nil
	}
	v.Token = cs.addrs.carries(in, token.Operator, cf.r.ID)
	var err error
	v.Reference, err = refersToMail(tx, in, cf.r.ID, func(sent store.Mail) bool {
		return sent.Role != "citizen" && sent.Role != "escalation"
	})
	return v, err
}

// codeUndeliverable refuses a command whose mail would reach nobody.
const codeUndeliverable lifecycle.Code = "undeliverable"

// deliverable refuses a change whose mail nobody would receive: forwarding
// to an agency — the lead or a co-agency — with no handler or leader
// configured and no official mailbox in the routing table (the report
// would wait, unseen, until it is overdue), or an escalation with no
// escalation address. The refusal says what to configure.
func (cs *commands) deliverable(ch lifecycle.Change) *lifecycle.Error {
	switch ch.Action {
	case lifecycle.Accept, lifecycle.Assign:
		table := cs.rules.routing()
		for _, code := range append([]string{ch.Facts.Agency}, ch.Facts.CoAgencies...) {
			if cs.staff.Reachable(code, table) {
				continue
			}
			name := code
			if a, ok := table.RecordedAgency(code); ok {
				name = fmt.Sprintf("%s (%s)", a.Name, code)
			}
			return &lifecycle.Error{Code: codeUndeliverable, Message: fmt.Sprintf("lệnh %s: %s chưa có người xử lý nào được "+
				"cấu hình và bảng định tuyến không có hộp thư công vụ của cơ quan, nên thư chuyển xử lý không đến được ai; "+
				"hãy chọn cơ quan khác, hoặc đề nghị bộ phận quản trị bổ sung người xử lý ([[operators]]) hoặc hộp thư "+
				"(email của cơ quan trong bảng định tuyến)", ch.Action.Command(), name)}
		}
	case lifecycle.Escalate:
		if cs.escalation == "" {
			return &lifecycle.Error{Code: codeUndeliverable, Message: "lệnh /escalate: chưa cấu hình địa chỉ thư của " +
				cs.rules.routing().Bodies().Escalation + " (process.escalation_address), nên thư chuyển cấp không đến được ai; " +
				"đề nghị bộ phận quản trị cấu hình địa chỉ này"}
		}
	}
	return nil
}
