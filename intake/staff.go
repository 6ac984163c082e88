package intake

import "strings"

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

// Is reports whether addr is an operator's address.
func (s Staff) Is(addr string) bool {
	for _, op := range s {
		if strings.EqualFold(op.Email, addr) {
			return true
		}
	}
	return false
}
