package store

import (
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
