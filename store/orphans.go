package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A crash leaves two kinds of orphans, which no row names and nothing else
// would ever remove: the blob files of a transaction that never committed
// (a blob is made durable before the transaction that references it), and
// the data keys taken from the key store for reports that were never
// committed, or left in a stopped process's pool. SweepOrphans removes
// them once they are older than orphanAge — the files by their time of
// change, the keys by their making, plus keyPoolAge since a pool may hold a
// key that long before a report takes it — so that nothing another process
// is still writing (phananh ingest beside serve) is touched.
const orphanAge = time.Hour

// keyPoolAge is how long a key made for the pool may wait there: take
// gives no older key, and deletes the pool's unused keys when it refills.
const keyPoolAge = time.Hour

// orphanBatch is how many rows one read transaction of the sweep takes.
const orphanBatch = 1000

// sweepStep is called at each step of a sweep that removes; a test sets
// it to run a batch between them.
var sweepStep = func(step string) {}

// Orphans counts what SweepOrphans found.
type Orphans struct {
	Files int // blob files that no row references
	Keys  int // data keys that no report or erasure names
}

// SweepOrphans removes (or, with dryRun, only counts) the blob files and
// data keys a crash left behind, older than orphanAge at now. The serve
// command runs it at start and with the daily job; phananh check counts.
func (db *DB) SweepOrphans(ctx context.Context, now time.Time, dryRun bool) (Orphans, error) {
	var o Orphans
	files, err := db.orphanFiles(ctx, now.Add(-orphanAge))
	if err != nil {
		return o, err
	}
	o.Files = len(files)
	keys, err := db.orphanKeys(ctx, now.Add(-orphanAge-keyPoolAge))
	if err != nil {
		return o, err
	}
	o.Keys = len(keys)
	if dryRun {
		return o, nil
	}
	sweepStep("listed")
	for _, name := range files {
		if err := os.Remove(db.blobs.path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return o, fmt.Errorf("store: orphan blob: %w", err)
		}
	}
	return o, db.keystore.deleteUnused(ctx, keys)
}

