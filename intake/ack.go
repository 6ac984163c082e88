package intake

import (
	"encoding/json"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// acknowledge owes the citizen the acknowledgement, unless the sender is
// looping — they had their share of automatic replies this hour (replies,
// counted as looping counts them): then it is recorded as suppressed — or
// gave no address to answer.
func (rc *reception) acknowledge(tx *store.Tx, in *incoming, r store.Report, table *routing.Table, due time.Time, replies int) error {
	if r.Citizen.Email == "" {
		return nil
	}
	ack := templates.Ack{Code: r.Code, ReceivedAt: r.ReceivedAt, Urgent: r.Urgent, IntakeDue: due, Missing: r.Missing,
		Refused: refused(in.report()), Confidential: r.Confidential, DuplicateOf: r.DuplicateOf,
		Privacy: rc.privacy}
	english := r.Lang == templates.English
	if f, ok := table.Field(r.Routing.Field); ok && r.Routing.Rule != "" {
		ack.Field = f.NameFor(english)
	}
	ack.Unit = table.UnitLabel(r.Routing.Unit, r.Routing.Former, english)
	data, err := json.Marshal(ack)
	if err != nil {
		return err
	}
	mail := store.Mail{ReportID: r.ID, ReportCode: r.Code, Kind: "ack", To: r.Citizen.Email, Role: "citizen", Lang: r.Lang,
		ReplyTo:   rc.addrs.citizen(r, in.now),
		InReplyTo: in.report().MessageID, References: in.report().References, Data: data}
	if replies >= rc.repliesPerHour {
		mail.State = store.MailSuppressed
		rc.log.Warn("automatic reply limit reached: acknowledgement recorded, not sent", "report", r.Code)
	}
	_, err = tx.Enqueue(mail, in.now)
	return err
}
