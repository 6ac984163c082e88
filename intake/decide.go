package intake

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// decide says what a parsed message is and makes the changes it calls for.
func (p *Pipeline) decide(tx *store.Tx, in *incoming) (Outcome, error) {
	m := in.msg
	prev, err := tx.SeenContent(m.MessageID, in.raw.key)
	switch {
	case err == nil:
		return withState(tx, Outcome{Kind: KindDuplicate, Code: prev.ReportCode, Reason: "the same message was processed before"})
	case !errors.Is(err, store.ErrNotFound):
		return Outcome{}, err
	}
	if isBounce(m) {
		return p.bounce(tx, in)
	}
	if sameMailbox(p.Address, m.From.Addr) {
		return Outcome{Kind: KindJunk, Reason: "sent from our own address"}, nil
	}
	if in.forwarded = p.forwardedReport(m); in.forwarded != nil {
		return p.newReport(tx, in)
	}
	code, err := p.thread(tx, in)
	if err != nil {
		return Outcome{}, err
	}
	if reason := automatic(m); reason != "" {
		return withState(tx, Outcome{Kind: KindAutoreply, Code: code, Reason: reason})
	}
	if p.Staff.Is(m.From.Addr) && (code != "" || hasCommands(m)) {
		return p.command(tx, in, code)
	}
	if code != "" {
		return p.citizenReply(tx, in, code)
	}
	if strings.TrimSpace(m.Text) == "" && len(keptAttachments(m)) == 0 {
		return Outcome{Kind: KindJunk, Reason: "no text and no attachment"}, nil
	}
	return p.newReport(tx, in)
}

// forwardedReport returns the citizen's message that a configured
// forwarding address (a hotline, a partner system) forwarded, as a message
// of its original sender with the forwarder's attachments added, or nil
// (SPEC 4.3).
func (p *Pipeline) forwardedReport(m *parse.Message) *parse.Message {
	if m.Forwarded == nil || m.Forwarded.From.Addr == "" || !slices.ContainsFunc(p.Forwarders, func(a string) bool {
		return strings.EqualFold(a, m.From.Addr)
	}) {
		return nil
	}
	f := *m.Forwarded
	f.Attachments = append(slices.Clone(f.Attachments), m.Attachments...)
	return &f
}

// quarantine returns the decision for a message that cannot be processed:
// recorded with its reason, and the receivers told where it was put.
func (p *Pipeline) quarantine(in *incoming, reason string) func(*store.Tx, *incoming) (Outcome, error) {
	return func(tx *store.Tx, in *incoming) (Outcome, error) {
		data, err := json.Marshal(templates.Quarantine{
			ReceivedAt: in.src.ReceivedAt, Reason: reason, Folder: p.QuarantineFolder, Size: in.raw.size,
		})
		if err != nil {
			return Outcome{}, err
		}
		for _, op := range p.Staff.WithRole("receiver") {
			if _, err := tx.Enqueue(store.Mail{Kind: "quarantine", To: op.Email, Role: op.Role, Data: data}, in.now); err != nil {
				return Outcome{}, err
			}
		}
		return Outcome{Kind: KindQuarantine, Reason: reason}, nil
	}
}

// bounce records a delivery failure report and links it to the report
// whose mail failed, found by the returned Message-ID. When the mail that
// failed for good was the citizen's, the report is marked undeliverable and
// the receivers are told, so that they call the citizen (SPEC 4.8).
func (p *Pipeline) bounce(tx *store.Tx, in *incoming) (Outcome, error) {
	out := Outcome{Kind: KindBounce, Reason: "delivery status notification"}
	dsn := in.msg.DSN
	if dsn.OriginalMessageID == "" {
		return out, nil
	}
	mail, err := tx.MailByMessageID(dsn.OriginalMessageID)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.Code = mail.ReportCode
	if status := failedStatus(dsn, mail.To); status != "" && mail.Role == "citizen" && mail.ReportID != 0 {
		out.Reason = "mail to the citizen failed: " + status
		if err := p.citizenUnreachable(tx, in, mail, status); err != nil {
			return out, err
		}
	}
	return withState(tx, out)
}

// failedStatus returns the status code of a permanent failure of addr in a
// DSN ("5.1.1"), or "" when the DSN reports none (a delay, say). A DSN that
// names no recipient counts as a failure of the one the mail was sent to.
func failedStatus(dsn *parse.DSN, addr string) string {
	if len(dsn.Recipients) == 0 {
		return "5.0.0"
	}
	for _, r := range dsn.Recipients {
		if strings.EqualFold(r.Action, "failed") && (r.Addr == "" || strings.EqualFold(r.Addr, addr) || len(dsn.Recipients) == 1) {
			if r.Status == "" {
				return "5.0.0"
			}
			return r.Status
		}
	}
	return ""
}

func (p *Pipeline) citizenUnreachable(tx *store.Tx, in *incoming, failed store.Mail, status string) error {
	r, err := tx.ReportByID(failed.ReportID)
	if err != nil {
		return err
	}
	if err := tx.SetUndeliverable(r.ID, in.now); err != nil {
		return err
	}
	in.after = append(in.after, func(tx *store.Tx, msgID int64) error {
		return tx.AppendEvent(r.ID, store.Event{At: in.now, Actor: "system", Command: "bounce", MessageID: msgID,
			From: r.State, To: r.State, Detail: map[string]string{"status": status, "mail": failed.Kind}})
	})
	data, err := json.Marshal(templates.Bounce{Code: r.Code, Kind: failed.Kind, Status: status, SentAt: failed.CreatedAt, Phone: r.Citizen.Phone != ""})
	if err != nil {
		return err
	}
	for _, op := range p.Staff.WithRole("receiver") {
		if _, err := tx.Enqueue(store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "bounce", To: op.Email, Role: op.Role,
			ReplyTo: token.Address(p.Address, p.Tokens.Mint(r.ID, token.Operator, op.Email, in.now)), Data: data}, in.now); err != nil {
			return err
		}
	}
	return nil
}
