package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// schema3 copies testdata/schema3 — the database, data folder and key that
// `phananh demo --keep` left with the schema of migration 3, before data
// keys: five reports, one walked from intake to its rating with a photo in
// the result, and the twenty mails sent — into a new folder, and returns
// the options that open it.
func schema3(t *testing.T) Options {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/schema3")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "keys", "encryption.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"),
		KeysPath: filepath.Join(dir, "keys", "data-keys.db"), Key: key, MailDomain: "haugiang.gov.vn"}
}

// wantSchema3 is the dump of testdata/schema3 as the schema-3 store read it.
func wantSchema3(t *testing.T) []byte {
	b, err := os.ReadFile("testdata/schema3/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dump
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d.json(t)
}

// dumpSchema3 is dumpStore without what the store learnt since schema 3:
// the closing times that migration 7 derives from the event log.
func dumpSchema3(t *testing.T, db *DB) []byte {
	d := dumpStore(t, db)
	for i := range d.Reports {
		d.Reports[i].Report.ClosedAt = time.Time{}
	}
	return d.json(t)
}

// TestMigrateSchema3 opens a database of the previous schema: every value
// reads back as before, now under per-report data keys, and the version 1
// blob files are gone.
func TestMigrateSchema3(t *testing.T) {
	opt := schema3(t)
	db, err := Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dumpSchema3(t, db), wantSchema3(t); !bytes.Equal(got, want) {
		t.Errorf("after the migration the store reads\n%s\nwant\n%s", got, want)
	}
	checkMigrated(t, db)
	// The walked report closed with its rating: retention counts from then.
	r, ev, _, _ := readReport(t, db, "PA-2026-000001")
	if last := ev[len(ev)-1]; r.State != "closed" || last.To != "closed" || !r.ClosedAt.Equal(last.At) {
		t.Errorf("closed at %s, the rating at %s", r.ClosedAt, last.At)
	}
	db.Close()

	db, err = Open(context.Background(), opt) // a second start has nothing to do
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, want := dumpSchema3(t, db), wantSchema3(t); !bytes.Equal(got, want) {
		t.Error("the second start changed the data")
	}
}

// checkMigrated checks that every report has its data key, that no value of
// a report's rows is sealed under the general key, that no row names a
// version 1 blob, and that no version 1 blob file is left.
func checkMigrated(t *testing.T, db *DB) {
	t.Helper()
	err := db.Read(context.Background(), func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT count(*) FROM reports WHERE key_id IS NULL`).Scan(&n); err != nil || n != 0 {
			return fmt.Errorf("%d reports without a data key (%v)", n, err)
		}
		for _, st := range sealedColumns {
			for _, c := range st.columns {
				q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s IS NOT NULL AND %s IS NOT NULL AND substr(%s, 1, 1) != x'02'`, st.table, st.report, c, c)
				if err := tx.queryRow(q).Scan(&n); err != nil || n != 0 {
					return fmt.Errorf("%s.%s: %d values of reports not under their data key (%v)", st.table, c, n, err)
				}
			}
		}
		for _, q := range []string{`SELECT count(*) FROM messages WHERE raw IS NULL AND raw_key != ''`,
			`SELECT count(*) FROM attachments WHERE blob_key != ''`, `SELECT count(*) FROM outbox WHERE coalesce(sent_key, '') != ''`} {
			if err := tx.queryRow(q).Scan(&n); err != nil || n != 0 {
				return fmt.Errorf("%s: %d (%v)", q, n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	filepath.WalkDir(filepath.Join(db.dir, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && legacyRef(d.Name()) {
			t.Errorf("version 1 blob left: %s", path)
		}
		return err
	})
}

// TestMigrateSchema3Resumes stops the migration at each of its steps, as a
// crash would, and starts again: nothing is lost, nothing read differs.
func TestMigrateSchema3Resumes(t *testing.T) {
	steps := []struct {
		step string
		n    int
	}{{"report", 1}, {"report", 3}, {"report", 5}, {"blob", 1}, {"blob", 7}, {"blob", 20}, {"remove", 1}, {"remove", 10}}
	for _, s := range steps {
		t.Run(fmt.Sprintf("%s-%d", s.step, s.n), func(t *testing.T) {
			opt := schema3(t)
			crash := errors.New("crash")
			seen := 0
			migrateHook = func(step string) error {
				if step == s.step {
					if seen++; seen == s.n {
						return crash
					}
				}
				return nil
			}
			_, err := Open(context.Background(), opt)
			migrateHook = nil
			if !errors.Is(err, crash) {
				t.Fatalf("the migration did not stop at %s %d: %v", s.step, s.n, err)
			}
			db, err := Open(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got, want := dumpSchema3(t, db), wantSchema3(t); !bytes.Equal(got, want) {
				t.Errorf("after a stop and a new start the store reads\n%s\nwant\n%s", got, want)
			}
			checkMigrated(t, db)
		})
	}
}

// TestSealedColumnsListed holds the schema to the lists of sealed and
// index columns: a BLOB column that holds a report's personal data must be
// in sealedColumns (or indexColumns for a keyed hash), so that the
// data-key migration seals it under the report's key and an erasure
// empties it.
func TestSealedColumnsListed(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	listed := map[string]bool{}
	for _, l := range [][]sealedTable{sealedColumns, indexColumns} {
		for _, st := range l {
			for _, c := range st.columns {
				listed[st.table+"."+c] = true
			}
		}
	}
	for _, c := range append(notPersonalBlobs, blobColumns...) {
		listed[c] = true
	}
	columns := schemaColumns(t, db)
	for c, typ := range columns {
		if typ == "BLOB" && !listed[c] {
			t.Errorf("%s is a BLOB column in no list of sealed.go", c)
		}
	}
	for c := range listed {
		if _, ok := columns[c]; !ok {
			t.Errorf("sealed.go lists %s, which the schema lacks", c)
		}
	}
}

// TestSchemaRewritesNamed: every migration that rewrites tables'
// definitions in place is one after which apply raises the schema version
// (schemaRewrites), and only those are.
func TestSchemaRewritesNamed(t *testing.T) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		body, err := migrations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		version, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			t.Fatal(err)
		}
		if rewrites := strings.Contains(string(body), "writable_schema"); rewrites != schemaRewrites[version] {
			t.Errorf("%s: rewrites the schema in place: %v; in schemaRewrites: %v", name, rewrites, schemaRewrites[version])
		}
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
