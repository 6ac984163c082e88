package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepOrphans: a process stops after writing a blob file and taking a
// data key for a report that never commits, with keys left in its pool.
// After the restart, once they are older than the safe age, the sweep
// removes the file and the keys; the files and key a report references,
// a file still young, and the new process's pool stay.
func TestSweepOrphans(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db := openTest(t, dir, testKey)
	a, refs := newReport(t, db, sample(time.Now()), "photo A bytes")
	orphan, _, err := db.Blobs().Put(strings.NewReader("raw message of a transaction that never committed"))
	if err != nil {
		t.Fatal(err)
	}
	young, _, err := db.Blobs().Put(strings.NewReader("a file another process is writing"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.keystore.take(ctx); err != nil { // for the report never committed
		t.Fatal(err)
	}
	db.Close() // the crash: the pool is lost with the process

	db = openTest(t, dir, testKey)
	db.keystore.mu.Lock()
	err = db.keystore.fill(ctx) // the new process's pool, for reports to come
	db.keystore.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	pool := db.keystore.pool
	old := time.Now().Add(-3 * time.Hour)
	if _, err := db.keystore.db.ExecContext(ctx, `UPDATE data_keys SET created_at = ?`, old.Unix()); err != nil {
		t.Fatal(err)
	}
	for _, ref := range append(refs, orphan) {
		r, _ := parseRef(ref)
		if err := os.Chtimes(db.blobs.path(r.name), old, old); err != nil {
			t.Fatal(err)
		}
	}

	now := time.Now()
	opt := Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"), Key: testKey}
	// Another process counts the serve's pool too, aged here past what
	// take ever gives.
	if o, err := CountOrphans(ctx, opt, now); err != nil || o != (Orphans{Files: 1, Keys: 2*keyPool - 1}) {
		t.Fatalf("phananh check counted %+v, %v", o, err)
	}
	if o, err := db.SweepOrphans(ctx, now, true); err != nil || o != (Orphans{Files: 1, Keys: keyPool - 1}) {
		t.Fatalf("counted %+v, %v; want 1 file and %d keys", o, err, keyPool-1)
	}
	if o, err := db.SweepOrphans(ctx, now, false); err != nil || o != (Orphans{Files: 1, Keys: keyPool - 1}) {
		t.Fatalf("swept %+v, %v", o, err)
	}
	if _, err := db.Blobs().Open(orphan); !errors.Is(err, ErrNoBlob) && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the orphan file: %v", err)
	}
	for _, ref := range append(refs, young) {
		rc, err := db.Blobs().Open(ref)
		if err != nil {
			t.Errorf("a file kept: %v", err)
			continue
		}
		rc.Close()
	}
	var keyA string
	db.Read(ctx, func(tx *Tx) error { return tx.queryRow(`SELECT key_id FROM reports WHERE id = ?`, a.ID).Scan(&keyA) })
	for _, id := range []string{keyA, pool[0].id, pool[len(pool)-1].id} {
		if has, _ := db.keystore.has(ctx, id); !has {
			t.Errorf("key %s, referenced or pooled, was swept", id)
		}
	}
	var left int
	db.keystore.db.QueryRowContext(ctx, `SELECT count(*) FROM data_keys`).Scan(&left)
	if left != 1+keyPool {
		t.Errorf("%d keys left, want the report's and the pool's %d", left, 1+keyPool)
	}
	if r, _, _, _ := readReport(t, db, a.Code); r.Citizen != sample(time.Now()).Citizen {
		t.Errorf("the report reads %+v", r.Citizen)
	}
	if o, err := db.SweepOrphans(ctx, now, false); err != nil || o != (Orphans{}) {
		t.Errorf("a second sweep: %+v, %v", o, err)
	}
}

// TestPoolGivesNoOldKey: a key that waited in the pool for keyPoolAge is not
// given to a report (the sweep of another process may take it for an
// orphan); the pool is made again and the old keys deleted.
func TestPoolGivesNoOldKey(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	first, err := db.keystore.take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stale := db.keystore.pool[0].id
	db.keystore.poolAt = time.Now().Add(-keyPoolAge)
	k, err := db.keystore.take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !time.Now().Add(-time.Minute).Before(db.keystore.poolAt) || k.id == stale {
		t.Errorf("took %s from a pool made at %s", k.id, db.keystore.poolAt)
	}
	if has, _ := db.keystore.has(ctx, stale); has {
		t.Error("an unused key of the old pool is left in the key store")
	}
	if has, _ := db.keystore.has(ctx, first.id); !has {
		t.Error("the key given before was deleted")
	}
}

// TestPoolMadeAhead: once half the pool is given, the next is made in the
// background, durable before any of its keys is given; the keys of both
// are distinct, and no sweep takes the pool made ahead for orphans.
func TestPoolMadeAhead(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	seen := map[string]bool{}
	take := func() dataKey {
		t.Helper()
		k, err := db.keystore.take(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seen[k.id] {
			t.Fatalf("key %s given twice", k.id)
		}
		seen[k.id] = true
		return k
	}
	for range keyPool/2 + 1 {
		take()
	}
	db.keystore.mu.Lock()
	ahead := db.keystore.ahead
	db.keystore.mu.Unlock()
	if ahead == nil {
		t.Fatal("no pool made ahead once half the pool was given")
	}
	<-ahead.done
	// The keys given, named by no report, are orphans; the pools' are not.
	if o, err := db.SweepOrphans(ctx, time.Now().Add(orphanAge+keyPoolAge+time.Hour), true); err != nil || o.Keys != keyPool/2+1 {
		t.Errorf("a sweep would take %d keys for orphans, want the %d given (%v)", o.Keys, keyPool/2+1, err)
	}
	// The rest of the first pool and less than half the second: taking
	// half the second would start a third in the background.
	for range keyPool - 2 {
		k := take()
		if has, err := db.keystore.has(ctx, k.id); err != nil || !has {
			t.Fatalf("key %s given before it was durable: %v", k.id, err)
		}
	}
	db.keystore.mu.Lock()
	third := db.keystore.ahead
	db.keystore.mu.Unlock()
	if third != nil {
		t.Fatal("a third pool made before half the second was given")
	}
	var n int
	db.keystore.db.QueryRowContext(ctx, `SELECT count(*) FROM data_keys`).Scan(&n)
	if n != 2*keyPool {
		t.Errorf("%d keys in the key store, want the two pools' %d", n, 2*keyPool)
	}
}
