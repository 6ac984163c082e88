package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
)

// TestDueMailExcept reads the due mails past those the mailer holds, up
// to the limit, without opening the held ones: a held mail whose sealed
// data cannot be opened is no error.
func TestDueMailExcept(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	err := db.Write(ctx, func(tx *Tx) error {
		for i := range 4 {
			m, err := tx.Enqueue(Mail{Kind: "check", To: fmt.Sprintf("it%d@haugiang.gov.vn", i), Role: "admin", Data: []byte(`{}`)}, now)
			if err != nil {
				return err
			}
			ids = append(ids, m.ID)
		}
		_, err := tx.exec(`UPDATE outbox SET data = x'00' WHERE id = ?`, ids[0])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	held := func(id int64) bool { return id == ids[0] || id == ids[2] }
	err = db.Read(ctx, func(tx *Tx) error {
		if _, err := tx.DueMail(now, 4); err == nil {
			t.Error("DueMail opened a mail whose data is broken without an error")
		}
		for limit, want := range [][]int64{{}, {ids[1]}, {ids[1], ids[3]}, {ids[1], ids[3]}} {
			due, err := tx.DueMailExcept(now, limit, 2, held)
			if err != nil {
				return err
			}
			var got []int64
			for _, m := range due {
				got = append(got, m.ID)
				if m.To == "" {
					t.Errorf("mail %d read without its recipient", m.ID)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("limit %d: got mails %v, want %v", limit, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDueMailExcept reads a batch of 100 due mails, the mailer's,
// while the 100 before them, sent, wait for their record: two mails of
// each of 100 reports, the acknowledgement and the triage notice.
func BenchmarkDueMailExcept(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now()
	held := map[int64]bool{}
	err := db.Write(ctx, func(tx *Tx) error {
		for i := range 100 {
			rep, err := tx.CreateReport(sample(now))
			if err != nil {
				return err
			}
			for _, kind := range []string{"ack", "triage"} {
				m, err := tx.Enqueue(Mail{ReportID: rep.ID, ReportCode: rep.Code, Kind: kind, To: "dan@example.com", Role: "citizen",
					Data: bytes.Repeat([]byte("x"), 1500)}, now)
				if err != nil {
					return err
				}
				held[m.ID] = i < 50
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		err := db.Read(ctx, func(tx *Tx) error {
			due, err := tx.DueMailExcept(now, 100, 100, func(id int64) bool { return held[id] })
			if len(due) != 100 {
				b.Fatalf("%d mails due", len(due))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestDueMailAfter reads the due mails past a mail in the outbox's order:
// later due, or due at once with a greater id.
func TestDueMailAfter(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	var ms []Mail
	err := db.Write(ctx, func(tx *Tx) error {
		for i, at := range []time.Time{now.Add(-time.Minute), now, now.Add(-2 * time.Minute), now, now.Add(time.Minute)} {
			m, err := tx.Enqueue(Mail{Kind: "check", To: fmt.Sprintf("it%d@haugiang.gov.vn", i), Role: "admin", Data: []byte(`{}`)}, at)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Read(ctx, func(tx *Tx) error {
		for _, c := range []struct {
			after int
			want  []int64
		}{{2, []int64{ms[0].ID, ms[1].ID, ms[3].ID}}, {0, []int64{ms[1].ID, ms[3].ID}}, {1, []int64{ms[3].ID}}, {3, nil}} {
			due, err := tx.DueMailAfter(now, ms[c.after], 10, 0, nil)
			if err != nil {
				return err
			}
			var got []int64
			for _, m := range due {
				got = append(got, m.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("after mail %d: got mails %v, want %v", ms[c.after].ID, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
