package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/privacy"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// Sender mails the daily digest and the periodic reports on their
// schedules (SPEC 9.1). The report of a kind and period is written to the
// outbox in the transaction that records it, so it is sent exactly once
// across restarts; CatchUp sends at start the one a stopped daemon missed.
type Sender struct {
	DB       *store.DB
	Calendar *calendar.Calendar
	// Routing gives the routing table in use.
	Routing func() *routing.Table
	// Config is the [reports] table: schedules, recipients, period mode.
	Config config.Reports
	// Operators gives the configured staff (replaced on SIGHUP): the
	// Center's receivers and approvers get the daily digest. Nil: none.
	Operators func() []config.Operator
	// CallAttempts is the configured call_attempts (see Options).
	CallAttempts int
	// MissingTet, when set, says whether the holiday file lacks the Tết
	// the digest must warn about (schedule.MissingTet, SPEC 5.1).
	MissingTet func(now time.Time) (year int, missing bool)
	// Wake, when set, is called after reports were queued: the mail
	// worker's Wake.
	Wake func()
	// Log is required. It gets kinds, periods and counts, never an address.
	Log *slog.Logger
}

// Schedule returns the cron schedule of a kind, "" when none is sent.
func (s *Sender) Schedule(kind Kind) string {
	spec, _ := s.Config.Kind(string(kind))
	return spec
}

// Run is the job of a kind at its scheduled time now: it sends the report
// of the latest period of that kind ended by now, unless it was sent. The
// daily digest is sent on working days only.
func (s *Sender) Run(ctx context.Context, kind Kind, now time.Time) error {
	if kind == Daily && !s.Calendar.IsWorkingDay(now) {
		return nil
	}
	_, err := s.send(ctx, kind, now, now)
	return err
}

// CatchUp sends, for each kind with a schedule, the report its latest
// scheduled run before now was due to send, if that one was not sent:
// the run a stopped daemon missed. Older periods are not sent: `phananh
// report` writes any period's report.
func (s *Sender) CatchUp(ctx context.Context, now time.Time) error {
	for _, kind := range Kinds() {
		spec := s.Schedule(kind)
		if spec == "" {
			continue
		}
		fire, err := s.lastRun(kind, spec, now)
		if err != nil {
			return err
		}
		if fire.IsZero() {
			continue
		}
		if sent, err := s.send(ctx, kind, fire, now); err != nil {
			return err
		} else if sent {
			s.Log.Info("periodic report caught up", "kind", kind, "due", fire.Format(time.RFC3339))
		}
	}
	return nil
}

// lookBack bounds the search for a schedule's latest run: a year and a
// little, for annual reports.
const lookBack = 370 * 24 * time.Hour

// lastRun returns the latest time before now at which the job of kind
// would have sent something on spec (a working day for the digest), or
// the zero time if none within lookBack.
func (s *Sender) lastRun(kind Kind, spec string, now time.Time) (time.Time, error) {
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, fmt.Errorf("reports: %s schedule %q: %w", kind, spec, err)
	}
	var last time.Time
	for t := sched.Next(now.In(s.Calendar.Location()).Add(-lookBack)); !t.IsZero() && !t.After(now); t = sched.Next(t) {
		if kind != Daily || s.Calendar.IsWorkingDay(t) {
			last = t
		}
	}
	return last, nil
}

