package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Restored is what Restore brought back.
type Restored struct {
	Reports int
	Blobs   int   // files the database refers to, each read through its key
	Bytes   int64 // their plain size
	// KeyStore is the key store the restored database uses: the one
	// restored beside it, or the one already in place.
	KeyStore string
}

// ErrNotEmpty is returned by Restore when the place to restore into already
// holds a database or data: Restore never overwrites one.
var ErrNotEmpty = errors.New("already holds a database or data; restore only into an empty place (move the current one aside first)")

// Restore brings a backup written by Backup (src/phananh.db and
// src/data/blobs) back to opt.Path and opt.DataDir, which must hold no
// database and no blob, with the reports' data keys from keys, a folder
// written by BackupKeys (keys/data-keys.db), copied to opt.KeysPath; or,
// when keys is "", from the key store already at opt.KeysPath (SPEC 10.5:
// a data backup restored with today's key store opens every report but
// those erased since, which stay erased).
//
// It checks the encryption key against the backup before it writes
// anything, then stages the copy beside its final place, opens it (which
// checks the key store against the database, and migrates a backup of an
// older release), reads every report and every file it refers to through
// their keys, and only then moves the copy into place. On any failure
// nothing is left behind.
func Restore(ctx context.Context, src, keys string, opt Options) (Restored, error) {
	var r Restored
	if opt.KeysPath == "" {
		opt.KeysPath = DefaultKeysPath(opt.Path)
	}
	if err := checkEmpty(opt); err != nil {
		return r, err
	}
	srcDB, srcBlobs := filepath.Join(src, "phananh.db"), filepath.Join(src, "data", "blobs")
	for _, p := range []string{srcDB, srcBlobs} {
		if _, err := os.Stat(p); err != nil {
			return r, fmt.Errorf("restore: %s is not a backup of phananh: %w", src, err)
		}
	}
	info, err := Inspect(ctx, srcDB, "", opt.Key)
	if err != nil {
		return r, fmt.Errorf("restore: %s: %w", src, err)
	}
	if info.Version > info.Known {
		return r, fmt.Errorf("restore: %s: %w (schema version %d; this one knows up to %d)", src, ErrNewerSchema, info.Version, info.Known)
	}
	staged := Options{Path: opt.Path + ".restoring", DataDir: opt.DataDir + ".restoring", KeysPath: opt.KeysPath,
		Key: opt.Key, MailDomain: opt.MailDomain}
	_, err = os.Stat(opt.KeysPath)
	liveKeys := err == nil
	switch {
	case keys != "" && liveKeys:
		return r, fmt.Errorf("restore: a key store is already at %s: move it aside to restore the one of %s, or restore without --keys to use it", opt.KeysPath, keys)
	case !liveKeys:
		// Restored (or, for a backup from before data keys, made) beside
		// its place, and moved there with the rest.
		staged.KeysPath = opt.KeysPath + ".restoring"
	}
	cleanup := func() {
		for _, p := range []string{staged.Path, staged.KeysPath} {
			if p == opt.KeysPath {
				continue
			}
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(p + suffix)
			}
		}
		os.RemoveAll(staged.DataDir)
	}
	cleanup() // what an interrupted restore left
	r, err = stage(ctx, srcDB, srcBlobs, keys, staged)
	if err != nil {
		cleanup()
		if keys == "" && errors.Is(err, ErrKeyStoreMissing) {
			err = fmt.Errorf("restore: no key store at %s (store.keys_path), and the backup's reports need their data keys: "+
				"give the folder of its latest copy with --keys FOLDER (written by phananh backup --keys)", opt.KeysPath)
		}
		return r, err
	}
	if err := place(staged, opt); err != nil {
		cleanup()
		return r, err
	}
	r.KeyStore = opt.KeysPath
	return r, nil
}

// checkEmpty fails unless opt names no database and a data folder without
// blobs (an empty folder, or one a daemon made and never used, is fine).
func checkEmpty(opt Options) error {
	for _, suffix := range []string{"", "-wal"} {
		if _, err := os.Stat(opt.Path + suffix); err == nil {
			return fmt.Errorf("restore: %s %w", opt.Path, ErrNotEmpty)
		}
	}
	entries, err := os.ReadDir(filepath.Join(opt.DataDir, "blobs"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("restore: %s %w", opt.DataDir, ErrNotEmpty)
	}
	return nil
}

// stage copies the backup to staged, opens it and reads every report and
// every file.
func stage(ctx context.Context, srcDB, srcBlobs, keys string, staged Options) (Restored, error) {
	var r Restored
	if err := os.MkdirAll(filepath.Dir(staged.Path), 0o700); err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	if err := copyFile(srcDB, staged.Path); err != nil {
		return r, fmt.Errorf("restore: database: %w", err)
	}
	if keys != "" {
		if err := os.MkdirAll(filepath.Dir(staged.KeysPath), 0o700); err != nil {
			return r, fmt.Errorf("restore: %w", err)
		}
		if err := copyFile(filepath.Join(keys, KeysBackupName), staged.KeysPath); err != nil {
			return r, fmt.Errorf("restore: key store: %w", err)
		}
	}
	if err := copyTree(ctx, srcBlobs, filepath.Join(staged.DataDir, "blobs"), false); err != nil {
		return r, fmt.Errorf("restore: data folder: %w", err)
	}
	db, err := Open(ctx, staged)
	if err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	if r, err = db.verify(ctx); err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	return r, db.Close()
}

// verify opens every report through its data key, and reads every file
// the database refers to, to its end.
func (db *DB) verify(ctx context.Context) (Restored, error) {
	var r Restored
	err := db.Read(ctx, func(tx *Tx) error {
		ids, err := tx.ids(`SELECT id FROM reports ORDER BY id`)
		if err != nil {
			return err
		}
		refs, err := tx.refsOfNoReport()
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ReportByID(id); err != nil {
				return err
			}
			more, err := tx.reportRefs(id)
			if err != nil {
				return err
			}
			refs = append(refs, more...)
		}
		r.Reports = len(ids)
		seen := map[string]bool{}
		for _, ref := range refs {
			if ref == "" || seen[ref] {
				continue
			}
			seen[ref] = true
			n, err := db.readBlob(ctx, ref)
			if err != nil {
				return err
			}
			r.Blobs++
			r.Bytes += n
		}
		return nil
	})
	return r, err
}

