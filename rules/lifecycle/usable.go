package lifecycle

import "slices"

// Commands lists the operators' commands, in the order a cheat sheet lists
// them: the Center's triage, the agency's, the approver's, the marks, then
// those that concern no report.
func Commands() []Action {
	return []Action{Accept, Assign, Reject, CallFailed, Return, Resolve, Extend, Clarify, Approve, SendBack,
		ConfirmExtension, DenyExtension, Escalate, Urgent, Complex, Field, Unit, Confidential, Secret, Note, Hold, Release,
		Status, Help, Report, Codes}
}

// Usable lists the commands an operator of role (of agency, for handlers
// and leaders) can use on a report with facts f, in the order of Commands:
// those the role, the state and the agency allow, and the guards that
// depend on the report alone — an extension waiting for /confirm-extension,
// a result with text for /approve, a proposal other than the Center for a
// bare /accept. center is the Center's agency code. Without a report (an
// empty State), it lists every command of the role. A notice lists only
// these (SPEC 8.4), so that no one is told of a command that would be
// refused.
func Usable(role Role, agency string, f Facts, center string) []Action {
	var out []Action
	for _, a := range Commands() {
		// Whether the role may take a transition of a, and one from the
		// state: without one, Check refuses a whatever else holds, and is
		// not asked (its refusal would write a message that no one reads).
		// The transitions are looked at where they are, not copied.
		mine, allowed := false, false
		for _, t := range rowsOf(a) {
			if slices.Contains(t.Roles, role) {
				mine = true
				allowed = allowed || t.leaves(f.State)
			}
		}
		if f.State == "" {
			if mine {
				out = append(out, a)
			}
			continue
		}
		if !allowed {
			continue
		}
		ctx := Context{ActorAgency: agency, ReportAgency: f.Agency, CoAgencies: f.CoAgencies, Center: center, HasText: true, Files: 1,
			ResultText: f.Result != "", ExtensionRequested: f.Extension.Requested, Rated: f.Rating != "", Held: f.Held,
			ErasedAt: f.ErasedAt}
		if a == Assign || a == Field || a == Unit {
			ctx.Code = "-" // any code but the Center's
		}
		if Check(a, f.State, role, ctx) == nil {
			out = append(out, a)
		}
	}
	return out
}
