package store

import (
	"os"
	"slices"
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

// TestFreshMigrationsInOneTransaction: a fresh database migrated in one
// transaction has the schema the migrations give one by one, every table,
// index, trigger and view the same, and every migration recorded.
func TestFreshMigrationsInOneTransaction(t *testing.T) {
	schema := func(one bool) []string {
		t.Helper()
		oneTransactionFresh = one
		defer func() { oneTransactionFresh = true }()
		db := openTest(t, t.TempDir(), testKey)
		rows, err := db.w.Query(`SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_master
			UNION ALL SELECT 'migration ' || version FROM schema_migrations ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	byOne, together := schema(false), schema(true)
	if len(byOne) < 20 {
		t.Fatalf("the schema migrated one by one has %d entries", len(byOne))
	}
	if !slices.Equal(byOne, together) {
		for _, s := range together {
			if !slices.Contains(byOne, s) {
				t.Errorf("in one transaction only: %s", s)
			}
		}
		for _, s := range byOne {
			if !slices.Contains(together, s) {
				t.Errorf("one by one only: %s", s)
			}
		}
	}
}
