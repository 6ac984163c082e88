package intake

import (
	"encoding/json"
	"errors"
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/mailer/thread"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// bounces handles the delivery failure reports (DSNs) of our own mail:
// each is linked to the report whose mail failed and, when that mail was
// the citizen's, the report is marked undeliverable and the receivers are
// told.
type bounces struct {
	staff Staff
	addrs replyAddrs
}

// handle records a delivery failure report and links it to the report
// whose mail failed, found by the returned Message-ID. When the mail that
// failed for good was the citizen's, the report is marked undeliverable and
// the receivers are told, so that they call the citizen (SPEC 4.8).
func (b *bounces) handle(tx *store.Tx, in *incoming) (Outcome, error) {
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
		if err := b.citizenUnreachable(tx, in, mail, status); err != nil {
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
		if strings.EqualFold(r.Action, "failed") && (r.Addr == "" || sameAddress(r.Addr, addr) || len(dsn.Recipients) == 1) {
			if r.Status == "" {
				return "5.0.0"
			}
			return headerToken(r.Status)
		}
	}
	return ""
}

// citizenUnreachable marks the report undeliverable, with an event, and
// tells each receiver, who may call the citizen.
func (b *bounces) citizenUnreachable(tx *store.Tx, in *incoming, failed store.Mail, status string) error {
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
	prior, err := tx.ReportMail(r.ID)
	if err != nil {
		return err
	}
	for _, op := range b.staff.WithRole("receiver") {
		m := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "bounce", To: op.Email, Role: op.Role,
			ReplyTo: b.addrs.operator(r.ID, op.Email, in.now), Data: data}
		thread.Notice(prior, op.Email, in.now).Set(&m)
		if _, err := tx.Enqueue(m, in.now); err != nil {
			return err
		}
	}
	return nil
}
