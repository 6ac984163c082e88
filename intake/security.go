package intake

import (
	"errors"
	"log/slog"

	"haugiang.gov.vn/phananh/store"
)

// refersToMail reports whether In-Reply-To or References names a mail we
// sent to the From address about the report, of a recipient role that ok
// accepts.
func refersToMail(tx *store.Tx, in *incoming, reportID int64, ok func(store.Mail) bool) (bool, error) {
	m := in.msg
	for _, id := range append(append([]string{}, m.InReplyTo...), m.References...) {
		sent, err := tx.MailByMessageID(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if sent.ReportID == reportID && sameAddress(sent.To, m.From.Addr) && ok(sent) {
			return true, nil
		}
	}
	return false, nil
}

// securityEvent logs a security event (SPEC 7.3): what happened and why,
// the operator the mail claimed to be — by configured name or short id,
// never by address — and the report code; nothing else of the mail.
func securityEvent(log *slog.Logger, event, reason string, op Operator, code string) {
	name := ""
	if op.Email != "" {
		name = op.logName()
	}
	log.Warn("security event", "event", event, "reason", reason, "operator", name, "report", code)
}
