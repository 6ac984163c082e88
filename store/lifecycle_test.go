package store

import (
	"context"
	"testing"
	"time"
)

// TestUpdateReportRoundTrip writes what the lifecycle changes and reads it
// back, the result text sealed like every text.
func TestUpdateReportRoundTrip(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	var want Report
	err := db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(sample(at.Add(-24 * time.Hour)))
		if err != nil {
			return err
		}
		msg, err := tx.RecordMessage(Message{RawKey: "k", Kind: "command", ReportCode: r.Code, ReceivedAt: at, ProcessedAt: at})
		if err != nil {
			return err
		}
		r.State, r.Routing.Agency, r.Urgent, r.Complex, r.Confidential = "resolved", "so-gtvt", true, true, true
		r.Routing.Unit, r.Routing.Former, r.Routing.Edition = "xa-hoa-luu", "xa-hoa-tien", "2025"
		r.CallFailures, r.Rating, r.Result, r.ResultMessageID = 2, "hai-long", "Đã vá ổ gà.", msg
		r.ResolvedAt, r.PublishedAt, r.RatedAt = at, at.Add(time.Hour), at.Add(2*time.Hour)
		r.Extension = Extension{Requested: true, Days: 5, Confirmed: true}
		want = r
		return tx.UpdateReport(r, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got Report
	db.Read(ctx, func(tx *Tx) error { got, err = tx.Report(want.Code); return err })
	if err != nil {
		t.Fatal(err)
	}
	if got.State != want.State || got.Routing != want.Routing || got.Result != want.Result || got.ResultMessageID != want.ResultMessageID ||
		got.Extension != want.Extension || !got.ResolvedAt.Equal(at) || !got.RatedAt.Equal(want.RatedAt) ||
		!got.PublishedAt.Equal(want.PublishedAt) || got.Rating != want.Rating || got.CallFailures != 2 ||
		!got.Urgent || !got.Complex || !got.Confidential || !got.UpdatedAt.Equal(at) {
		t.Errorf("read back %+v\nwant %+v", got, want)
	}
	if got.Citizen != want.Citizen {
		t.Error("UpdateReport changed what the citizen sent")
	}
}

// TestMailAttachmentsAndCounts keeps a mail's files with it, sealed, and
// counts mails of some kinds to an address.
func TestMailAttachmentsAndCounts(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	files := []MailFile{{BlobKey: "abc", Name: "ảnh hiện trường.jpg", Type: "image/jpeg"}}
	var id string
	err := db.Write(ctx, func(tx *Tx) error {
		m, err := tx.Enqueue(Mail{Kind: "result", To: "an@example.com", Role: "citizen", Data: []byte(`{}`), Attachments: files}, now)
		id = m.MessageID
		for _, k := range []string{"refused", "unauthenticated", "confirmation"} {
			if _, err := tx.Enqueue(Mail{Kind: k, To: "Op@Example.gov.vn", Role: "receiver", Data: []byte(`{}`)}, now); err != nil {
				return err
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Read(ctx, func(tx *Tx) error {
		m, err := tx.MailByMessageID(id)
		if err != nil || len(m.Attachments) != 1 || m.Attachments[0] != files[0] {
			t.Errorf("attachments read back %+v, %v", m.Attachments, err)
		}
		n, err := tx.MailsSince("op@example.gov.vn", []string{"refused", "unauthenticated"}, now.Add(-time.Hour))
		if err != nil || n != 2 {
			t.Errorf("MailsSince: %d, %v; want 2", n, err)
		}
		if n, _ := tx.MailsSince("op@example.gov.vn", []string{"refused"}, now.Add(time.Second)); n != 0 {
			t.Errorf("MailsSince after the mails: %d", n)
		}
		return nil
	})
}

// TestReopenedDeadlineSupersedesTheClosedOne: a resolve deadline closed by
// /resolve and opened again by /sendback counts once, as the new row.
func TestReopenedDeadlineSupersedesTheClosedOne(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	r, old := openDeadline(t, db, "resolve", watchSoon, watchDue)
	ctx := context.Background()
	err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.MarkReminded(old, watchSoon); err != nil {
			return err
		}
		if err := tx.CloseDeadline(r.ID, "resolve", "met", watchSoon); err != nil {
			return err
		}
		id, err := tx.SetDeadline(r.ID, Deadline{Kind: "resolve", Start: watchStart, Due: watchDue, SoonAt: watchSoon})
		if err != nil {
			return err
		}
		if err := tx.MarkReminded(id, watchSoon); err != nil {
			return err
		}
		return tx.SupersedeDeadline(old)
	})
	if err != nil {
		t.Fatal(err)
	}
	if remind, alert := due(t, db, watchSoon.Add(time.Minute)); len(remind)+len(alert) != 0 {
		t.Errorf("reopened deadline owes a second reminder: %v %v", remind, alert)
	}
	db.Read(ctx, func(tx *Tx) error {
		ds, _ := tx.Deadlines(r.ID)
		if len(ds) != 1 || ds[0].State != "open" || ds[0].ID == old {
			t.Errorf("deadlines %+v, want the reopened one alone", ds)
		}
		var state string
		tx.queryRow(`SELECT state FROM deadlines WHERE id = ?`, old).Scan(&state)
		if state != "superseded" {
			t.Errorf("the closed deadline is %q, want superseded", state)
		}
		return nil
	})
}
