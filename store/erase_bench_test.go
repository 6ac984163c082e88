package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkSecureDelete measures what secure_delete costs the writer: a
// report written, then updated (its sealed text replaced, which frees the
// old cell), with the pragma on — as the writer runs — and off.
func BenchmarkSecureDelete(b *testing.B) {
	for _, on := range []string{"on", "off"} {
		b.Run(on, func(b *testing.B) {
			db := openTest(b, b.TempDir(), testKey)
			ctx := context.Background()
			flag := map[string]int{"on": 1, "off": 0}[on]
			if err := db.Write(ctx, func(tx *Tx) error {
				_, err := tx.exec(`PRAGMA secure_delete = ` + string(rune('0'+flag)))
				return err
			}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				err := db.Write(ctx, func(tx *Tx) error {
					r, err := tx.CreateReport(sample(time.Now()))
					if err != nil {
						return err
					}
					r.Content += " (bổ sung)"
					return tx.UpdateReport(r, time.Now())
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkErase measures one erasure, whole: the transaction that empties
// the report, its files and key destroyed, and the truncating checkpoint.
func BenchmarkErase(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		r, _ := newReport(b, db, sample(time.Now()), "photo bytes")
		closeReport(b, db, r.Code, time.Now())
		b.StartTimer()
		if _, err := db.Erase(ctx, r.Code, Erasure{At: time.Now(), Cause: ErasureRetention}, allowAll); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSweepOrphans measures the sweep of a store of 1 000 reports, each
// with its raw message, a photo and a mail sent, whose files are all older
// than the safe age: every reference is opened, under its report's key.
func BenchmarkSweepOrphans(b *testing.B) {
	dir := b.TempDir()
	db := openTest(b, dir, testKey)
	for range 1000 {
		newReport(b, db, sample(time.Now()), "photo bytes")
	}
	later := time.Now().Add(3 * time.Hour)
	b.ResetTimer()
	for b.Loop() {
		if o, err := db.SweepOrphans(context.Background(), later, true); err != nil || o != (Orphans{}) {
			b.Fatal(o, err)
		}
	}
}
