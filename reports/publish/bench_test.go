package publish

import (
	"context"
	"fmt"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// BenchmarkBuild builds the publication of 2 000 public results — a year of
// a province's approved reports — and renders its index: what the daemon
// does once after each change of the results, and `phananh publish` each
// run.
func BenchmarkBuild(b *testing.B) {
	db := seedMany(b, 2000)
	b.ReportAllocs()
	for b.Loop() {
		err := db.Read(context.Background(), func(tx *store.Tx) error {
			p, err := Build(tx, routing.Default(), "", nil)
			if err == nil {
				_, err = p.Index()
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuild builds the publication of 2 000 public results again
// after one of them was rated, from the previous one: what the daemon does
// at the first request after an approval or a rating.
func BenchmarkRebuild(b *testing.B) {
	db := seedMany(b, 2000)
	var p *Publication
	build := func() {
		err := db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			p, err = Build(tx, routing.Default(), "", p)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	build()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		err := db.Write(context.Background(), func(tx *store.Tx) error {
			r, err := tx.ReportByID(int64(i%2000 + 1))
			if err == nil {
				err = tx.UpdateReport(r, received.Add(time.Duration(3000+i)*time.Hour))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		build()
	}
}

func seedMany(b *testing.B, n int) *store.DB {
	b.Helper()
	db := storetest.Open(b)
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		for i := range n {
			at := received.Add(time.Duration(i) * time.Hour)
			r, err := tx.CreateReport(store.Report{State: "closed", ReceivedAt: at, Rating: "hai-long",
				Citizen: store.Citizen{Name: "Lê Thị Cúc", Phone: "0987654321", Address: "số 7 đường 30/4"},
				Content: fmt.Sprintf("Kính gửi Trung tâm,\n\nĐèn đường ấp %d, xã Vị Đông hỏng đã một tuần, buổi tối rất nguy hiểm.\n\nTrân trọng,\nLê Thị Cúc\n0987654321\n", i),
				Routing: store.Routing{Field: "dien", Unit: "vi-thuy", Agency: "dien-luc"}})
			if err != nil {
				return err
			}
			r.Result, r.ResolvedAt, r.PublishedAt = "Đã thay bóng đèn và kiểm tra lại tuyến chiếu sáng.", at.Add(time.Hour), at.Add(2*time.Hour)
			if err := tx.UpdateReport(r, at.Add(2*time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return db
}
