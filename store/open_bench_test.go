package store

import (
	"os"
	"testing"
)

// BenchmarkOpenFresh opens the store on a fresh installation, as the
// daemon's first start does: the database made and migrated, the key
// store made, the key checked.
func BenchmarkOpenFresh(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp(b.TempDir(), "")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		db := openTest(b, dir, testKey)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
