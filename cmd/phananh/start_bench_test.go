package main

import (
	"context"
	"testing"
)

// BenchmarkNewDaemon times newDaemon, the start of `phananh serve` before
// it connects: the configuration read, the keys, the calendar and the
// routing table loaded, the store opened (on a fresh database, its
// migrations run) and the templates loaded.
func BenchmarkNewDaemon(b *testing.B) {
	start := func(b *testing.B, config string) {
		d, err := newDaemon(context.Background(), config, testLogger(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			e := newEnv(b, envOptions{})
			b.StartTimer()
			start(b, e.config)
		}
	})
	b.Run("existing", func(b *testing.B) {
		e := newEnv(b, envOptions{})
		start(b, e.config)
		for b.Loop() {
			start(b, e.config)
		}
	})
}
