package intake

import (
	"crypto/sha256"
	"encoding/hex"

	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/routing"
)

// Operator is a member of staff who acts by mail ([[operators]], SPEC 7.2).
type Operator struct {
	Email  string
	Name   string
	Role   string // receiver, approver, handler, leader, admin
	Agency string // for handlers and leaders
}

// Staff is every configured operator.
type Staff []Operator

// WithRole returns the operators with a role.
func (s Staff) WithRole(role string) []Operator {
	var out []Operator
	for _, op := range s {
		if op.Role == role {
			out = append(out, op)
		}
	}
	return out
}

// Roles returns the entries of the operator with the address addr, in the
// order of the configuration: one address may hold several roles.
func (s Staff) Roles(addr string) []Operator {
	var out []Operator
	for _, op := range s {
		if sameAddress(op.Email, addr) {
			out = append(out, op)
		}
	}
	return out
}

// Handlers returns who gets the mail for an agency's handlers: its
// handlers, or its leaders when it has no handler configured, so that no
// assignment is lost to a gap in the configuration (`phananh operators`
// reports the gap).
func (s Staff) Handlers(agency string) []Operator {
	for _, role := range []string{"handler", "leader"} {
		var out []Operator
		for _, op := range s.WithRole(role) {
			if op.Agency == agency {
				out = append(out, op)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// Is reports whether addr is an operator's address.
func (s Staff) Is(addr string) bool { return len(s.Roles(addr)) > 0 }

// sameAddress reports whether two addresses are the same mailbox, compared
// without ASCII case and nothing more (fold.Address): every match of a
// sender — an operator, a report's citizen, the recipient of a mail we
// sent, a forwarding address — goes through it (SPEC 7.3). An empty
// address is nobody's.
func sameAddress(a, b string) bool {
	a = fold.Address(a)
	return a != "" && a == fold.Address(b)
}

// logName names an operator in the log: by the configured name, else by a
// short id derived from the address, never by the address (SPEC 10.2).
func (op Operator) logName() string {
	if op.Name != "" {
		return op.Name
	}
	sum := sha256.Sum256([]byte(fold.Address(op.Email)))
	return "operator-" + hex.EncodeToString(sum[:4])
}

// Mailbox returns the official mailbox of an agency that has no handler
// configured — SPEC 6.1: it receives the agency's notices then (its
// leaders, who may act as its handlers do, get them too) — or "" when the
// agency has a handler, or the routing table gives it no mailbox.
func (s Staff) Mailbox(agency string, table *routing.Table) string {
	for _, op := range s.WithRole("handler") {
		if op.Agency == agency {
			return ""
		}
	}
	a, ok := table.RecordedAgency(agency)
	if !ok {
		return ""
	}
	return a.Email
}

// Reachable reports whether anyone gets an agency's notices: a handler or
// a leader of it, or its official mailbox. An agency nobody would hear
// from is refused as a target (/accept, /assign, automatic forwarding).
func (s Staff) Reachable(agency string, table *routing.Table) bool {
	return len(s.Handlers(agency)) > 0 || s.Mailbox(agency, table) != ""
}

// Unreachable lists the agencies of the table, the Center apart, that
// nobody would hear from (see Reachable): `serve` and `phananh operators`
// warn of each.
func (s Staff) Unreachable(table *routing.Table) []routing.Agency {
	var out []routing.Agency
	for _, a := range table.Agencies() {
		if a.Code != table.Center().Code && !s.Reachable(a.Code, table) {
			out = append(out, a)
		}
	}
	return out
}
