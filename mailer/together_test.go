package mailer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// togetherPlan is a batch's outcomes, by the place of their mail in the
// outbox: accepted, retried or failed.
var togetherPlan = []struct {
	mail int
	kind string
}{
	{0, "sent"}, {2, "retry"}, {1, "sent"}, {8, "sent"}, {3, "sent"}, {4, "failed"},
	{5, "sent"}, {9, "retry"}, {6, "sent"}, {7, "sent"}, {10, "sent"},
}

// togetherStore makes a store holding four reports' two mails each and
// three mails about no report, and returns its worker and the outcomes of
// togetherPlan, the mails read as the worker reads them (with their
// reports' keys), each accepted one with an archive of its own; erased
// names a report erased once its mails were read, "" none.
func togetherStore(t *testing.T, erased string) (*Worker, *outcomes) {
	t.Helper()
	db, _ := openFileDB(t)
	w, _ := newWorker(t, db, io.Discard)
	ctx := context.Background()
	for i := range 4 {
		err := db.Write(ctx, func(tx *store.Tx) error {
			r, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: w.Now(), Lang: "vi",
				Citizen: store.Citizen{Email: fmt.Sprintf("dan%d@example.com", i), Name: "Nguyễn Văn Dân"}, Content: "Đèn đường hỏng."})
			if err != nil {
				return err
			}
			for _, m := range []store.Mail{{To: r.Citizen.Email, Role: "citizen"}, {To: "tiepnhan@haugiang.gov.vn", Role: "receiver"}} {
				m.ReportID, m.ReportCode, m.Kind, m.Data = r.ID, r.Code, "ack", []byte(`{}`)
				m.MessageID = fmt.Sprintf("%s.%s@haugiang.gov.vn", r.Code, m.Role)
				if _, err := tx.Enqueue(m, w.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		enqueue(t, w, store.Mail{Kind: "check", To: "it@haugiang.gov.vn", Role: "admin", Data: []byte(`{}`),
			MessageID: fmt.Sprintf("check%d@haugiang.gov.vn", i)})
	}
	due, err := w.readDue(ctx, nil, nil)
	if err != nil || len(due) != 11 {
		t.Fatalf("%d mails due, %v", len(due), err)
	}
	slices.SortFunc(due, func(a, b store.Mail) int { return int(a.ID - b.ID) })
	if erased != "" {
		allow := func(store.Report, []store.Deadline) error { return nil }
		if _, err := db.Erase(ctx, erased, store.Erasure{At: w.Now(), Cause: store.ErasureRequest, Actor: "dpo"}, allow); err != nil {
			t.Fatal(err)
		}
	}
	o := w.newOutcomes(len(togetherPlan))
	for i, p := range togetherPlan {
		m := due[p.mail]
		switch p.kind {
		case "sent":
			b, err := o.blobs.Create()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(b, "mail %d", m.ID)
			key, err := b.Commit()
			if err != nil {
				t.Fatal(err)
			}
			o.list = append(o.list, outcome{mail: m, sent: true, sentKey: key, at: w.Now().Add(time.Duration(i) * time.Second)})
		case "retry":
			o.list = append(o.list, outcome{mail: m, cause: errors.New("451 thử lại sau"), next: w.Now().Add(time.Hour)})
		default:
			o.list = append(o.list, outcome{mail: m, cause: errors.New("550 không có hộp thư")})
		}
	}
	return w, o
}

// recordedRows is what a store holds of a batch's records: each mail of
// the outbox, its archive's content for its reference, and every entry
// of the access log.
func recordedRows(t *testing.T, db *store.DB) []string {
	t.Helper()
	var rows []string
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		for id := int64(1); ; id++ {
			m, err := tx.MailByID(id)
			if errors.Is(err, store.ErrNotFound) {
				break
			}
			if err != nil {
				return err
			}
			archive := ""
			if m.SentKey != "" {
				r, err := db.Blobs().Open(m.SentKey)
				if err != nil {
					return err
				}
				b, err := io.ReadAll(r)
				r.Close()
				if err != nil {
					return err
				}
				archive = string(b)
			}
			rows = append(rows, fmt.Sprintf("mail %d: %s/%d next %v sent %v %q error %q archive %q",
				m.ID, m.State, m.Attempts, m.NextAt, m.SentAt, m.To, m.LastError, archive))
		}
		return tx.AccessLog(store.AccessFilter{}, func(a store.Access) error {
			rows = append(rows, fmt.Sprintf("%+v", a))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRecordTogetherAsEach: a batch's outcomes — mails accepted, retried
// and failed, a report's mails apart, mails about no report among them —
// recorded together (flush) and, in a store made alike, a report at a
// time (recordEach) leave the same records: each mail's state, attempts,
// times, error and archive, and the access log's entries with their ids,
// in the same order. With no report erased, the batch is recorded by one
// transaction (recordTogether); with one erased since its mails were
// read, which that transaction refuses, a report at a time.
func TestRecordTogetherAsEach(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		erased   string
		together bool
		rows     int
	}{
		{"", true, 11 + 6},
		{"PA-2026-000002", false, 11 + 1 + 6}, // the erasure's entry too
	} {
		w1, together := togetherStore(t, c.erased)
		if c.together {
			if err := together.blobs.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := w1.DB.WriteEach(ctx, together.recordTogether(together.groups()))[0]; err != nil {
				t.Fatalf("erased %q: recorded together: %v", c.erased, err)
			}
		} else if err := together.flush(ctx); err != nil || len(together.list) != 0 {
			t.Fatalf("erased %q: recorded together: %v, %d outcomes left", c.erased, err, len(together.list))
		}
		w2, each := togetherStore(t, c.erased)
		if err := each.blobs.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := each.recordEach(ctx, each.groups()); err != nil {
			t.Fatal(err)
		}
		want, got := recordedRows(t, w2.DB), recordedRows(t, w1.DB)
		if len(want) != c.rows {
			t.Fatalf("erased %q: %d rows recorded, want %d:\n%v", c.erased, len(want), c.rows, want)
		}
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || got[i] != want[i] {
				t.Fatalf("erased %q: recorded together, row %d:\n%v\na report at a time:\n%v", c.erased, i, got[i:], want[i:])
			}
		}
	}
}
