package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkReportKey measures what opening a report with its own key adds
// to reading it: finding its data key in the key store and unwrapping it,
// in a new transaction each time — cold (the key store read, as the first
// `phananh show` of a process does) and warm (from the keys read in the
// last minute, as the daemon mostly does). Compare with
// BenchmarkShowReport, the whole of what show reads.
func BenchmarkReportKey(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	var r Report
	err := db.Write(context.Background(), func(tx *Tx) error {
		var err error
		r, err = tx.CreateReport(sample(time.Now()))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{"cold", 0}, {"warm", keyCacheTTL}} {
		b.Run(c.name, func(b *testing.B) {
			db.keystore.cacheTTL = c.ttl
			for b.Loop() {
				err := db.Read(context.Background(), func(tx *Tx) error {
					k, err := tx.keyFor(r.ID)
					if err == nil && k.data == nil {
						b.Fatal("no data key")
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
