// Package storetest opens stores for the tests of the packages that read
// and write one.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"haugiang.gov.vn/phananh/store"
)

// Open opens a new store in a temporary folder of the test, under an
// all-zero key, and closes it when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(context.Background(), store.Options{Path: filepath.Join(dir, "phananh.db"),
		DataDir: filepath.Join(dir, "data"), Key: make([]byte, 32), MailDomain: "haugiang.gov.vn"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
