package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Info is what Inspect found of a database.
type Info struct {
	Exists bool
	// Version is the newest migration applied to the database, Known the
	// newest this binary carries: Open migrates a database from Version to
	// Known, and refuses one whose Version is newer.
	Version, Known int
	Reports        int
	// KeyStore is whether the database keeps its reports' data keys in a
	// key store (a database from before data keys does not yet).
	KeyStore bool
}

// ErrKeyStore is returned by Inspect when the database's key store is
// missing, or is another's.
var ErrKeyStore = errors.New("key store")

// Inspect looks at the database at path without changing it: no
// migration, no file created. It reports the schema version and the number
// of reports and, when key is not nil, checks that the key opens the
// database (ErrWrongKey otherwise) and, when keysPath is not "", that the
// key store there is the database's and opens with the key (ErrKeyStore
// otherwise). A database that does not exist is no error: Info.Exists is
// false.
func Inspect(ctx context.Context, path, keysPath string, key []byte) (Info, error) {
	info := Info{Known: knownVersion()}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return info, nil
	} else if err != nil {
		return info, fmt.Errorf("store: %w", err)
	}
	info.Exists = true
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return info, fmt.Errorf("store %s: %w", path, err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&info.Version); err != nil {
		return info, fmt.Errorf("store %s: not a phananh database: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM reports`).Scan(&info.Reports); err != nil {
		return info, fmt.Errorf("store %s: %w", path, err)
	}
	var sealed, storeID []byte
	err = db.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'key_check'), (SELECT value FROM meta WHERE key = 'keystore_id')`).
		Scan(&sealed, &storeID)
	if err != nil {
		return info, fmt.Errorf("store %s: key check: %w", path, err)
	}
	info.KeyStore = storeID != nil
	if key == nil {
		return info, nil
	}
	k, err := deriveKeys(key)
	if err != nil {
		return info, err
	}
	if v, err := k.open("meta", "value", 0, sealed); err != nil || v != keyProbe {
		return info, ErrWrongKey
	}
	if keysPath == "" || storeID == nil {
		return info, nil
	}
	return info, inspectKeyStore(ctx, keysPath, string(storeID), k)
}

// inspectKeyStore checks, read-only, that the key store at path is the one
// with id and that k opens it.
func inspectKeyStore(ctx context.Context, path, id string, k *keys) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("%w %s: %w; the reports' data keys are there: restore it from its latest copy (phananh backup --keys)", ErrKeyStore, path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrKeyStore, path, err)
	}
	defer db.Close()
	var gotID, check []byte
	err = db.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'id'), (SELECT value FROM meta WHERE key = 'key_check')`).Scan(&gotID, &check)
	if err != nil {
		return fmt.Errorf("%w %s: not a key store: %w", ErrKeyStore, path, err)
	}
	if string(gotID) != id {
		return fmt.Errorf("%w %s: not this database's key store (another installation's?)", ErrKeyStore, path)
	}
	if v, err := k.open("meta", "value", 1, check); err != nil || v != keyStoreProbe {
		return fmt.Errorf("%w %s: %w", ErrKeyStore, path, ErrWrongKey)
	}
	return nil
}

// knownVersion is the newest migration this binary carries.
func knownVersion() int {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	newest := 0
	for _, name := range names {
		if v, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0]); err == nil {
			newest = max(newest, v)
		}
	}
	return newest
}
