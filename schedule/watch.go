package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// DefaultBatch is how many deadlines one transaction of the watch handles
// when Watch.Batch is 0.
const DefaultBatch = 100

// Watch is the deadline watch (SPEC 5.5): it sends one reminder when a
// deadline becomes due soon and one overdue alert when it passes, never
// more than one of each. A reminder goes to those who must act; an alert
// goes to them and to those above them — "handlers, the agency's leader,
// and the Center", the Center being its approvers. Handlers and leaders are
// those of the report's agency (Operator.Agency):
//
//	deadline       reminder                 overdue alert
//	intake         receivers                receivers, approvers
//	return         the agency's handlers    none (see below)
//	resolve        the agency's handlers    handlers, the agency's leaders, approvers
//	publish        approvers                approvers
//	clarification  the agency's handlers    handlers, the agency's leaders, approvers
//
// The return deadline closes a window rather than owing a step: past it the
// agency keeps the report and its resolve deadline runs, so an alert to the
// leaders and the Center would be a false alarm on nearly every report
// forwarded. Its reminder tells the handlers the window is closing; a late
// return is still recorded late when it happens. Someone configured under
// two roles gets one mail. Each reader is written to as their role allows
// (intake.Usable): the one who owes the step is told the command that
// takes it, the others whose step it is, and each gets the commands they
// can use on the report.
//
// Each batch of deadlines is one transaction: the notices are written to
// the outbox and the deadlines marked together, so a crash or a restart can
// neither lose a notice nor send one twice. The watch trusts the deadline's
// state: the lifecycle closes a deadline when its step is done and opens it
// again (store.Tx.SetDeadline) when the step is owed again, after a
// /sendback for instance.
type Watch struct {
	DB       *store.DB
	Calendar *calendar.Calendar
	// Routing gives the current routing table, which names fields, units
	// and agencies in the notices; nil leaves their codes alone.
	Routing func() *routing.Table
	// Staff gives the configured operators the notices go to (replaced on
	// SIGHUP); nil: none.
	Staff func() intake.Staff
	// EscalationAddress is process.escalation_address: without it no
	// notice offers /escalate.
	EscalationAddress string
	// Tokens and Address mint each operator's reply address (SPEC 7.3), so
	// that a command answered to a notice is accepted. Address is our own
	// mailbox; nil Tokens leaves the notices without a reply address.
	Tokens  *token.Keys
	Address string
	// Batch is how many deadlines one transaction handles; 0 means
	// DefaultBatch.
	Batch int
	// Wake, when set, is called after each transaction that queued mail:
	// the mail worker's Wake, so that notices leave at once rather than at
	// the worker's next poll.
	Wake func()
	// Log is required. It gets report codes, deadline kinds, roles and
	// agency codes, never an address or a name.
	Log *slog.Logger
}

// A notice is one of the two mails a deadline gets.
type notice struct {
	kind string // the mail kind: "reminder" or "overdue"
	due  func(tx *store.Tx, now time.Time, limit int) ([]store.DueDeadline, error)
	mark func(tx *store.Tx, id int64, at time.Time) error
}

var (
	reminder = notice{"reminder", (*store.Tx).DueReminders, (*store.Tx).MarkReminded}
	overdue  = notice{"overdue", (*store.Tx).DueAlerts, (*store.Tx).MarkAlerted}
)

// Run sends what is owed at now and returns how many deadlines got a
// reminder and how many an overdue alert. Alerts go first: a deadline first
// seen after its due instant (the daemon was stopped) gets the alert alone,
// which marks it reminded too.
//
// A deadline due soon from its very start (an urgent intake of 15 minutes)
// gets no reminder: the notice that opened it already said how little time
// there is. A deadline whose audience has no operator configured is logged
// and marked all the same, so the warning is not repeated every minute.
func (w *Watch) Run(ctx context.Context, now time.Time) (reminded, alerted int, err error) {
	if alerted, err = w.drain(ctx, now, overdue); err != nil {
		return 0, alerted, err
	}
	reminded, err = w.drain(ctx, now, reminder)
	return reminded, alerted, err
}

// Job returns the job that runs the watch on spec (EveryMinute by default)
// and logs each pass's counts: at info level when it sent anything, at
// debug level otherwise.
func (w *Watch) Job(spec string) Job {
	return Job{Name: "deadline-watch", Spec: spec, Run: func(ctx context.Context, now time.Time) error {
		start := time.Now()
		reminded, alerted, err := w.Run(ctx, now)
		level := slog.LevelDebug
		if reminded+alerted > 0 {
			level = slog.LevelInfo
		}
		w.Log.Log(ctx, level, "deadline watch pass", "reminded", reminded, "alerted", alerted, "took", time.Since(start))
		return err
	}}
}

