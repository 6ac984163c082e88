package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestSeenUIDs: the messages recorded for a mailbox's UIDs, many at once,
// are those SeenUID finds one by one: only the mailbox and UIDVALIDITY
// asked, none for a UID not recorded, a message without a report too.
func TestSeenUIDs(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 1, 10, 0, 0, time.UTC)
	var code string
	err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(at))
		if err != nil {
			return err
		}
		code = r.Code
		for _, m := range []Message{
			{Mailbox: "INBOX", UIDValidity: 7, UID: 1, Kind: "report", ReportCode: r.Code},
			{Mailbox: "INBOX", UIDValidity: 7, UID: 3, Kind: "junk", Reason: "spam: X-Spam-Flag"},
			{Mailbox: "INBOX", UIDValidity: 7, UID: 4000, Kind: "reply", ReportCode: r.Code},
			{Mailbox: "INBOX", UIDValidity: 8, UID: 2, Kind: "report", ReportCode: r.Code},
			{Mailbox: "Other", UIDValidity: 7, UID: 2, Kind: "report", ReportCode: r.Code},
			{Kind: "report", ReportCode: r.Code}, // a file
		} {
			m.RawKey, m.ReceivedAt, m.ProcessedAt = fmt.Sprint("k", m.Mailbox, m.UIDValidity, m.UID), at, at
			if _, err := tx.RecordMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]uint32, 3000)
	for i := range many {
		many[i] = uint32(i + 1)
	}
	tests := []struct {
		mailbox string
		uidv    uint32
		uids    []uint32
		want    map[uint32]string // the kind and the report of each found
	}{
		{"INBOX", 7, []uint32{1, 2, 3, 5}, map[uint32]string{1: "report " + code, 3: "junk "}},
		{"INBOX", 7, many, map[uint32]string{1: "report " + code, 3: "junk "}},
		{"INBOX", 7, []uint32{4000, 4000, 1}, map[uint32]string{1: "report " + code, 4000: "reply " + code}},
		{"INBOX", 8, []uint32{1, 2, 3}, map[uint32]string{2: "report " + code}},
		{"Other", 7, []uint32{2}, map[uint32]string{2: "report " + code}},
		{"INBOX", 9, []uint32{1, 2, 3}, map[uint32]string{}},
		{"INBOX", 7, nil, map[uint32]string{}},
	}
	for _, tt := range tests {
		err := db.Read(ctx, func(tx *Tx) error {
			seen, err := tx.SeenUIDs(tt.mailbox, tt.uidv, tt.uids)
			if err != nil {
				return err
			}
			got := map[uint32]string{}
			for uid, m := range seen {
				got[uid] = m.Kind + " " + m.ReportCode
				one, err := tx.SeenUID(tt.mailbox, tt.uidv, uid)
				if err != nil || fmt.Sprint(one) != fmt.Sprint(m) || m.UID != uid {
					t.Errorf("%s %d: UID %d found as %+v, alone as %+v (%v)", tt.mailbox, tt.uidv, uid, m, one, err)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%s %d %d UIDs: found %v, want %v", tt.mailbox, tt.uidv, len(tt.uids), got, tt.want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
