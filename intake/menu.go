package intake

import (
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// menu says which commands a notice to staff lists (SPEC 8.4: only those
// its reader can use in the report's state): those the lifecycle allows
// the reader's role in the state, less those the configuration would make
// fail — /escalate with no escalation address, a bare /accept to an agency
// nobody would hear from.
type menu struct {
	escalation string // process.escalation_address
	staff      Staff
}

// usable names the commands an operator of role (of agency, for handlers
// and leaders) can use on a report with facts f; f with no state asks for
// every command of the role.
func (m menu) usable(role, agency string, f lifecycle.Facts, table *routing.Table) []string {
	actions := lifecycle.Usable(lifecycle.Role(role), agency, f, table.Center().Code)
	out := make([]string, 0, len(actions))
	for _, a := range actions {
		if a == lifecycle.Escalate && m.escalation == "" || a == lifecycle.Accept && !m.staff.Reachable(f.Agency, table) {
			continue
		}
		out = append(out, string(a))
	}
	return out
}

// Usable names the commands an operator can use on a report in its state,
// as every notice to them lists them (SPEC 8.4), for the notices written
// outside intake (the deadline watch's): r and ds are the report and its
// deadlines, escalation is process.escalation_address.
func Usable(op Operator, r store.Report, ds []store.Deadline, staff Staff, escalation string, table *routing.Table) []string {
	return menu{escalation: escalation, staff: staff}.usable(op.Role, op.Agency, factsOf(r, ds), table)
}
