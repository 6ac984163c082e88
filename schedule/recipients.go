package schedule

import (
	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/rules/fold"
)

// An audience is the operators of one role; bound audiences are only those
// of the report's agency (handlers and leaders, SPEC 7.2).
type audience struct {
	role  string
	bound bool
}

var (
	receivers = audience{"receiver", false}
	approvers = audience{"approver", false}
	handlers  = audience{"handler", true}
	leaders   = audience{"leader", true}
)

// told says who gets the reminder and who gets the overdue alert of each
// kind of deadline: the table of Watch's documentation.
var told = map[string]struct{ reminder, overdue []audience }{
	"intake":        {[]audience{receivers}, []audience{receivers, approvers}},
	"return":        {[]audience{handlers}, nil},
	"resolve":       {[]audience{handlers}, []audience{handlers, leaders, approvers}},
	"publish":       {[]audience{approvers}, []audience{approvers}},
	"clarification": {[]audience{handlers}, []audience{handlers, leaders, approvers}},
}

// members returns the operators of an audience for a report of agency,
// nobody when the audience is bound and the report has no agency.
func (a audience) members(staff intake.Staff, agency string) []intake.Operator {
	if a.bound && agency == "" {
		return nil
	}
	var out []intake.Operator
	for _, op := range staff.WithRole(a.role) {
		if !a.bound || op.Agency == agency {
			out = append(out, op)
		}
	}
	return out
}

// addOnce appends the operators whose address is not yet in to, in ASCII
// case and with the domain in any of its forms (fold.Destination):
// someone configured under two roles gets one mail, under the first role
// met.
func addOnce(to, ops []intake.Operator) []intake.Operator {
	for _, op := range ops {
		seen := false
		for _, t := range to {
			seen = seen || fold.Destination(t.Email) == fold.Destination(op.Email)
		}
		if !seen {
			to = append(to, op)
		}
	}
	return to
}
