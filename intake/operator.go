package intake

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/intake/auth"
	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// command handles a message from an operator's address (SPEC 7). Its
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
func (p *Pipeline) command(tx *store.Tx, in *incoming, code string) (Outcome, error) {
	m := in.msg
	ops := p.Staff.Roles(m.From.Addr)
	cmds, refused := command.Parse(m.NewText)
	out := Outcome{Kind: KindCommand, Code: code}
	var cf *caseFile
	if code != "" {
		var err error
		if cf, err = p.loadCase(tx, code); err != nil {
			return out, err
		}
		out = outcomeOf(out, cf.facts)
	}
	verdict, err := p.authenticate(tx, in, cf)
	if err != nil {
		return out, err
	}
	if ok, reason := auth.Authorize(verdict); !ok {
		return p.unauthenticated(tx, in, ops[0], verdict, reason, out)
	}
	var lines []templates.RefusedLine
	for _, r := range refused {
		lines = append(lines, templates.RefusedLine{Line: r.Line, Raw: r.Raw, Reason: r.Reason})
	}
	var steps []step
	if len(cmds) > 0 {
		var more []templates.RefusedLine
		if cf == nil {
			steps, more, err = p.standalone(tx, in, ops, cmds)
		} else {
			steps, more, err = p.inThread(in, ops, cf, cmds)
		}
		if err != nil {
			return out, err
		}
		lines = append(lines, more...)
	}
	if len(lines) > 0 || len(steps) == 0 {
		slices.SortStableFunc(lines, func(a, b templates.RefusedLine) int { return a.Line - b.Line })
		return p.refuseAll(tx, in, ops[0], cf, out, lines)
	}
	if cf == nil {
		in.after = append(in.after, func(tx *store.Tx, msgID int64) error { return p.answerStandalone(tx, in, steps, msgID) })
		return out, nil
	}
	keep := replyFiles
	if slices.ContainsFunc(steps, func(st step) bool { return st.change.Action == lifecycle.Resolve }) {
		keep = resultFiles
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		s, err := p.writeSteps(tx, in, cf, steps, keep, msgID)
		if err != nil {
			return err
		}
		return p.answer(tx, in, s, steps)
	})
	return outcomeOf(out, steps[len(steps)-1].change.Facts), nil
}

// unauthenticated records a command mail that could not be authenticated:
// nothing changes, a security event is logged, and the operator the mail
// claims to be is told once an hour, at their configured address, without
// any report detail.
func (p *Pipeline) unauthenticated(tx *store.Tx, in *incoming, op Operator, v auth.Inputs, reason string, out Outcome) (Outcome, error) {
	p.security("command-unauthenticated", reason, op.Email, out.Code)
	out.Reason = "command not authenticated: " + reason
	why := "token"
	if v.RequireAuth && v.Auth.Status != auth.Pass {
		why = "auth"
	}
	return out, p.answerOnce(tx, in, op, nil, "unauthenticated", templates.Unauthenticated{ReceivedAt: in.src.ReceivedAt, Reason: why})
}

// hasCommands reports whether a message's new text holds command lines. A
// mail from staff outside any report's thread without any is a report:
// staff may pass on what they saw too.
func hasCommands(m *parse.Message) bool {
	cmds, refused := command.Parse(m.NewText)
	return len(cmds)+len(refused) > 0
}

// inThread applies the commands of a reply to its report, in order, each
// on the facts the previous one left, and returns the steps, or the lines
// refused and why. A refused line does not stop the others from being
// checked, so the answer names every line that would fail.
func (p *Pipeline) inThread(in *incoming, ops []Operator, cf *caseFile, cmds []command.Command) ([]step, []templates.RefusedLine, error) {
	facts := cf.facts
	var steps []step
	var lines []templates.RefusedLine
	for _, c := range cmds {
		if c.Action == lifecycle.Status && c.Code != "" && c.Code != cf.r.Code {
			lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw,
				Reason: fmt.Sprintf("thư này thuộc phản ánh %s; để xem phản ánh khác, gửi /status %s trong một thư mới", cf.r.Code, c.Code)})
			continue
		}
		st, refusal, err := p.applyCommand(in, ops, facts, c)
		if err != nil {
			return nil, nil, err
		}
		if refusal != nil {
			lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw, Reason: refusal.Message})
			continue
		}
		p.rerouted(cf.r, &st)
		facts = st.change.Facts
		steps = append(steps, st)
	}
	return steps, lines, nil
}