// drain handles the deadlines owing one notice, a batch per transaction,
// until a batch comes back short.
func (w *Watch) drain(ctx context.Context, now time.Time, n notice) (int, error) {
	limit := w.Batch
	if limit <= 0 {
		limit = DefaultBatch
	}
	total := 0
	for {
		var sent, seen int
		err := w.DB.Write(ctx, func(tx *store.Tx) error {
			sent = 0
			ds, err := n.due(tx, now, limit)
			seen = len(ds)
			if err != nil {
				return err
			}
			for _, d := range ds {
				ok, err := w.notify(tx, n, d, now)
				if err != nil {
					return err
				}
				if ok {
					sent++
				}
				if err := n.mark(tx, d.ID, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("deadline watch: %s: %w", n.kind, err)
		}
		total += sent
		if sent > 0 && w.Wake != nil {
			w.Wake()
		}
		if seen < limit {
			return total, nil
		}
	}
}

// notify writes a deadline's notice to each of its recipients and reports
// whether anyone was owed one.
func (w *Watch) notify(tx *store.Tx, n notice, d store.DueDeadline, now time.Time) (bool, error) {
	if n.kind == reminder.kind && !d.SoonAt.After(d.Start) {
		return false, nil
	}
	to := w.recipients(n, d)
	if len(to) == 0 {
		return false, nil
	}
	mails := w.mails(tx, d)
	usable, err := w.usable(tx, n, d)
	if err != nil {
		return false, err
	}
	for _, op := range to {
		mailbox := op.Role == intake.RoleMailbox
		reader := templates.Reader{Mailbox: true}
		if !mailbox {
			reader = templates.Reader{Role: op.Role, Usable: usable(op)}
		}
		data, err := json.Marshal(w.data(n, d, now, reader))
		if err != nil {
			return false, err
		}
		m := store.Mail{ReportID: d.ReportID, ReportCode: d.Code, Kind: n.kind, To: op.Email, Role: op.Role,
			Lang: templates.Vietnamese, Data: data}
		thread.Notice(mails, op.Email, now).Set(&m)
		if w.Tokens != nil && !mailbox {
			m.ReplyTo = token.Address(w.Address, w.Tokens.Mint(d.ReportID, token.Operator, op.Email, now))
		}
		if _, err := tx.Enqueue(m, now); err != nil {
			return false, err
		}
	}
	return true, nil
}

// recipients returns who gets a deadline's notice, each address once,
// warning about every audience that has nobody configured.
func (w *Watch) recipients(n notice, d store.DueDeadline) []intake.Operator {
	policy, ok := told[d.Kind]
	if !ok {
		w.Log.Warn("deadline of an unknown kind: nobody told", "report", d.Code, "deadline", d.Kind)
		return nil
	}
	audiences := policy.reminder
	if n.kind == overdue.kind {
		audiences = policy.overdue
	}
	var to []intake.Operator
	var staff intake.Staff
	if w.Staff != nil {
		staff = w.Staff()
	}
	for _, a := range audiences {
		ops := a.members(staff, d.Agency)
		if a == handlers && d.Agency != "" && w.table() != nil {
			// No handler: the agency's official mailbox (SPEC 6.1).
			if box := staff.Mailbox(d.Agency, w.table()); box != "" {
				ops = append(ops, intake.Operator{Email: box, Role: intake.RoleMailbox, Agency: d.Agency})
			}
		}
		if len(ops) == 0 {
			args := []any{"report", d.Code, "deadline", d.Kind, "notice", n.kind, "role", a.role}
			if a.bound {
				args = append(args, "agency", d.Agency)
			}
			w.Log.Warn("no operator configured for a deadline notice", args...)
		}
		to = addOnce(to, ops)
	}
	return to
}

// usable returns what names the commands each reader of a deadline's
// notice can use on its report in its state: the notice tells the one
// who owes the step to take it, and the others whose step it is (SPEC
// 8.4). Past the resolve deadline an /extend is refused (Art 8.3): its
// alert does not offer it.
func (w *Watch) usable(tx *store.Tx, n notice, d store.DueDeadline) (func(intake.Operator) []string, error) {
	r, err := tx.ReportByID(d.ReportID)
	if err != nil {
		return nil, err
	}
	ds, err := tx.Deadlines(d.ReportID)
	if err != nil {
		return nil, err
	}
	var staff intake.Staff
	if w.Staff != nil {
		staff = w.Staff()
	}
	return func(op intake.Operator) []string {
		if w.table() == nil {
			return nil
		}
		usable := intake.Usable(op, r, ds, staff, w.EscalationAddress, w.table())
		if n.kind == overdue.kind && d.Kind == string(deadline.KindResolve) {
			usable = slices.DeleteFunc(usable, func(a string) bool { return a == string(lifecycle.Extend) })
		}
		return usable
	}, nil
}

// data is the template data of a deadline's notice to a reader: how much
// time is left, or how late it is, in the deadline's own measure.
func (w *Watch) data(n notice, d store.DueDeadline, now time.Time, reader templates.Reader) any {
	dl := deadline.Deadline{Kind: deadline.Kind(d.Kind), Start: d.Start, Due: d.Due, Clock: d.Clock}
	left := dl.Left(w.Calendar, now)
	dn := templates.DeadlineNotice{Code: d.Code, Step: d.Kind, ReportState: d.ReportState, Due: d.Due,
		Working: !d.Clock, Urgent: d.Urgent, Field: d.Field, Unit: d.Unit, Agency: d.Agency, Reader: reader}
	if table := w.table(); table != nil {
		if f, ok := table.RecordedField(d.Field); ok {
			dn.FieldName = f.Name
		}
		if u, ok := table.RecordedUnit(d.Unit); ok {
			dn.UnitName = u.Name
		}
		if a, ok := table.RecordedAgency(d.Agency); ok {
			dn.AgencyName = a.Name
		}
	}
	if n.kind == overdue.kind {
		return templates.Overdue{DeadlineNotice: dn, Late: templates.SpanOf(-left)}
	}
	return templates.Reminder{DeadlineNotice: dn, Left: templates.SpanOf(left)}
}

func (w *Watch) table() *routing.Table {
	if w.Routing == nil {
		return nil
	}
	return w.Routing()
}

// mails returns the report's mail so far, in which each reader's notice
// continues their conversation about the report (thread.Notice): the
// triage notice, the assignment, an earlier reminder. Mail that cannot be
// read is logged and left out; the notice then starts a conversation.
func (w *Watch) mails(tx *store.Tx, d store.DueDeadline) []store.Mail {
	mails, err := tx.ReportMail(d.ReportID)
	if err != nil {
		w.Log.Warn("report's mail unreadable: the notice starts a new thread", "report", d.Code, "err", err)
		return nil
	}
	return mails
}