// orphanFiles returns the names of the blob files changed before cutoff
// that no row references.
func (db *DB) orphanFiles(ctx context.Context, cutoff time.Time) ([]string, error) {
	old, err := db.blobs.filesBefore(cutoff)
	if err != nil || len(old) == 0 {
		return nil, err
	}
	for _, table := range []string{"messages", "attachments", "outbox"} {
		if err := db.dropReferenced(ctx, table, old); err != nil {
			return nil, err
		}
	}
	// The files of an erasure not finished yet are the erasure's to delete.
	err = db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT blobs FROM erasures WHERE done_at IS NULL`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var names string
			if err := rows.Scan(&names); err != nil {
				return err
			}
			for _, n := range strings.Fields(names) {
				if r, err := parsePlace(n); err == nil {
					delete(old, r.name)
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: orphans: %w", err)
	}
	names := make([]string, 0, len(old))
	for n := range old {
		names = append(names, n)
	}
	return names, nil
}

// dropReferenced deletes from names those that a row of table references,
// reading the table in batches of rows.
func (db *DB) dropReferenced(ctx context.Context, table string, names map[string]bool) error {
	var after int64
	for {
		n := 0
		err := db.Read(ctx, func(tx *Tx) error {
			refs, last, err := tx.blobRefs(table, after)
			for _, ref := range refs {
				if r, err := parseRef(ref); err == nil {
					delete(names, r.name)
				}
			}
			n, after = len(refs), last
			return err
		})
		if err != nil {
			return fmt.Errorf("store: orphans: %s: %w", table, err)
		}
		if n == 0 || len(names) == 0 {
			return nil
		}
	}
}

// blobRefs returns the blob references of up to orphanBatch rows of table
// with an id above after, and the last id read (after when none).
func (t *Tx) blobRefs(table string, after int64) ([]string, int64, error) {
	cols := map[string]string{"messages": "raw", "attachments": "blob", "outbox": "sent, attachments"}[table]
	extra := ", NULL"
	if table == "outbox" {
		extra = ""
	}
	rows, err := t.query(`SELECT id, coalesce(report_id, 0), `+cols+extra+` FROM `+table+` WHERE id > ? ORDER BY id LIMIT ?`, after, orphanBatch)
	if err != nil {
		return nil, after, err
	}
	type row struct {
		id, report int64
		ref, files []byte
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.report, &r.ref, &r.files); err != nil {
			rows.Close()
			return nil, after, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, after, err
	}
	refCol := map[string]string{"messages": "raw", "attachments": "blob", "outbox": "sent"}[table]
	var refs []string
	for _, r := range rs {
		after = r.id
		k, err := t.keyFor(r.report)
		if err != nil {
			return nil, after, err
		}
		ref, err := k.open(table, refCol, r.id, r.ref)
		if err != nil {
			return nil, after, err
		}
		refs = append(refs, ref)
		if r.files == nil {
			continue
		}
		files, err := k.open(table, "attachments", r.id, r.files)
		if err != nil || files == "" {
			return nil, after, err
		}
		var fs []MailFile
		if err := json.Unmarshal([]byte(files), &fs); err != nil {
			return nil, after, fmt.Errorf("outbox #%d: attachments: %w", r.id, err)
		}
		for _, f := range fs {
			refs = append(refs, f.BlobKey)
		}
	}
	return refs, after, nil
}

// filesBefore returns the names of the blob files (of this version's
// names: random, not content hashes) last changed before cutoff.
func (b *Blobs) filesBefore(cutoff time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(b.dir, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !isHex(d.Name(), 2*blobNameSize) {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if info.ModTime().Before(cutoff) {
			out[d.Name()] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return out, nil
}

// orphanKeys returns the ids of the keys of the key store made before
// cutoff that no report names and no unfinished erasure is to destroy.
// Both lists are read in the order of the ids and compared as they come.
func (db *DB) orphanKeys(ctx context.Context, cutoff time.Time) ([]string, error) {
	ids, err := db.keystore.unusedBefore(ctx, cutoff)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var orphans []string
	err = db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT key_id FROM reports WHERE key_id IS NOT NULL
			UNION SELECT key_id FROM erasures WHERE done_at IS NULL ORDER BY 1`)
		if err != nil {
			return err
		}
		defer rows.Close()
		i := 0
		for rows.Next() && i < len(ids) {
			var used string
			if err := rows.Scan(&used); err != nil {
				return err
			}
			for i < len(ids) && ids[i] < used {
				orphans = append(orphans, ids[i])
				i++
			}
			if i < len(ids) && ids[i] == used {
				i++
			}
		}
		orphans = append(orphans, ids[i:]...)
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: orphan keys: %w", err)
	}
	return orphans, nil
}

// CountOrphans counts, without changing anything, what SweepOrphans would
// remove at now from the store of opt, an existing one at the current
// schema (phananh check; a running serve is no obstacle).
func CountOrphans(ctx context.Context, opt Options, now time.Time) (Orphans, error) {
	k, err := deriveKeys(opt.Key)
	if err != nil {
		return Orphans{}, err
	}
	r, err := sql.Open("sqlite", dsn(opt.Path, false)+"&mode=ro")
	if err != nil {
		return Orphans{}, fmt.Errorf("store %s: %w", opt.Path, err)
	}
	defer r.Close()
	keysPath := opt.KeysPath
	if keysPath == "" {
		keysPath = DefaultKeysPath(opt.Path)
	}
	ks, err := sql.Open("sqlite", "file:"+keysPath+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return Orphans{}, fmt.Errorf("key store %s: %w", keysPath, err)
	}
	defer ks.Close()
	db := &DB{r: r, keys: k, path: opt.Path, dir: opt.DataDir,
		keystore: &keyStore{db: ks, wrap: k.wrap, path: keysPath, cache: map[string]cachedKey{}, cacheTTL: keyCacheTTL}}
	db.blobs = &Blobs{dir: opt.DataDir, keys: k, db: db}
	return db.SweepOrphans(ctx, now, true)
}
