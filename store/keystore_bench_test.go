package store

import (
	"context"
	"testing"
	"time"
)

// BenchmarkKeyPool makes a pool of keyPool data keys in the key store, as
// the writer's reports take them (keyStore.makeAhead does it in the
// background): keys made, wrapped and inserted in one transaction. It
// reports the CPU time a key, the kernel's included (cpu-µs/key).
func BenchmarkKeyPool(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	var cpu time.Duration
	for b.Loop() {
		cpu += cpuSpent(func() {
			if _, _, err := db.keystore.make(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*keyPool), "cpu-µs/key")
}

// BenchmarkKeyPrefetch reads 100 reports' keys that the cache lacks in
// one go (keyStore.prefetch), as the outbox's due mails of a backlog
// whose keys the cache dropped are opened. It reports the CPU time a key
// (cpu-µs/key).
func BenchmarkKeyPrefetch(b *testing.B) {
	db := openTest(b, b.TempDir(), testKey)
	made, _, err := db.keystore.make(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = made[i].id
	}
	var cpu time.Duration
	for b.Loop() {
		for _, id := range ids {
			db.keystore.forget(id)
		}
		cpu += cpuSpent(func() { db.keystore.prefetch(context.Background(), ids) })
		if db.keystore.cached(ids[len(ids)-1]) == nil {
			b.Fatal("key not read")
		}
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*len(ids)), "cpu-µs/key")
}
