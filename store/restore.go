package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Restored is what Restore brought back.
type Restored struct {
	Reports int
	Blobs   int   // files of the data folder the database refers to, each read and checked
	Bytes   int64 // their plain size
}

// ErrNotEmpty is returned by Restore when the place to restore into already
// holds a database or data: Restore never overwrites one.
var ErrNotEmpty = errors.New("already holds a database or data; restore only into an empty place (move the current one aside first)")

// Restore brings a backup written by Backup (src/phananh.db and
// src/data/blobs) back to opt.Path and opt.DataDir, which must hold no
// database and no blob. It checks the key against the backup before it
// writes anything, then stages the copy beside its final place, opens it
// (migrating a backup of an older release), reads every file the database
// refers to through the key, and only then moves the copy into place. On
// any failure nothing is left behind.
func Restore(ctx context.Context, src string, opt Options) (Restored, error) {
	var r Restored
	if err := checkEmpty(opt); err != nil {
		return r, err
	}
	srcDB, srcBlobs := filepath.Join(src, "phananh.db"), filepath.Join(src, "data", "blobs")
	for _, p := range []string{srcDB, srcBlobs} {
		if _, err := os.Stat(p); err != nil {
			return r, fmt.Errorf("restore: %s is not a backup of phananh: %w", src, err)
		}
	}
	info, err := Inspect(ctx, srcDB, opt.Key)
	if err != nil {
		return r, fmt.Errorf("restore: %s: %w", src, err)
	}
	if info.Version > info.Known {
		return r, fmt.Errorf("restore: %s: %w (schema version %d; this one knows up to %d)", src, ErrNewerSchema, info.Version, info.Known)
	}
	staged := Options{Path: opt.Path + ".restoring", DataDir: opt.DataDir + ".restoring", Key: opt.Key, MailDomain: opt.MailDomain}
	cleanup := func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(staged.Path + suffix)
		}
		os.RemoveAll(staged.DataDir)
	}
	cleanup() // what an interrupted restore left
	r, err = stage(ctx, srcDB, srcBlobs, staged)
	if err != nil {
		cleanup()
		return r, err
	}
	if err := place(staged, opt); err != nil {
		cleanup()
		return r, err
	}
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

// stage copies the backup to staged, opens it and reads every blob it
// refers to.
func stage(ctx context.Context, srcDB, srcBlobs string, staged Options) (Restored, error) {
	var r Restored
	if err := os.MkdirAll(filepath.Dir(staged.Path), 0o700); err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	if err := copyFile(srcDB, staged.Path); err != nil {
		return r, fmt.Errorf("restore: database: %w", err)
	}
	if err := copyTree(ctx, srcBlobs, filepath.Join(staged.DataDir, "blobs")); err != nil {
		return r, fmt.Errorf("restore: data folder: %w", err)
	}
	db, err := Open(ctx, staged)
	if err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	err = db.Read(ctx, func(tx *Tx) error {
		if err := tx.queryRow(`SELECT count(*) FROM reports`).Scan(&r.Reports); err != nil {
			return err
		}
		keys, err := tx.blobKeys()
		if err != nil {
			return err
		}
		for _, key := range keys {
			n, err := db.readBlob(ctx, key)
			if err != nil {
				return err
			}
			r.Blobs++
			r.Bytes += n
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("restore: %w", err)
	}
	return r, db.Close()
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

// blobKeys returns every blob the database refers to, each once: raw
// messages, attachments, the mail sent and the files mail carries.
func (t *Tx) blobKeys() ([]string, error) {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	rows, err := t.query(`SELECT raw_key FROM messages UNION SELECT blob_key FROM attachments
		UNION SELECT sent_key FROM outbox WHERE sent_key IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		add(k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := t.query(`SELECT id, attachments FROM outbox WHERE attachments IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer files.Close()
	for files.Next() {
		var id int64
		var sealed []byte
		if err := files.Scan(&id, &sealed); err != nil {
			return nil, err
		}
		s, err := t.db.keys.open("outbox", "attachments", id, sealed)
		if err != nil {
			return nil, err
		}
		var list []MailFile
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return nil, fmt.Errorf("outbox %d attachments: %w", id, err)
		}
		for _, f := range list {
			add(f.BlobKey)
		}
	}
	return keys, files.Err()
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
	if err := os.Rename(staged.Path, opt.Path); err != nil {
		os.RemoveAll(blobs)
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

// copyTree copies the files under src to dst, which it creates.
func copyTree(ctx context.Context, src, dst string) error {
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
		return copyFile(path, filepath.Join(dst, rel))
	})
}