// send sends the report of the latest period of kind ended by due, now,
// unless it was sent or no report was ever received before the period's
// end (a new installation has nothing to report). It reports whether it
// queued anything.
func (s *Sender) send(ctx context.Context, kind Kind, due, now time.Time) (bool, error) {
	mode := Mode(s.Config.PeriodMode)
	p, err := Latest(kind, due, mode, s.Calendar)
	if err != nil {
		return false, err
	}
	recipients := s.recipients(kind)
	if len(recipients) == 0 {
		hint := "[reports] recipients or " + string(kind) + "_recipients"
		if kind == Daily {
			hint = "receivers or approvers in [[operators]], or [reports] daily_recipients"
		}
		s.Log.Warn("periodic report not sent: no recipient", "kind", kind, "period", p.Name, "set", hint)
		return false, nil
	}
	var r *Report
	var requests []store.Request
	err = s.DB.Read(ctx, func(tx *store.Tx) error {
		if sent, err := tx.PeriodicReportSent(string(kind), p.Name); err != nil || sent {
			return err
		}
		if used, err := tx.ReceivedBefore(p.End); err != nil || !used {
			return err
		}
		r, err = Compute(tx, p, mode, Options{Calendar: s.Calendar, Table: s.Routing(), CallAttempts: s.CallAttempts, Now: now})
		if err == nil && kind == Daily {
			requests, err = tx.Requests(false)
		}
		return err
	})
	if err != nil || r == nil {
		return false, err
	}
	r.GeneratedAt = now
	view, files, err := r.Mail(s.DB.Blobs())
	if err != nil {
		return false, err
	}
	view.Requests = subjectRequests(s.Calendar, requests, now)
	if kind == Daily && s.MissingTet != nil {
		if year, missing := s.MissingTet(now); missing {
			view.TetMissing = year
		}
	}
	data, err := json.Marshal(view)
	if err != nil {
		return false, fmt.Errorf("reports: %w", err)
	}
	queued := false
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		if sent, err := tx.PeriodicReportSent(string(kind), p.Name); err != nil || sent {
			return err
		}
		for _, rc := range recipients {
			m := store.Mail{Kind: MailKind, To: rc.address, Role: rc.role, Lang: "vi", Data: data, Attachments: files}
			if _, err := tx.Enqueue(m, now); err != nil {
				return err
			}
		}
		queued = true
		return tx.RecordPeriodicReport(store.PeriodicReport{Kind: string(kind), Period: p.Name, Start: p.Start, End: p.End,
			SentAt: now, Mails: len(recipients)})
	})
	if err != nil || !queued {
		return false, err
	}
	s.Log.Info("periodic report queued", "kind", kind, "period", p.Name, "mails", len(recipients),
		"received", r.Totals.Received, "overdue", r.Totals.OpenOverdue)
	if s.Wake != nil {
		s.Wake()
	}
	return true, nil
}

// recipient is one address a report goes to, with the role the outbox
// records.
type recipient struct{ address, role string }

// RoleReports is the outbox role of a configured report recipient.
const RoleReports = "reports"

// recipients lists who gets a kind of report, each address once (in ASCII
// case, the domain in any of its forms: fold.Destination): for the
// digest the Center's receivers and approvers, then [reports]
// daily_recipients; for the others [reports] recipients and the kind's.
func (s *Sender) recipients(kind Kind) []recipient {
	var out []recipient
	add := func(address, role string) {
		for _, r := range out {
			if fold.Destination(r.address) == fold.Destination(address) {
				return
			}
		}
		out = append(out, recipient{address, role})
	}
	if kind == Daily && s.Operators != nil {
		for _, op := range s.Operators() {
			if op.Role == config.RoleReceiver || op.Role == config.RoleApprover {
				add(op.Email, string(op.Role))
			}
		}
	}
	_, configured := s.Config.Kind(string(kind))
	for _, a := range configured {
		add(a, RoleReports)
	}
	return out
}

// subjectRequests lays out the data subjects' requests still unanswered,
// with the state of their deadlines at now, for the daily digest (SPEC
// 10.5).
func subjectRequests(cal *calendar.Calendar, rs []store.Request, now time.Time) []templates.SubjectRequest {
	var out []templates.SubjectRequest
	for _, r := range rs {
		out = append(out, templates.SubjectRequest{ID: r.ID, Kind: r.Kind, ReceivedAt: r.ReceivedAt, AckDue: r.AckDue, Due: r.Due,
			AckState:     privacy.State(cal, r.ReceivedAt, r.AckDue, r.AcknowledgedAt, now, true),
			State:        privacy.State(cal, r.ReceivedAt, r.Due, r.DoneAt, now, false),
			Acknowledged: !r.AcknowledgedAt.IsZero(), Extended: !r.ExtendedAt.IsZero()})
	}
	return out
}
