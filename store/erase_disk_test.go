package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestErasureLeavesNoCopyOnDisk: after an erasure, neither the report's
// wrapped data key nor the sealed bytes of its personal fields are left in
// any file of the store's folder — the database, its WAL, the key store and
// its journal — as freed pages or as old copies of a page.
func TestErasureLeavesNoCopyOnDisk(t *testing.T) {
	dir := t.TempDir()
	db := openTest(t, dir, testKey)
	ctx := context.Background()
	for what, conn := range map[string]interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}{"the database's writer": db.w, "the key store": db.keystore.db} {
		var on int
		if err := conn.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil || on != 1 {
			t.Errorf("secure_delete on %s: %d, %v", what, on, err)
		}
	}
	a, _ := newReport(t, db, sample(time.Now()), "photo A bytes")
	closeReport(t, db, a.Code, time.Now())
	var keyID string
	var name, email, content, raw []byte
	err := db.Read(ctx, func(tx *Tx) error {
		if err := tx.queryRow(`SELECT key_id, citizen_name, citizen_email, content FROM reports WHERE id = ?`, a.ID).
			Scan(&keyID, &name, &email, &content); err != nil {
			return err
		}
		return tx.queryRow(`SELECT raw FROM messages WHERE report_id = ?`, a.ID).Scan(&raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	var wrapped []byte
	if err := db.keystore.db.QueryRowContext(ctx, `SELECT wrapped FROM data_keys WHERE id = ?`, keyID).Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	needles := map[string][]byte{"the wrapped data key": wrapped, "the sealed name": name,
		"the sealed address": email, "the sealed text": content, "the sealed reference of the raw message": raw}
	for what, b := range needles {
		if len(b) < 16 {
			t.Fatalf("%s is %d bytes", what, len(b))
		}
	}
	if found := scanBytes(t, dir, needles); len(found) < len(needles) {
		t.Fatalf("before the erasure only %v are on disk: the test looks in the wrong place", found)
	}
	if _, err := db.Erase(ctx, a.Code, Erasure{At: time.Now(), Cause: ErasureRequest, Actor: "dpo"}, allowAll); err != nil {
		t.Fatal(err)
	}
	for _, f := range scanBytes(t, dir, needles) {
		t.Error(f)
	}
}

// scanBytes returns where in the files under dir each of needles is found.
func scanBytes(t *testing.T, dir string, needles map[string][]byte) []string {
	var found []string
	readTree(t, dir, func(path string, b []byte) {
		for what, n := range needles {
			// The sealed bytes whole, and their last 16 (the GCM tag), which a
			// page split would not cut.
			if bytes.Contains(b, n) || bytes.Contains(b, n[len(n)-16:]) {
				found = append(found, fmt.Sprintf("%s in %s", what, filepath.Base(path)))
			}
		}
	})
	return found
}
