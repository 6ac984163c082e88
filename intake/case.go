package intake

import (
	"errors"
	"fmt"
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/calendar"
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

// loadCase reads the report of a code as the lifecycle reads it.
func loadCase(tx *store.Tx, code string) (*caseFile, error) {
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
		Agency: r.Routing.Agency, CoAgencies: r.CoAgencies, Field: r.Routing.Field, Unit: r.Routing.Unit,
		Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential, Secret: r.Secret,
		CallFailures: r.CallFailures, Rating: lifecycle.Rating(r.Rating), Result: r.Result,
		Extension: lifecycle.Extension{Requested: r.Extension.Requested, Days: r.Extension.Days, Confirmed: r.Extension.Confirmed},
		Held:      !r.HeldAt.IsZero(), Hold: r.Hold, ErasedAt: r.ErasedAt,
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
	// followUp is who sent a follow-up, an unverified note (SPEC 4.2).
	followUp *sender
	// held is set on a follow-up past the hourly caps: recorded on the
	// report, forwarded to nobody.
	held bool
	// requested is set on a follow-up or reply whose sender is not
	// verified and that asks to keep an identity confidential: its
	// notices ask the Center to decide (lifecycle.Input.RequestsConfidential).
	requested bool
	// citizenMail is the citizen's message the step came in: its event
	// keeps its Message-ID for the citizen's conversation (see thread.go).
	citizenMail *parse.Message
	// reroute is the new routing when /field or /unit changed a report
	// not yet with an agency.
	reroute *routing.Decision
	// absorbed tells, for the confirmation, the abolished agencies an
	// /accept or /assign named and where they went (see absorbedNote).
	absorbed string
}

// caseRules is what the lifecycle needs of the configuration to act on a
// report: the working calendar, the routing table (reloaded on SIGHUP:
// read at each use) and process.call_attempts.
type caseRules struct {
	calendar     *calendar.Calendar
	routing      func() *routing.Table
	callAttempts int
}

// input builds the lifecycle's input for an action on facts.
func (cr caseRules) input(facts lifecycle.Facts, a lifecycle.Action, at time.Time) lifecycle.Input {
	return lifecycle.Input{Facts: facts, Action: a, At: at, Calendar: cr.calendar, Directory: cr.routing(), CallAttempts: cr.callAttempts}
}

// rerouted runs routing again when a change asks for it (a /field or /unit
// before forwarding), with the current field and unit taken as given, and
// puts the new proposal's agency into the change's facts, so that a bare
// /accept later in the same reply forwards to it.
func (cr caseRules) rerouted(r store.Report, st *step) {
	if !st.change.Reroute {
		return
	}
	f := &st.change.Facts
	d := cr.routing().Route(routing.Input{Subject: r.Subject, Text: r.Content, Field: f.Field, Unit: f.Unit,
		Location: r.Location, Address: r.Citizen.Address})
	f.Agency, f.Field = d.Agency, d.Field
	if d.Unit != "" {
		f.Unit = d.Unit
	}
	st.reroute = &d
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
