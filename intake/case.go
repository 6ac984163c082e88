package intake

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// A caseFile is one report as the lifecycle reads it, at the start of the
// transaction of the message that acts on it.
type caseFile struct {
	r     store.Report
	facts lifecycle.Facts
}

func (p *Pipeline) loadCase(tx *store.Tx, code string) (*caseFile, error) {
	r, err := tx.Report(code)
	if err != nil {
		return nil, err
	}
	ds, err := tx.Deadlines(r.ID)
	if err != nil {
		return nil, err
	}
	return &caseFile{r: r, facts: factsOf(r, ds)}, nil
}

// factsOf is what the lifecycle knows of a stored report. The agency is the
// current routing's: the agency forwarded to, or the one proposed before.
func factsOf(r store.Report, ds []store.Deadline) lifecycle.Facts {
	f := lifecycle.Facts{
		State: lifecycle.State(r.State), ReceivedAt: r.ReceivedAt,
		Agency: r.Routing.Agency, Field: r.Routing.Field, Unit: r.Routing.Unit,
		Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential,
		CallFailures: r.CallFailures, Rating: lifecycle.Rating(r.Rating), Result: r.Result,
		Extension: lifecycle.Extension{Requested: r.Extension.Requested, Days: r.Extension.Days, Confirmed: r.Extension.Confirmed},
		Deadlines: map[deadline.Kind]lifecycle.Deadline{},
	}
	for _, d := range ds {
		f.Deadlines[deadline.Kind(d.Kind)] = lifecycle.Deadline{
			Deadline: deadline.Deadline{Kind: deadline.Kind(d.Kind), Start: d.Start, Due: d.Due, Clock: d.Clock},
			Open:     d.State == "open",
		}
	}
	return f
}

// A step is one action applied to a report: the lifecycle's change, and
// what the event log and the notices say of who did it and with what.
type step struct {
	change lifecycle.Change
	at     time.Time // when it happened: the message's received time
	actor  string    // "system", "citizen", or the operator's configured address
	role   lifecycle.Role
	op     Operator // the operator who acted; zero for the citizen and the system
	line   string   // the command line as written; "" for the citizen and the system
	text   string   // the reason, note, result, answer or citizen's words it carried
	days   int
	// period and month are the arguments of /report.
	period, month string
	// autoRule is the rule whose auto_forward forwarded a new report.
	autoRule string
	// target is the report a /status outside any thread names.
	target *caseFile
	// replyFiles are the files of the citizen's reply.
	replyFiles []store.Attachment
	// reroute is the new routing when /field or /unit changed a report
	// not yet with an agency.
	reroute *routing.Decision
}

// input builds the lifecycle's input for an action on facts.
func (p *Pipeline) input(facts lifecycle.Facts, a lifecycle.Action, at time.Time) lifecycle.Input {
	return lifecycle.Input{Facts: facts, Action: a, At: at, Calendar: p.Calendar, Directory: p.Routing(), CallAttempts: p.CallAttempts}
}

// rerouted runs routing again when a change asks for it (a /field or /unit
// before forwarding), with the current field and unit taken as given, and
// puts the new proposal's agency into the change's facts, so that a bare
// /accept later in the same reply forwards to it.
func (p *Pipeline) rerouted(r store.Report, st *step) {
	if !st.change.Reroute {
		return
	}
	f := &st.change.Facts
	d := p.Routing().Route(routing.Input{Subject: r.Subject, Text: r.Content, Field: f.Field, Unit: f.Unit,
		Location: r.Location, Address: r.Citizen.Address})
	f.Agency, f.Field = d.Agency, d.Field
	if d.Unit != "" {
		f.Unit = d.Unit
	}
	st.reroute = &d
}

// kept says what becomes of a message's attachments when its steps are
// written: kept as the result's documents and photos (role "result"), as
// an addition to the report (role "reply"), or not recorded again (the
// report's own attachments, already recorded at intake).
type kept int

const (
	noFiles kept = iota
	replyFiles
	resultFiles
)

