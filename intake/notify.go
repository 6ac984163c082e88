package intake

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// A recipient is one address a notice goes to.
type recipient struct {
	email, role string
	staff       bool // an operator, who gets a reply token
}

// recipients returns who gets a notice, each address once. Notices to the
// actor are left to the answer (see answer).
func (p *Pipeline) recipients(s *snapshot, n lifecycle.Notice) []recipient {
	var ops []Operator
	switch n.To {
	case lifecycle.ToCitizen:
		if s.r.Citizen.Email == "" {
			return nil
		}
		return []recipient{{email: s.r.Citizen.Email, role: "citizen"}}
	case lifecycle.ToEscalation:
		if p.EscalationAddress == "" {
			p.Log.Warn("no escalation address configured: the escalation notice is not sent", "report", s.r.Code)
			return nil
		}
		return []recipient{{email: p.EscalationAddress, role: "escalation"}}
	case lifecycle.ToReceivers, lifecycle.ToApprovers:
		ops = p.Staff.WithRole(string(n.To))
	case lifecycle.ToHandlers:
		ops = p.Staff.Handlers(n.Agency)
	default:
		return nil
	}
	if len(ops) == 0 {
		p.Log.Warn("no operator configured for a notice", "report", s.r.Code, "notice", n.Kind, "to", n.To, "agency", n.Agency)
	}
	var out []recipient
	for _, op := range ops {
		if !slices.ContainsFunc(out, func(r recipient) bool { return strings.EqualFold(r.email, op.Email) }) {
			out = append(out, recipient{email: op.Email, role: op.Role, staff: true})
		}
	}
	return out
}

// owe writes the mail a step owes, one per recipient of each notice. A
// report made urgent in the reply that forwards it (forwarded) gets no
// separate "urgent" notice: the assignment already says so.
func (p *Pipeline) owe(tx *store.Tx, in *incoming, s *snapshot, st step, forwarded bool) error {
	for _, n := range st.change.Notices {
		if n.Kind == lifecycle.NoticeUrgent && forwarded {
			continue
		}
		for _, rc := range p.recipients(s, n) {
			data, files := p.noticeData(s, st, n.Kind, rc)
			if err := p.enqueue(tx, in, s, string(n.Kind), rc, data, files); err != nil {
				return err
			}
		}
	}
	return nil
}

// enqueue writes one notice to the outbox: in the citizen's language to
// the citizen, with the citizen's reply token; in Vietnamese to staff,
// with the operator's reply token; continuing the thread the recipient
// already has about the report.
func (p *Pipeline) enqueue(tx *store.Tx, in *incoming, s *snapshot, kind string, rc recipient, data any, files []store.MailFile) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	m := store.Mail{ReportID: s.r.ID, ReportCode: s.r.Code, Kind: kind, To: rc.email, Role: rc.role, Lang: templates.Vietnamese,
		References: s.thread(rc.email), Data: b, Attachments: files}
	switch {
	case rc.role == "citizen":
		m.Lang = s.r.Lang
		m.ReplyTo = p.citizenReplyTo(s.r, in.now)
	case rc.staff:
		m.ReplyTo = token.Address(p.Address, p.Tokens.Mint(s.r.ID, token.Operator, rc.email, in.now))
	}
	_, err = tx.Enqueue(m, in.now)
	return err
}

// citizenReplyTo is the reply address of a report's citizen: every mail to
// them carries it (SPEC 7.4).
func (p *Pipeline) citizenReplyTo(r store.Report, now time.Time) string {
	return token.Address(p.Address, p.Tokens.Mint(r.ID, token.Citizen, r.Citizen.Email, now))
}

// noticeData is the template data of a notice to one recipient, and the
// files the mail carries.
func (p *Pipeline) noticeData(s *snapshot, st step, kind lifecycle.NoticeKind, rc recipient) (any, []store.MailFile) {
	switch kind {
	case lifecycle.NoticeResult:
		return s.resultNotice()
	case lifecycle.NoticeForwarded, lifecycle.NoticeRejection, lifecycle.NoticeRejectionUnreachable, lifecycle.NoticeExtended,
		lifecycle.NoticeClarification, lifecycle.NoticeThanks, lifecycle.NoticeAlreadyRated:
		return s.citizenNotice(st), nil
	}
	n := templates.Notice{Case: s.staffCase(rc.role), Role: rc.role, ByRole: string(st.role), ByName: st.op.Name,
		Text: st.text, Days: st.days}
	var files []store.MailFile
	switch kind {
	case lifecycle.NoticeAssignment:
		files, _ = mailFiles(s.files)
	case lifecycle.NoticeReview:
		files, _ = mailFiles(s.result)
	case lifecycle.NoticeCitizenReply, lifecycle.NoticeCitizenNote:
		n.ReplyFiles = listFiles(st.replyFiles)
		files, _ = mailFiles(st.replyFiles)
	case lifecycle.NoticeReturned:
		n.Late = slices.ContainsFunc(st.change.Close, func(c lifecycle.Closure) bool {
			return c.Kind == deadline.KindReturn && c.Outcome == deadline.Late
		})
	case lifecycle.NoticeExtensionConfirmed, lifecycle.NoticeExtensionRequest:
		n.Days = st.change.Facts.Extension.Days
	}
	n.Attached = len(files) > 0
	return n, files
}
