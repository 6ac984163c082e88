package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
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
//
// A batch of another process stalled for over orphanAge may still sync
// and commit rows naming a pack the sweep found unnamed. So the sweep sets
// the files it found aside (renamed, asideSuffix), waits for the write
// transactions under way to end, and reads the rows again: a transaction
// that names a pack checks, under the database's write lock, that the
// pack is in its place (Tx.packInPlace), so that either it named the
// pack before the pack was set aside, and its rows are read again, or it
// finds the pack gone and is refused. The files named now are put back;
// the others are removed. A file a crash left aside is put back by the
// next sweep, and judged again.
//
// One sweep removes at a time: a sweep started while another is under way
// in the process (the start-up one of a daemon started just before the
// nightly job) returns at once, having done nothing, since putting back
// the files the other has set aside would let a stalled batch name a pack
// the other has judged unnamed, and then removes. Only serve removes, one
// serve a store (its lock); phananh check only counts.
func (db *DB) SweepOrphans(ctx context.Context, now time.Time, dryRun bool) (Orphans, error) {
	var o Orphans
	if !dryRun {
		if !db.sweeping.TryLock() {
			return o, nil
		}
		defer db.sweeping.Unlock()
	}
	files, err := db.orphanFiles(ctx, now.Add(-orphanAge), !dryRun)
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
	if o.Files, err = db.removeOrphanFiles(ctx, files); err != nil {
		return o, err
	}
	return o, db.keystore.deleteUnused(ctx, keys)
}

// asideSuffix ends the name of a blob file the sweep has set aside.
const asideSuffix = ".swept"

// removeOrphanFiles sets the files aside, reads the rows again once the
// write transactions under way have ended, puts back those a row names
// now and removes the others (SweepOrphans). It returns how many it
// removed.
func (db *DB) removeOrphanFiles(ctx context.Context, names []string) (int, error) {
	aside := map[string]bool{}
	for _, name := range names {
		p := db.blobs.path(name)
		if err := os.Rename(p, p+asideSuffix); err == nil {
			aside[name] = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			db.putBack(aside)
			return 0, fmt.Errorf("store: orphan blob: %w", err)
		}
	}
	sweepStep("aside")
	if len(aside) == 0 {
		return 0, nil
	}
	unnamed := maps.Clone(aside)
	err := db.Write(ctx, func(*Tx) error { return nil })
	if err == nil {
		err = db.dropNamed(ctx, unnamed)
	}
	if err != nil {
		db.putBack(aside)
		return 0, err
	}
	for name := range unnamed {
		delete(aside, name)
		if err := os.Remove(db.blobs.path(name) + asideSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			db.putBack(aside)
			return 0, fmt.Errorf("store: orphan blob: %w", err)
		}
	}
	db.putBack(aside)
	return len(unnamed), nil
}

// putBack renames the files set aside back to their names.
func (db *DB) putBack(aside map[string]bool) {
	for name := range aside {
		p := db.blobs.path(name)
		os.Rename(p+asideSuffix, p)
	}
}

// packInPlace checks that the pack a blob reference names is in its
// place, in the transaction that names it: see SweepOrphans. A reference
// to no pack is not checked. Only an error that is fs.ErrNotExist says
// that the sweep has the pack; any other (an I/O error) says nothing of
// it, and a transaction refused for it is tried again.
func (t *Tx) packInPlace(ref string) error {
	// A packed reference is NAME-OFF-SIZE-KEY-HASH (blobRef); only its
	// name is read here, since it is read again whole when opened.
	name := refName(ref, 2*blobNameSize+1+16+1+16+1+2*blobKeySize+1+64)
	// A pack found in its place once in a database transaction need not be
	// looked at again in it: a sweep that sets it aside later reads the rows
	// again after the transaction's commit. Every writable transaction runs
	// in the writer's group, one database transaction (writer.go), whose
	// messages' blobs share a pack, as a rule.
	var placed map[string]bool
	if t.writable {
		placed = t.db.groupPlaced
	}
	if name == "" || placed[name] {
		return nil
	}
	if err := t.db.blobs.present("blob pack", name); err != nil {
		return err
	}
	if placed != nil {
		placed[name] = true
	}
	return nil
}

// fileInPlace checks that the file of a blob of its own that a reference
// names (a reference to a pack or of release 1 is not checked) is in its
// place, or kept in the database by an earlier version, in the
// transaction that names it: as packInPlace does for a pack. A mail's
// files are checked so (Enqueue): a periodic report's are written
// outside the transaction that queues its mail, and when the clock steps
// forward an hour in between, or the data folder's server keeps another
// time, the sweep may take them for orphans.
func (t *Tx) fileInPlace(ref string) error {
	name := refName(ref, 2*blobNameSize+1+2*blobKeySize+1+64)
	if name == "" {
		return nil
	}
	err := t.db.blobs.present("blob", name)
	if errors.Is(err, fs.ErrNotExist) {
		var one int
		if t.queryRow(`SELECT 1 FROM blob_data WHERE name = ?`, name).Scan(&one) == nil {
			return nil
		}
	}
	return err
}

// refName returns the name of the file a blob reference of n characters
// names (its first field), or "" when ref is not of that length.
func refName(ref string, n int) string {
	if len(ref) != n || ref[2*blobNameSize] != '-' {
		return ""
	}
	return ref[:2*blobNameSize]
}

// present checks that the blob file name (what it is: "blob pack",
// "blob") is in its place; an error that is fs.ErrNotExist says it is not.
func (b *Blobs) present(what, name string) error {
	_, err := os.Stat(b.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: %s %s: not in place (set aside or removed by the orphan sweep): %w", what, name, err)
	}
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", what, name, err)
	}
	return nil
}

// orphanFiles returns the names of the blob files changed before cutoff
// that no row references; with restore, the files a crash left aside are
// put back first.
func (db *DB) orphanFiles(ctx context.Context, cutoff time.Time, restore bool) ([]string, error) {
	old, err := db.blobs.filesBefore(cutoff, restore)
	if err != nil || len(old) == 0 {
		return nil, err
	}
	if err := db.dropNamed(ctx, old); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(old))
	for n := range old {
		names = append(names, n)
	}
	return names, nil
}

// dropNamed deletes from names the files that a row or an unfinished
// erasure names.
func (db *DB) dropNamed(ctx context.Context, names map[string]bool) error {
	for _, table := range []string{"messages", "attachments", "outbox"} {
		if err := db.dropReferenced(ctx, table, names); err != nil {
			return err
		}
	}
	// The files of an erasure not finished yet are the erasure's to delete.
	err := db.Read(ctx, func(tx *Tx) error {
		rows, err := tx.query(`SELECT blobs FROM erasures WHERE done_at IS NULL`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var places string
			if err := rows.Scan(&places); err != nil {
				return err
			}
			for _, n := range strings.Fields(places) {
				if r, err := parsePlace(n); err == nil {
					delete(names, r.name)
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("store: orphans: %w", err)
	}
	return nil
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
// names: random, not content hashes) last changed before cutoff. A file
// a sweep set aside counts under its name; with restore, it is renamed
// back to it.
func (b *Blobs) filesBefore(cutoff time.Time, restore bool) (map[string]bool, error) {
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(b.dir, "blobs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		name, aside := strings.CutSuffix(d.Name(), asideSuffix)
		if d.IsDir() || !isHex(name, 2*blobNameSize) {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if aside && restore {
			if err := os.Rename(path, b.path(name)); err != nil {
				return err
			}
		}
		if info.ModTime().Before(cutoff) {
			out[name] = true
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
