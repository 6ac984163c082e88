package intake

import (
	"errors"
	"log/slog"

	"haugiang.gov.vn/phananh/intake/auth"
	"haugiang.gov.vn/phananh/intake/parse"
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

// authenticated says whether a citizen's mail is verifiably from its From
// address: one From, whose domain the Authentication-Results of our border
// server (authservID) authenticate as SPEC 7.3 (c) requires of a command —
// dmarc=pass, or dkim=pass aligned with the From domain, and no
// dmarc=fail. It is asked of a follow-up, and of a reply with no reply
// token, before their request for confidentiality applies, whatever
// require_authentication_results says: nothing else proves their sender.
func authenticated(m *parse.Message, authservID string) bool {
	return m.FromProblem == "" && auth.Check(m.AuthResults, m.From.Addr, authservID).Status == auth.Pass
}
