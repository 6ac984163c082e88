package intake

import (
	"time"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
)

// replyAddrs mints and checks the reply addresses of our mail: our mailbox
// with a +token that binds a report, an audience and the address the mail
// went to (SPEC 7.3, 7.4).
type replyAddrs struct {
	mailbox string // our own address, Pipeline.Address
	keys    *token.Keys
}

// operator is the reply address an operator gets for a report.
func (a replyAddrs) operator(reportID int64, email string, now time.Time) string {
	return token.Address(a.mailbox, a.keys.Mint(reportID, token.Operator, email, now))
}

// citizen is the reply address of a report's citizen: every mail to them
// carries it (SPEC 7.4).
func (a replyAddrs) citizen(r store.Report, now time.Time) string {
	return token.Address(a.mailbox, a.keys.Mint(r.ID, token.Citizen, r.Citizen.Email, now))
}

// carries reports whether the message was addressed to a reply address
// carrying a valid token of the audience for the report, bound to the From
// address.
func (a replyAddrs) carries(in *incoming, aud token.Audience, reportID int64) bool {
	for _, addr := range recipientAddrs(in.msg) {
		tok := token.FromAddress(a.mailbox, addr)
		if tok == "" {
			continue
		}
		if id, err := a.keys.Check(tok, aud, in.msg.From.Addr, in.now); err == nil && id == reportID {
			return true
		}
	}
	return false
}

// anyToken reports whether a message was addressed to any reply address
// of ours, valid for its sender or not: it answers our mail.
func (a replyAddrs) anyToken(m *parse.Message) bool {
	for _, addr := range recipientAddrs(m) {
		if token.FromAddress(a.mailbox, addr) != "" {
			return true
		}
	}
	return false
}

// recipientAddrs are the addresses a message was sent to: To, Cc and the
// Delivered-To headers the server adds.
func recipientAddrs(m *parse.Message) []string {
	var out []string
	for _, a := range append(append([]parse.Address{}, m.To...), m.Cc...) {
		out = append(out, a.Addr)
	}
	return append(out, m.DeliveredTo...)
}
