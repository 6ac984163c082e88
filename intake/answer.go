package intake

import (
	"cmp"
	"encoding/json"
	"log/slog"
	"time"

	"haugiang.gov.vn/phananh/intake/command"
	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// answers writes the answer an operator gets to a command mail, at the
// address configured for them and never at the From (SPEC 7.1): the
// confirmation, the status, the help, the periodic report, the refusal or
// the notice that the mail was not authenticated.
type answers struct {
	notices  *notifier
	periodic periodicReports
	addrs    replyAddrs
	perHour  int // security.answers_per_hour
	log      *slog.Logger
}

// applied writes the one answer to a reply whose commands were applied
// (SPEC 7.1): the confirmation of what was done with the report's new
// state and deadlines, or — for a reply that only asked — the status or
// the help. A /report is answered apart, with the periodic report.
func (a *answers) applied(tx *store.Tx, in *incoming, s *snapshot, steps []step, ignored, unread []templates.RefusedLine) error {
	op := steps[0].op
	ans := templates.Answer{Role: op.Role, Ignored: ignored, Unread: unread}
	kind := ""
	for _, st := range steps {
		switch st.change.Action {
		case lifecycle.Help:
			ans.Help = true
		case lifecycle.Codes:
			ans.Codes = directory(s.table, st.text)
		case lifecycle.Status:
			kind = first(kind, "status")
		case lifecycle.Report:
			if err := a.report(tx, in, op, st); err != nil {
				return err
			}
			continue
		default:
			kind = "confirmation"
		}
		ans.Commands = append(ans.Commands, first(command.Written(st.line), st.change.Action.Command()))
		line := st.line
		if st.absorbed != "" {
			line += " — " + st.absorbed
		}
		ans.Applied = append(ans.Applied, line)
	}
	if len(ans.Commands) == 0 {
		return nil
	}
	if kind == "" {
		// The help and the codes alone name nothing of the report, not
		// even the commands its state allows: a handler of another agency
		// may ask them in the report's thread (SPEC 7.3).
		ans.Usable = a.notices.menu.usable(op.Role, op.Agency, lifecycle.Facts{}, s.table)
		if ans.Codes != nil && !ans.Help {
			return a.write(tx, in, op, &s.r, "codes", ans, nil)
		}
		return a.write(tx, in, op, &s.r, "help", ans, nil)
	}
	ans.Case = s.staffCase(op.Role)
	ans.Usable = a.notices.menu.usable(op.Role, op.Agency, s.facts(), s.table)
	return a.write(tx, in, op, &s.r, kind, ans, nil)
}

// standalone answers the commands of a mail outside any report's thread:
// the status of each report named, with an event in its log; the help;
// the periodic report.
func (a *answers) standalone(tx *store.Tx, in *incoming, steps []step, msgID int64) error {
	for _, st := range steps {
		var err error
		switch st.change.Action {
		case lifecycle.Status:
			err = a.status(tx, in, st, msgID)
		case lifecycle.Help:
			ans := templates.Answer{Role: st.op.Role, Commands: []string{"/help"}, Applied: []string{st.line}, Help: true,
				Usable: a.notices.menu.usable(st.op.Role, st.op.Agency, lifecycle.Facts{}, a.notices.routing())}
			err = a.write(tx, in, st.op, nil, "help", ans, nil)
		case lifecycle.Report:
			err = a.report(tx, in, st.op, st)
		case lifecycle.Codes:
			ans := templates.Answer{Role: st.op.Role, Commands: []string{"/codes"}, Applied: []string{st.line},
				Codes: directory(a.notices.routing(), st.text)}
			err = a.write(tx, in, st.op, nil, "codes", ans, nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// status answers a /status CODE outside the report's thread, with an event
// in the report's log.
func (a *answers) status(tx *store.Tx, in *incoming, st step, msgID int64) error {
	r := st.target.r
	if err := tx.AppendEvent(r.ID, event(st, msgID)); err != nil {
		return err
	}
	s, err := a.notices.snapshot(tx, r.ID)
	if err != nil {
		return err
	}
	ans := templates.Answer{Role: st.op.Role, Commands: []string{"/status"}, Applied: []string{st.line}, Case: s.staffCase(st.op.Role),
		Usable: a.notices.menu.usable(st.op.Role, st.op.Agency, s.facts(), s.table)}
	return a.write(tx, in, st.op, &s.r, "status", ans, nil)
}

// refusal answers a reply none of whose commands was applied, with each
// refused line and why.
func (a *answers) refusal(tx *store.Tx, in *incoming, op Operator, cf *caseFile, lines []templates.RefusedLine) error {
	data := templates.Refusal{ReceivedAt: in.src.ReceivedAt, Lines: lines, NoCommand: len(lines) == 0}
	var r *store.Report
	if cf != nil {
		data.Code, r = cf.r.Code, &cf.r
	}
	return a.write(tx, in, op, r, "refused", data, nil)
}

// unauthenticated writes the answer to a command mail that could not be
// authenticated, unless the operator had one in the last hour: forgeries
// must not make the daemon a mail bomb.
func (a *answers) unauthenticated(tx *store.Tx, in *incoming, op Operator, data templates.Unauthenticated) error {
	n, err := tx.MailsSince(op.Email, []string{"unauthenticated"}, in.now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.Info("answer to an unauthenticated command not sent: one an hour", "operator", op.logName())
		return nil
	}
	return a.write(tx, in, op, nil, "unauthenticated", data, nil)
}

// answerKinds are the kinds of mail write writes, which the hourly cap
// counts: answers to an operator's mail only, not the periodic reports
// mailed to them on schedule.
var answerKinds = []string{"confirmation", "status", "help", "codes", "refused", "unauthenticated", "report", reports.AskedMailKind}

// DefaultAnswersPerHour is security.answers_per_hour's default.
const DefaultAnswersPerHour = 30

// write writes an answer to the operator's configured address, in reply
// to their message and, for an answer about a report, in their
// conversation about it (thread.Answer). Past the hourly cap of answers to one operator (SPEC
// 7.3: even when authentic) it is recorded as suppressed, not sent.
//
// An answer about a report whose personal data was erased goes as mail
// about no report, in reply to the operator's message only: the operator
// is answered (SPEC 7.1), and nothing more is kept about the report (SPEC
// 10.5) — the store records mail about an erased report suppressed, and
// mail about no report is emptied by its retention.
func (a *answers) write(tx *store.Tx, in *incoming, op Operator, r *store.Report, kind string, data any, files []store.MailFile) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := store.Mail{Kind: kind, To: op.Email, Role: op.Role, Lang: templates.Vietnamese, Data: b, Attachments: files,
		InReplyTo: in.msg.MessageID, References: in.msg.References}
	if r != nil && r.ErasedAt.IsZero() {
		m.ReportID, m.ReportCode = r.ID, r.Code
		m.ReplyTo = a.addrs.operator(r.ID, op.Email, in.now)
		prior, err := tx.ReportMail(r.ID)
		if err != nil {
			return err
		}
		thread.Answer(prior, op.Email, in.msg.MessageID, in.msg.References, in.now).Set(&m)
	}
	n, err := tx.MailsSince(op.Email, answerKinds, in.now.Add(-time.Hour))
	if err != nil {
		return err
	}
	if limit := cmp.Or(a.perHour, DefaultAnswersPerHour); n >= limit {
		m.State = store.MailSuppressed
		a.log.Warn("answers to an operator capped: answer recorded, not sent", "operator", op.logName(), "kind", kind,
			"report", m.ReportCode, "per_hour", limit)
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}
