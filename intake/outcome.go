package intake

import (
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// Outcome is what a message became.
type Outcome struct {
	Kind   string // report, reply, command, bounce, autoreply, junk, duplicate, quarantine
	Code   string // the report it created or belongs to
	State  string // that report's state
	Field  string
	Unit   string
	Agency string
	// Reason says why a message was quarantined or not answered.
	Reason string
	// Repeated is set when the message had been processed before (same
	// mailbox UID): nothing new was recorded.
	Repeated bool
}

// Quarantined reports whether the message belongs in the quarantine
// folder rather than the processed one.
func (o Outcome) Quarantined() bool { return o.Kind == KindQuarantine || o.Kind == KindJunk }

// The kinds of outcome (SPEC 4.2, 12.1).
const (
	KindReport     = "report"
	KindReply      = "reply"
	KindCommand    = "command"
	KindBounce     = "bounce"
	KindAutoreply  = "autoreply"
	KindJunk       = "junk"
	KindDuplicate  = "duplicate"
	KindQuarantine = "quarantine"
)

// withState fills in the state of the outcome's report.
func withState(tx *store.Tx, out Outcome) (Outcome, error) {
	if out.Code == "" {
		return out, nil
	}
	r, err := tx.Report(out.Code)
	if err != nil {
		return out, err
	}
	out.State, out.Field, out.Unit, out.Agency = r.State, r.Routing.Field, r.Routing.Unit, r.Routing.Agency
	return out, nil
}

// outcomeOf fills an outcome with a report's state and routing.
func outcomeOf(out Outcome, f lifecycle.Facts) Outcome {
	out.State, out.Field, out.Unit, out.Agency = string(f.State), f.Field, f.Unit, f.Agency
	return out
}
