package intake

import (
	"time"

	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// automaticReplies are the kinds of mail that answer a sender's own
// unsolicited mail — the acknowledgement of a new report, the answer to a
// follow-up, the answer to a second rating — and count against
// intake.auto_replies_per_hour (SPEC 4.7). The notices that staff's actions
// cause (forwarded, rejection, result, the thanks for a rating) are owed
// whatever the sender does and are never counted.
var automaticReplies = []string{string(lifecycle.NoticeAck), string(lifecycle.NoticeAlreadyRated), kindFollowUpAnswer}

// looping reports whether addr has had perHour automatic replies in the
// hour before now: a sender caught in a loop with an autoresponder, or a
// flood, whose next automatic reply is recorded but not sent.
func looping(tx *store.Tx, addr string, now time.Time, perHour int) (bool, error) {
	n, err := tx.MailsSince(addr, automaticReplies, now.Add(-time.Hour))
	return n >= perHour, err
}