// refsOfNoReport returns the blob references of the rows about no report:
// messages that made none (junk, quarantine) and mail about none (the
// periodic reports).
func (t *Tx) refsOfNoReport() ([]string, error) {
	var refs []string
	rows, err := t.query(`SELECT ` + messageColumns + ` FROM messages m LEFT JOIN reports r ON r.id = m.report_id WHERE m.report_id IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := t.scanMessage(rows)
		if err != nil {
			return nil, err
		}
		refs = append(refs, m.RawKey)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mails, err := t.mails(`o.report_id IS NULL`)
	if err != nil {
		return nil, err
	}
	return append(refs, mailRefs(mails)...), nil
}

// readBlob reads a blob to its end, which checks every chunk against the
// key, and returns its plain size.
func (db *DB) readBlob(ctx context.Context, key string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b, err := db.blobs.Open(key)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return io.Copy(io.Discard, b)
}

// place moves the staged copy to its final place: the blobs first, then
// the database, whose presence marks the restore done.
func place(staged, opt Options) error {
	blobs := filepath.Join(opt.DataDir, "blobs")
	if err := os.MkdirAll(opt.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// checkEmpty found no blob there: an empty folder gives way to the copy.
	if err := os.RemoveAll(blobs); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(filepath.Join(staged.DataDir, "blobs"), blobs); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if staged.KeysPath != opt.KeysPath {
		if err := os.MkdirAll(filepath.Dir(opt.KeysPath), 0o700); err != nil {
			os.RemoveAll(blobs)
			return fmt.Errorf("restore: %w", err)
		}
		if err := os.Rename(staged.KeysPath, opt.KeysPath); err != nil {
			os.RemoveAll(blobs)
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(staged.Path, opt.Path); err != nil {
		os.RemoveAll(blobs)
		if staged.KeysPath != opt.KeysPath {
			os.Rename(opt.KeysPath, staged.KeysPath)
		}
		return fmt.Errorf("restore: %w", err)
	}
	os.RemoveAll(staged.DataDir)
	for _, dir := range []string{filepath.Dir(opt.Path), opt.DataDir} {
		if err := syncDir(dir); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}

// copyTree copies the files under src to dst, which it creates. With
// live, src is a data folder in use: a file removed between its folder's
// listing and its copy (by the orphan sweep, an erasure) is left out.
//
// A blob file the orphan sweep has set aside (asideSuffix) is copied
// under its name: a row may name it, since the sweep puts back what a
// batch that stalled beside it named, and a sweep killed before it did
// leaves it aside until the next (SweepOrphans). In a live folder a file
// found neither under the name listed nor under the other, tried in turn
// (liveTries: the sweep may have set it aside and put it back meanwhile),
// was removed; found under both, it is copied once.
func copyTree(ctx context.Context, src, dst string, live bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		name, aside := strings.CutSuffix(d.Name(), asideSuffix)
		if !isHex(name, 2*blobNameSize) {
			name, aside = d.Name(), false
		}
		to := filepath.Join(dst, filepath.Dir(rel), name)
		if live {
			beforeLiveCopy(path)
		}
		err = copyFile(path, to)
		if !live || !errors.Is(err, fs.ErrNotExist) {
			if aside && errors.Is(err, fs.ErrExist) {
				return nil
			}
			return err
		}
		// Set aside, or put back, since the folder was listed — or
		// both, the sweep putting back a file a row names: the two
		// names are tried in turn. A file removed is under neither.
		names := [2]string{path + asideSuffix, path}
		if aside {
			names = [2]string{strings.TrimSuffix(path, asideSuffix), path}
		}
		for i := 0; i < liveTries && errors.Is(err, fs.ErrNotExist); i++ {
			beforeLiveCopy(names[i%2])
			err = copyFile(names[i%2], to)
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	})
}

// liveTries is how many more times a live copy tries a file listed that
// is no longer under the name listed, by its two names in turn: the orphan
// sweep renames a file at most twice in a pass (aside, then back).
const liveTries = 4

// beforeLiveCopy is called before each try of a live copy to copy a file
// by one of its names (a variable: tests set a file aside and put it back
// there, as the orphan sweep does).
var beforeLiveCopy = func(path string) {}
