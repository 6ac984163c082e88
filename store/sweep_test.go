package store

import (
	"context"
	"os"
	"testing"
	"time"
)

// orphanPack writes a synced pack that no row names, changed two orphan
// ages ago, and returns its file's path.
func orphanPack(t *testing.T, db *DB) string {
	t.Helper()
	g := db.Blobs().Batch()
	ref := put(t, g.CreateFile, photo(9000, 3))
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	r, _ := parseRef(ref)
	p := db.blobs.path(r.name)
	old := time.Now().Add(-2 * orphanAge)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSweepBesideSweep: a sweep started while another has its files set
// aside — the start-up one of a daemon started just before the nightly
// job — leaves them where they are: putting them back would let a
// stalled batch name a pack the first sweep has judged, and then removes.
func TestSweepBesideSweep(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	p := orphanPack(t, db)
	step := sweepStep
	defer func() { sweepStep = step }()
	second := false
	sweepStep = func(s string) {
		if s != "aside" || second {
			return
		}
		second = true
		if _, err := db.SweepOrphans(ctx, time.Now(), false); err != nil {
			t.Errorf("the second sweep: %v", err)
		}
		if _, err := os.Stat(p + asideSuffix); err != nil {
			t.Errorf("the first sweep's file is no longer aside: %v", err)
		}
	}
	o, err := db.SweepOrphans(ctx, time.Now(), false)
	if err != nil || o.Files != 1 {
		t.Errorf("swept %+v, %v; want the orphan pack", o, err)
	}
	if !second {
		t.Fatal("the sweep set nothing aside")
	}
	for _, f := range []string{p, p + asideSuffix} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s is still there", f)
		}
	}
}
