package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// BenchmarkFollowUpCapsUnderFlood measures the two counts of a follow-up's
// hourly caps (its report's, its sender's) in a store that a flood filled
// with 20,000 follow-ups in the hour, from one sender to one report, all
// but the first held: the counts read only the forwarded ones, whatever
// the flood's size.
func BenchmarkFollowUpCapsUnderFlood(b *testing.B) {
	db := storetest.Open(b)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ctx := context.Background()
	var reportID int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: now, Lang: "vi", Content: "x"})
		if err != nil {
			return err
		}
		reportID = r.ID
		for i := range 20000 {
			reason := store.ReasonFollowUpHeld
			if i < 5 {
				reason = store.ReasonFollowUp
			}
			at := now.Add(time.Duration(i) * 100 * time.Millisecond)
			_, err := tx.RecordMessage(store.Message{RawKey: fmt.Sprint("m", i), Kind: "reply", ReportCode: r.Code,
				Reason: reason, Sender: fmt.Sprintf("flood+%d@example.com", i), ReceivedAt: at, ProcessedAt: at})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	since := now.Add(30 * time.Minute).Add(-time.Hour)
	for b.Loop() {
		err := db.Read(ctx, func(tx *store.Tx) error {
			q := store.Recent{Kind: "reply", Reason: store.ReasonFollowUp, Since: since, ReportID: reportID}
			if n, err := tx.CountRecent(q); err != nil || n != 5 {
				return fmt.Errorf("report: %d, %v", n, err)
			}
			q.ReportID, q.Sender = 0, "flood@example.com"
			if n, err := tx.CountRecent(q); err != nil || n != 5 {
				return fmt.Errorf("sender: %d, %v", n, err)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
