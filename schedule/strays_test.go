package schedule

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestRetentionErasesStrays: the daily job erases, by its clock, the raw
// copies and keyed hashes of the messages that became no report —
// quarantined, junk, automatic replies — once processed longer ago than the
// retention, and keeps what the counts read; a recent one stays whole, and
// a report's own message is the report's erasure's to take.
func TestRetentionErasesStrays(t *testing.T) {
	f := newFixture(t)
	now := time.Date(2031, 12, 1, 19, 0, 0, 0, time.UTC)
	old, recent := now.AddDate(-6, 0, 0), now.AddDate(0, -1, 0)
	type stray struct {
		kind, reason, sender string
		at                   time.Time
		uid                  uint32
		ref                  string
	}
	strays := []*stray{
		{"quarantine", "malformed MIME", "an@example.com", old, 1, ""},
		{"junk", "spam: X-Spam-Flag", "spam@example.net", old, 2, ""},
		{"autoreply", "auto-submitted", "binh@example.com", old, 3, ""},
		{"quarantine", "malformed MIME", "an@example.com", recent, 4, ""},
	}
	code := ended(t, f.db, "closed", recent, false, "")
	err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		for _, s := range strays {
			ref, size, err := f.db.Blobs().Put(strings.NewReader("From: " + s.sender + "\r\n\r\nnội dung riêng tư"))
			if err != nil {
				return err
			}
			s.ref = ref
			if _, err := tx.RecordMessage(store.Message{Mailbox: "INBOX", UIDValidity: 7, UID: s.uid, MessageID: "<m" + string(rune('0'+s.uid)) + "@example.com>",
				RawKey: ref, RawSize: size, Sender: s.sender, Kind: s.kind, Reason: s.reason, ReceivedAt: s.at, ProcessedAt: s.at}); err != nil {
				return err
			}
		}
		ref, size, err := f.db.Blobs().Put(strings.NewReader("the report's raw message"))
		if err != nil {
			return err
		}
		_, err = tx.RecordMessage(store.Message{Mailbox: "INBOX", UIDValidity: 7, UID: 9, RawKey: ref, RawSize: size,
			Sender: "an@example.com", Kind: "report", ReportCode: code, ReceivedAt: old, ProcessedAt: old})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The answers to no report: a refused command's reply, long ago and lately.
	mails := map[time.Time]*store.Mail{old: nil, recent: nil}
	for at := range mails {
		err := f.db.Write(context.Background(), func(tx *store.Tx) error {
			m, err := tx.Enqueue(store.Mail{Kind: "refused", To: "an@example.com", Role: "sender", Data: []byte(`{"line":"/dong PA-2025-000001"}`)}, at)
			if err != nil {
				return err
			}
			sent, _, err := f.db.Blobs().Put(strings.NewReader("To: an@example.com\r\n\r\nlệnh không hợp lệ"))
			if err != nil {
				return err
			}
			m.SentKey = sent
			mails[at] = &m
			return tx.MailSent(m, at, sent)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	counts := func() (map[string]int, int) {
		var c map[string]int
		var spam int
		f.db.Read(context.Background(), func(tx *store.Tx) error {
			c, _ = tx.MessageCounts()
			spam, _ = tx.SpamBetween(old.Add(-time.Hour), old.Add(time.Hour))
			return nil
		})
		return c, spam
	}
	countsBefore, spamBefore := counts()

	job := &Retention{DB: f.db, Cutoff: func(now time.Time) time.Time { return now.AddDate(-5, 0, 0) },
		Check: func(store.Report, []store.Deadline) error { return nil }, Actor: "phananh", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := job.Run(context.Background(), now); err != nil {
		t.Fatal(err)
	}

	for _, s := range strays {
		var m store.Message
		var seen, recentSender int
		f.db.Read(context.Background(), func(tx *store.Tx) error {
			m, err = tx.SeenUID("INBOX", 7, s.uid)
			if _, err := tx.SeenContent("<m"+string(rune('0'+s.uid))+"@example.com>", s.ref, ""); err == nil {
				seen = 1
			}
			recentSender, _ = tx.CountRecent(store.Recent{Kind: s.kind, Reason: s.reason, Since: s.at.Add(-time.Minute), Sender: s.sender})
			return err
		})
		if err != nil || m.Kind != s.kind || m.Reason != s.reason || !m.ProcessedAt.Equal(s.at) {
			t.Errorf("%s: the row %+v, %v", s.kind, m, err)
			continue
		}
		rc, openErr := f.db.Blobs().Open(s.ref)
		if openErr == nil {
			rc.Close()
		}
		if s.at.Equal(old) {
			want := 0 // the same sender's messages since, still whole: the recent ones
			for _, o := range strays {
				if o.kind == s.kind && o.sender == s.sender && !o.at.Equal(old) {
					want++
				}
			}
			if m.RawKey != "" || openErr == nil || seen != 0 || recentSender != want {
				t.Errorf("%s of %s: raw %q, file opens %v, found by content %d, by sender %d", s.kind, s.at, m.RawKey, openErr == nil, seen, recentSender)
			}
		} else if m.RawKey != s.ref || openErr != nil || seen != 1 {
			t.Errorf("the recent %s: raw %q, file %v, found by content %d", s.kind, m.RawKey, openErr, seen)
		}
	}
	for at, sent := range mails {
		var m store.Mail
		f.db.Read(context.Background(), func(tx *store.Tx) error {
			m, err = tx.MailByID(sent.ID)
			return err
		})
		rc, openErr := f.db.Blobs().Open(sent.SentKey)
		if openErr == nil {
			rc.Close()
		}
		switch {
		case err != nil || m.Kind != "refused" || m.State != store.MailSent:
			t.Errorf("the mail of %s: %+v, %v", at, m, err)
		case at.Equal(old) && (m.To != "" || len(m.Data) != 0 || m.SentKey != "" || openErr == nil):
			t.Errorf("the old mail: to %q, data %s, sent %q, its bytes open %v", m.To, m.Data, m.SentKey, openErr == nil)
		case at.Equal(recent) && (m.To != "an@example.com" || m.SentKey != sent.SentKey || openErr != nil):
			t.Errorf("the recent mail: to %q, sent %q, %v", m.To, m.SentKey, openErr)
		}
	}
	var reportMsg store.Message
	f.db.Read(context.Background(), func(tx *store.Tx) error {
		reportMsg, err = tx.SeenUID("INBOX", 7, 9)
		return err
	})
	if err != nil || reportMsg.RawKey == "" {
		t.Errorf("the report's message: %+v, %v", reportMsg, err)
	}
	countsAfter, spamAfter := counts()
	if spamAfter != spamBefore || len(countsAfter) != len(countsBefore) {
		t.Errorf("counts %v %d, before %v %d", countsAfter, spamAfter, countsBefore, spamBefore)
	}
	for k, v := range countsBefore {
		if countsAfter[k] != v {
			t.Errorf("%s: %d messages, before %d", k, countsAfter[k], v)
		}
	}
}