// applyCommand applies one command as the operator: under the first of
// their roles that may (an address may hold several), or refused with the
// reason of the role that came closest.
func (p *Pipeline) applyCommand(in *incoming, ops []Operator, facts lifecycle.Facts, c command.Command) (step, *lifecycle.Error, error) {
	li := p.input(facts, c.Action, in.src.ReceivedAt)
	switch c.Action {
	case lifecycle.Accept, lifecycle.Assign, lifecycle.Field, lifecycle.Unit:
		li.Code = c.Code
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
			return step{change: ch, at: li.At, actor: op.Email, role: li.Actor.Role, op: op, line: c.Raw, text: c.Text,
				days: c.Days, period: c.Period, month: c.Month}, nil, nil
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
func (p *Pipeline) standalone(tx *store.Tx, in *incoming, ops []Operator, cmds []command.Command) ([]step, []templates.RefusedLine, error) {
	var steps []step
	var lines []templates.RefusedLine
	refuse := func(c command.Command, format string, args ...any) {
		lines = append(lines, templates.RefusedLine{Line: c.Line, Raw: c.Raw, Reason: fmt.Sprintf(format, args...)})
	}
	for _, c := range cmds {
		var facts lifecycle.Facts
		var target *caseFile
		switch c.Action {
		case lifecycle.Help, lifecycle.Report:
		case lifecycle.Status:
			if c.Code == "" {
				refuse(c, "lệnh /status ngoài thư về một phản ánh cần mã phản ánh, ví dụ: /status PA-2026-000042")
				continue
			}
			cf, err := p.loadCase(tx, c.Code)
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
		st, refusal, err := p.applyCommand(in, ops, facts, c)
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
func (p *Pipeline) authenticate(tx *store.Tx, in *incoming, cf *caseFile) (auth.Inputs, error) {
	m := in.msg
	v := auth.Inputs{Operator: true, Standalone: cf == nil, RequireAuth: p.RequireAuth,
		Auth: auth.Check(m.AuthResults, m.From.Addr, p.TrustedAuthservID)}
	if cf == nil {
		return v, nil
	}
	v.Token = p.hasToken(in, token.Operator, cf.r.ID)
	var err error
	v.Reference, err = refersToMail(tx, in, cf.r.ID, func(sent store.Mail) bool {
		return sent.Role != "citizen" && sent.Role != "escalation"
	})
	return v, err
}

// hasToken reports whether the message was addressed to a reply address
// carrying a valid token of the audience for the report, bound to the From
// address.
func (p *Pipeline) hasToken(in *incoming, aud token.Audience, reportID int64) bool {
	for _, addr := range recipientAddrs(in.msg) {
		tok := token.FromAddress(p.Address, addr)
		if tok == "" {
			continue
		}
		if id, err := p.Tokens.Check(tok, aud, in.msg.From.Addr, in.now); err == nil && id == reportID {
			return true
		}
	}
	return false
}

// recipientAddrs are the addresses a message was sent to: To, Cc and the
// Delivered-To headers the server adds.
func recipientAddrs(m *parse.Message) []string {
	var out []string
	for _, a := range append(append([]parse.Address{}, m.To...), m.Cc...) {
		out = append(out, a.Addr)
	}
	return append(out, m.DeliveredTo...)
}

// refersToMail reports whether In-Reply-To or References names a mail we
// sent to the From address about the report, of a recipient role that ok
// accepts.
func refersToMail(tx *store.Tx, in *incoming, reportID int64, ok func(store.Mail) bool) (bool, error) {
	m := in.msg
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		sent, err := tx.MailByMessageID(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if sent.ReportID == reportID && strings.EqualFold(sent.To, m.From.Addr) && ok(sent) {
			return true, nil
		}
	}
	return false, nil
}

// security logs a security event (SPEC 7.3): what happened and why, the
// operator address the mail claimed and the report code — nothing else of
// the mail.
func (p *Pipeline) security(event, reason, operator, code string) {
	p.Log.Warn("security event", "event", event, "reason", reason, "operator", operator, "report", code)
}

// refuseAll answers a reply none of whose commands was applied.
func (p *Pipeline) refuseAll(tx *store.Tx, in *incoming, op Operator, cf *caseFile, out Outcome, lines []templates.RefusedLine) (Outcome, error) {
	data := templates.Refusal{ReceivedAt: in.src.ReceivedAt, Lines: lines, NoCommand: len(lines) == 0}
	var why []string
	for _, l := range lines {
		why = append(why, fmt.Sprintf("line %d", l.Line))
	}
	reason := "no command"
	if len(why) > 0 {
		reason = "refused: " + strings.Join(why, ", ")
	}
	p.security("command-refused", reason, op.Email, out.Code)
	out.Reason = "command " + reason
	var r *store.Report
	if cf != nil {
		data.Code, r = cf.r.Code, &cf.r
	}
	return out, p.answerMail(tx, in, op, r, "refused", data, nil)
}

// answerKinds are the answers sent at most once an hour to an address.
var answerKinds = []string{"unauthenticated"}

// answerOnce writes the answer to an unauthenticated command mail, unless
// the address had one in the last hour.
func (p *Pipeline) answerOnce(tx *store.Tx, in *incoming, op Operator, r *store.Report, kind string, data any) error {
	n, err := tx.MailsSince(op.Email, answerKinds, in.now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if n > 0 {
		code := ""
		if r != nil {
			code = r.Code
		}
		p.Log.Info("answer to an unauthenticated command not sent: one an hour", "operator", op.Email, "report", code)
		return nil
	}
	return p.answerMail(tx, in, op, r, kind, data, nil)
}

// answerMail writes an answer to the operator's configured address, in
// reply to their message.
func (p *Pipeline) answerMail(tx *store.Tx, in *incoming, op Operator, r *store.Report, kind string, data any, files []store.MailFile) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := store.Mail{Kind: kind, To: op.Email, Role: op.Role, Lang: templates.Vietnamese, Data: b, Attachments: files,
		InReplyTo: in.msg.MessageID, References: in.msg.References}
	if r != nil {
		m.ReportID, m.ReportCode = r.ID, r.Code
		m.ReplyTo = token.Address(p.Address, p.Tokens.Mint(r.ID, token.Operator, op.Email, in.now))
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}
