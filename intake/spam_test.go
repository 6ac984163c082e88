package intake

import (
	"context"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// ourBorder is the Authentication-Results header our border server adds to
// every message it accepts (the fixture's trusted authserv-id).
const ourBorder = "Authentication-Results: mail.haugiang.gov.vn; spf=pass smtp.mailfrom=example.net; dkim=none"

// TestSpamMarkedByOurBorder: a message our border's spam filter marked is
// junk — quarantined, unanswered, nobody told one by one — when it passed
// our border; a mark the message brought with it is not ours and counts
// for nothing (SPEC 4.2).
func TestSpamMarkedByOurBorder(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers []string
		kind    string
	}{
		{"SpamAssassin", []string{ourBorder, "X-Spam-Flag: YES"}, KindJunk},
		{"rspamd", []string{ourBorder, "X-Spam: Yes"}, KindJunk},
		{"configured mark", []string{ourBorder, "X-Barracuda-Spam-Status: Yes, score=9.1"}, KindJunk},
		{"not spam", []string{ourBorder, "X-Spam-Flag: NO", "X-Spam: No"}, KindReport},
		{"a mark from elsewhere", []string{"X-Spam-Flag: YES"}, KindReport},
		{"another server's results", []string{"Authentication-Results: mx.example.net; spf=pass", "X-Spam-Flag: YES"}, KindReport},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.p.TrustedAuthservID = "mail.haugiang.gov.vn"
			f.p.SpamMarks = append(defaultSpamMarks(), SpamMark{Header: "X-Barracuda-Spam-Status", Value: "Yes"})
			h := append([]string{"From: Khuyến mãi <deal@promo.example>", "To: phananh@haugiang.gov.vn",
				"Subject: " + encodeSubject("Vay tiền nhanh trong ngày, huyện Vị Thủy"), "Message-ID: <spam@promo.example>"}, c.headers...)
			out := f.process(t, eml(h, "Gọi ngay 0912 345 678 để nhận khoản vay.\n"))
			if out.Kind != c.kind {
				t.Fatalf("%+v, want %s", out, c.kind)
			}
			if c.kind == KindJunk {
				if !out.Quarantined() || out.Reason == "" {
					t.Errorf("%+v: not quarantined with its reason", out)
				}
				f.assertNoMail(t)
			}
		})
	}
}

// TestSpamMarkOnAReply: a reply to our mail, with its reply token, is not
// taken for spam: the token proves it answers us.
func TestSpamMarkOnAReply(t *testing.T) {
	w := newWalker(t)
	w.p.SpamMarks = defaultSpamMarks()
	w.ingest(outage)
	if out := w.reply(citizen, "Số nhà tôi là 12.", ourBorder, "X-Spam-Flag: YES"); out.Kind != KindReply {
		t.Errorf("%+v, want the citizen's reply", out)
	}
}

// TestSpamCounted: spam is counted by the store for the daily digest.
func TestSpamCounted(t *testing.T) {
	f := newFixture(t)
	f.p.TrustedAuthservID = "mail.haugiang.gov.vn"
	f.p.SpamMarks = defaultSpamMarks()
	for _, id := range []string{"s1@x", "s2@x"} {
		f.process(t, eml([]string{"From: deal@promo.example", "Subject: Vay tiền", "Message-ID: <" + id + ">", ourBorder, "X-Spam: yes"}, "Vay nhanh.\n"))
	}
	var n int
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.SpamBetween(received.Add(-time.Hour), received.Add(time.Hour))
		return err
	})
	if n != 2 {
		t.Errorf("%d spam counted, want 2", n)
	}
}

// defaultSpamMarks are the marks of SpamAssassin and rspamd, as the
// configuration's default spam_marks gives them.
func defaultSpamMarks() []SpamMark {
	return []SpamMark{{"X-Spam-Flag", "YES"}, {"X-Spam", "Yes"}}
}