// writeSteps writes the steps one message applied to a report, in the
// message's transaction once its row exists (msgID): for each step the
// deadlines it closes and opens and its event, then the message's files,
// the report's new facts, and the mail owed — each notice to each of its
// recipients. It returns the report as written, with what its notices show.
func (p *Pipeline) writeSteps(tx *store.Tx, in *incoming, cf *caseFile, steps []step, keep kept, msgID int64) (*snapshot, error) {
	r := cf.r
	for _, st := range steps {
		if err := p.writeDeadlines(tx, r.ID, st.change, st.at); err != nil {
			return nil, err
		}
		ev := event(st, msgID)
		if ev.Reason == "other" && r.DuplicateOf != "" {
			ev.Reason = "duplicate"
		}
		if err := tx.AppendEvent(r.ID, ev); err != nil {
			return nil, err
		}
	}
	if err := p.keepFiles(tx, in, r.ID, keep, msgID); err != nil {
		return nil, err
	}
	r = applyFacts(r, steps, msgID)
	if err := tx.UpdateReport(r, in.now); err != nil {
		return nil, err
	}
	snap, err := p.snapshot(tx, r.ID)
	if err != nil {
		return nil, err
	}
	forwarded := slices.ContainsFunc(steps, func(st step) bool {
		return st.change.Action == lifecycle.Accept || st.change.Action == lifecycle.Assign
	})
	for _, st := range steps {
		if err := p.owe(tx, in, snap, st, forwarded); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// writeDeadlines closes, then opens, the deadlines of a change made at a
// time (SPEC 5).
func (p *Pipeline) writeDeadlines(tx *store.Tx, reportID int64, ch lifecycle.Change, at time.Time) error {
	for _, c := range ch.Close {
		if err := tx.CloseDeadline(reportID, string(c.Kind), string(c.Outcome), c.At); err != nil {
			return err
		}
	}
	for _, d := range ch.Open {
		if err := p.openDeadline(tx, reportID, d, at); err != nil {
			return err
		}
	}
	return nil
}

// openDeadline opens a deadline with its due-soon instant. A deadline that
// a step closed and a later step opens again with the same start and due
// instant — the resolve deadline after a /sendback — is the same deadline:
// it keeps the reminder and the alert it already had, so the watch does not
// send them twice, and the closed row is superseded, so that only the
// /resolve finally approved counts (SPEC 5.5).
func (p *Pipeline) openDeadline(tx *store.Tx, reportID int64, d deadline.Deadline, at time.Time) error {
	ds, err := tx.Deadlines(reportID)
	if err != nil {
		return err
	}
	id, err := tx.SetDeadline(reportID, storeDeadline(p, d, at))
	if err != nil {
		return err
	}
	for _, prev := range ds {
		if prev.Kind != string(d.Kind) || prev.State == "open" || !prev.Start.Equal(d.Start) || !prev.Due.Equal(d.Due) {
			continue
		}
		if !prev.RemindedAt.IsZero() {
			if err := tx.MarkReminded(id, prev.RemindedAt); err != nil {
				return err
			}
		}
		if !prev.AlertedAt.IsZero() {
			if err := tx.MarkAlerted(id, prev.AlertedAt); err != nil {
				return err
			}
		}
		return tx.SupersedeDeadline(prev.ID)
	}
	return nil
}

// applyFacts puts the facts after the last step into the report, with the
// times and the message that the steps give them.
func applyFacts(r store.Report, steps []step, msgID int64) store.Report {
	if len(steps) == 0 {
		return r
	}
	f := steps[len(steps)-1].change.Facts
	r.State = string(f.State)
	r.Routing.Agency, r.Routing.Field, r.Routing.Unit = f.Agency, f.Field, f.Unit
	r.Urgent, r.Complex, r.Confidential = f.Urgent, f.Complex, f.Confidential
	r.CallFailures, r.Rating, r.Result = f.CallFailures, string(f.Rating), f.Result
	r.Extension = store.Extension{Requested: f.Extension.Requested, Days: f.Extension.Days, Confirmed: f.Extension.Confirmed}
	for _, st := range steps {
		switch st.change.Action {
		case lifecycle.Resolve:
			r.ResultMessageID, r.ResolvedAt = msgID, st.at
		case lifecycle.Accept, lifecycle.Assign, lifecycle.SendBack:
			r.ResultMessageID, r.ResolvedAt = 0, time.Time{}
		case lifecycle.Approve:
			r.PublishedAt = st.at
		case lifecycle.Rate:
			r.RatedAt = st.at
		}
		if d := st.reroute; d != nil {
			r.Routing.Rule, r.Routing.Why, r.Routing.Ruleset = d.Rule, d.Why, d.Version
		}
	}
	return r
}

// keepFiles records the message's stored attachments on the report: as the
// result's documents and photos for a /resolve — but for small inline
// images, a signature's, kept as the reply's — or as the reply's.
func (p *Pipeline) keepFiles(tx *store.Tx, in *incoming, reportID int64, keep kept, msgID int64) error {
	if keep == noFiles {
		return nil
	}
	for _, a := range keptAttachments(in.msg) {
		role := "reply"
		if keep == resultFiles && !isSignatureImage(a) {
			role = "result"
		}
		if _, err := tx.AddAttachment(reportID, storeAttachment(a, role, msgID)); err != nil {
			return err
		}
	}
	return nil
}

// applyError is a refusal of the lifecycle, or nil when err is nil. Any
// other error is the program's, not the sender's.
func applyError(err error) (*lifecycle.Error, error) {
	if err == nil {
		return nil, nil
	}
	var le *lifecycle.Error
	if errors.As(err, &le) {
		return le, nil
	}
	return nil, fmt.Errorf("lifecycle: %w", err)
}
