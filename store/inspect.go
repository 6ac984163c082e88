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
}

// Inspect looks at the database at path without changing it: no
// migration, no file created. It reports the schema version and the number
// of reports and, when key is not nil, checks that the key opens the
// database (ErrWrongKey otherwise). A database that does not exist is no
// error: Info.Exists is false.
func Inspect(ctx context.Context, path string, key []byte) (Info, error) {
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
	if key == nil {
		return info, nil
	}
	k, err := deriveKeys(key)
	if err != nil {
		return info, err
	}
	var sealed []byte
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'key_check'`).Scan(&sealed)
	if err != nil {
		return info, fmt.Errorf("store %s: key check: %w", path, err)
	}
	if v, err := k.open("meta", "value", 0, sealed); err != nil || v != keyProbe {
		return info, ErrWrongKey
	}
	return info, nil
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
