package intake

import (
	"log/slog"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// reception turns a citizen's message into a new report (SPEC 4): it
// routes it, records it with its intake deadline, its first event and its
// attachments, owes the citizen the acknowledgement and each receiver the
// triage notice, and forwards it at once when its routing rule says so.
type reception struct {
	rules           caseRules
	writer          *caseWriter // for the automatic forwarding
	menu            menu
	staff           Staff
	addrs           replyAddrs
	duplicateWindow time.Duration // intake.duplicate_window
	repliesPerHour  int           // intake.auto_replies_per_hour
	privacy         templates.Privacy
	log             *slog.Logger
}

// receive makes the new report of a message: what the form and routing
// understood, its intake deadline, its attachments, the acknowledgement to
// the citizen and the triage notice to each receiver.
func (rc *reception) receive(tx *store.Tx, in *incoming) (Outcome, error) {
	table := rc.rules.routing()
	received := in.src.ReceivedAt
	r, decision := in.draftReport(table)
	intake := deadline.Intake(rc.rules.calendar, received, decision.Urgent, false)
	// The duplicate check, and the sender's automatic replies of the hour
	// (for the acknowledgement), read by one statement: the report and its
	// deadline, written between the two, change neither.
	dup, replies, err := tx.RecentReportAndReplies(r.Citizen.Email, r.Content, received.Add(-rc.duplicateWindow),
		automaticReplies, in.now.Add(-time.Hour))
	if err != nil {
		return Outcome{}, err
	}
	r.DuplicateOf = dup
	if r, err = tx.CreateReport(r); err != nil {
		return Outcome{}, err
	}
	intakeRow := storeDeadline(rc.rules.calendar, intake, received)
	if _, err := tx.SetDeadline(r.ID, intakeRow); err != nil {
		return Outcome{}, err
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		return reportRecords(tx, in, r, decision, msgID)
	})
	if err := rc.acknowledge(tx, in, r, table, intake.Due, replies); err != nil {
		return Outcome{}, err
	}
	if decision.AutoForward && !rc.staff.Reachable(decision.Agency, table) {
		rc.log.Warn("automatic forwarding not done: nobody configured for the agency; the report waits for a receiver",
			"report", r.Code, "agency", decision.Agency)
		decision.AutoForward = false
	}
	if err := rc.notifyReceivers(tx, in, r, decision, table, intake.Due); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Kind: KindReport, Code: r.Code, State: r.State, Field: r.Routing.Field, Unit: r.Routing.Unit, Agency: r.Routing.Agency}
	if decision.AutoForward {
		intakeRow.State = "open"
		return rc.autoForward(in, &caseFile{r: r, facts: factsOf(r, []store.Deadline{intakeRow})}, decision, out)
	}
	return out, nil
}

// autoForward forwards a new report to the agency its rule names, without
// a receiver's /accept, when the rule has auto_forward (SPEC 6.2): the
// system accepts it on the receivers' behalf at its received time, with
// the assignment to the agency's handlers and the "forwarded" notice to
// the citizen. The receivers still get the triage notice, which says the
// report was forwarded automatically, and may reassign it.
func (rc *reception) autoForward(in *incoming, cf *caseFile, d routing.Decision, out Outcome) (Outcome, error) {
	li := rc.rules.input(cf.facts, lifecycle.Accept, cf.r.ReceivedAt)
	li.Actor = lifecycle.Actor{Role: lifecycle.System}
	ch, err := lifecycle.Apply(li)
	le, err := applyError(err)
	if err != nil {
		return out, err
	}
	if le != nil {
		rc.log.Warn("automatic forwarding refused: the report waits for a receiver", "report", cf.r.Code, "reason", le.Code)
		return out, nil
	}
	st := step{change: ch, at: cf.r.ReceivedAt, actor: "system", role: lifecycle.System, autoRule: d.Rule}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		_, err := rc.writer.write(tx, in, cf, []step{st}, noFiles, msgID)
		return err
	})
	return outcomeOf(out, ch.Facts), nil
}

// reportRecords writes what points to the message row: the report's first
// event and its attachments.
func reportRecords(tx *store.Tx, in *incoming, r store.Report, d routing.Decision, msgID int64) error {
	err := tx.AppendEvent(r.ID, store.Event{At: in.now, Actor: "system", Command: "ingest", MessageID: msgID, To: r.State, Agency: r.Routing.Agency,
		Detail: withDetail(map[string]string{"rule": d.Rule, "why": d.Why, "ruleset": d.Version}, citizenMessage(in.report()))})
	if err != nil {
		return err
	}
	for _, a := range in.report().Attachments {
		if _, err := tx.AddAttachment(r.ID, storeAttachment(a, "report", msgID)); err != nil {
			return err
		}
	}
	return nil
}
