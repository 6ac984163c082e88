package intake

import (
	"encoding/json"
	"log/slog"
	"slices"

	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// notifier writes the notices a report's changes owe (SPEC 8): it reads
// the report as the notices show it (a snapshot), chooses each notice's
// recipients, builds the template data and enqueues one mail per
// recipient, each on its thread and with its reply address.
type notifier struct {
	menu       menu
	staff      Staff
	escalation string // process.escalation_address
	// callAttempts is process.call_attempts: the failed verification
	// call that rejects a report (0: lifecycle.DefaultCallAttempts).
	callAttempts int
	routing      func() *routing.Table
	addrs        replyAddrs
	log          *slog.Logger
}

// RoleMailbox is the outbox role of mail to an agency's official mailbox
// (SPEC 6.1): no operator, so no reply address and no commands.
const RoleMailbox = "mailbox"

// A recipient is one address a notice goes to.
type recipient struct {
	email, role string
	agency      string // a handler's or leader's agency
	staff       bool   // an operator, who gets a reply token
}

// recipients returns who gets a notice, each address once: the agency's
// notices go to its handlers, else to its leaders and its official mailbox
// (SPEC 6.1). Notices to the actor are left to the answer (see
// answers.applied).
func (nf *notifier) recipients(s *snapshot, n lifecycle.Notice) []recipient {
	var ops []Operator
	switch n.To {
	case lifecycle.ToCitizen:
		if s.r.Citizen.Email == "" {
			return nil
		}
		return []recipient{{email: s.r.Citizen.Email, role: "citizen"}}
	case lifecycle.ToEscalation:
		if nf.escalation == "" {
			nf.log.Warn("no escalation address configured: the escalation notice is not sent", "report", s.r.Code)
			return nil
		}
		return []recipient{{email: nf.escalation, role: "escalation"}}
	case lifecycle.ToReceivers, lifecycle.ToApprovers:
		ops = nf.staff.WithRole(string(n.To))
	case lifecycle.ToHandlers:
		ops = nf.staff.Handlers(n.Agency)
	default:
		return nil
	}
	var out []recipient
	for _, op := range ops {
		if !slices.ContainsFunc(out, func(r recipient) bool { return sameAddress(r.email, op.Email) }) {
			out = append(out, recipient{email: op.Email, role: op.Role, agency: op.Agency, staff: true})
		}
	}
	// An agency without a handler: its official mailbox too (SPEC 6.1).
	if box := ""; n.To == lifecycle.ToHandlers {
		if box = nf.staff.Mailbox(n.Agency, s.table); box != "" && !slices.ContainsFunc(out, func(r recipient) bool { return sameAddress(r.email, box) }) {
			out = append(out, recipient{email: box, role: RoleMailbox, agency: n.Agency})
		}
	}
	if len(out) == 0 {
		nf.log.Warn("nobody configured for a notice", "report", s.r.Code, "notice", n.Kind, "to", n.To, "agency", n.Agency)
	}
	return out
}

// owe writes the mail a step owes, one per recipient of each notice. A
// report made urgent in the reply that forwards it (forwarded) gets no
// separate "urgent" notice: the assignment already says so.
func (nf *notifier) owe(tx *store.Tx, in *incoming, s *snapshot, st step, forwarded bool) error {
	for _, n := range st.change.Notices {
		if n.Kind == lifecycle.NoticeUrgent && forwarded {
			continue
		}
		if n.Kind == lifecycle.NoticeResult && s.r.Secret {
			n.Kind = lifecycle.NoticeSecretResult // a /secret after /approve in the same mail
		}
		for _, rc := range nf.recipients(s, n) {
			data, files := noticeData(s, st, n.Kind, rc)
			if notice, ok := data.(templates.Notice); ok && rc.staff {
				notice.Usable = nf.menu.usable(rc.role, rc.agency, s.facts(), s.table)
				data = notice
			}
			if err := nf.enqueue(tx, in, s, string(n.Kind), rc, data, files); err != nil {
				return err
			}
		}
	}
	return nil
}

// enqueue writes one notice to the outbox: in the citizen's language to
// the citizen, with the citizen's reply token; in Vietnamese to staff,
// with the operator's reply token; continuing the conversation the
// recipient already has about the report (thread.Notice for staff).
func (nf *notifier) enqueue(tx *store.Tx, in *incoming, s *snapshot, kind string, rc recipient, data any, files []store.MailFile) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: s.r.ID, ReportCode: s.r.Code, Kind: kind, To: rc.email, Role: rc.role, Lang: templates.Vietnamese,
		Data: b, Attachments: files}
	if rc.role == "citizen" {
		m.Lang = s.r.Lang
		m.ReplyTo = nf.addrs.citizen(s.r, in.now)
		m.InReplyTo, m.References = s.citizenThread()
	} else {
		thread.Notice(s.mail, rc.email, in.now).Set(&m)
	}
	if rc.staff {
		m.ReplyTo = nf.addrs.operator(s.r.ID, rc.email, in.now)
	}
	m, err = tx.Enqueue(m, in.now)
	if err == nil {
		s.mail = append(s.mail, m) // a later notice of the step continues it
	}
	return err
}
