package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"haugiang.gov.vn/phananh/store/folder"
)

// Backup writes a consistent copy of the store into dest, which must not
// exist yet or be empty: dest/phananh.db (a snapshot taken with VACUUM INTO,
// while other processes go on writing) and dest/data (the blob files). The
// key store is not in it (BackupKeys): a data backup holds no data key, so
// that erasing a report's key erases it from every data backup too.
//
// The snapshot is taken first and the blobs copied after: a blob is always
// made durable before the transaction that refers to it commits, and blobs
// never change, so every blob the snapshot refers to is copied; blobs
// written meanwhile are copied too and are harmless. A pack (pack.go) may
// be appended to while it is copied: its copy ends wherever the appending
// was, past the end of every blob the snapshot names, since those were
// synced before the snapshot's transactions committed and a pack's bytes
// before its end never change (an erasure's hole aside, whose report's
// key is gone); the blob cut off at the copy's end is named by no row of
// the snapshot, and is an orphan range of the copy. A file removed while
// the blobs are copied — an orphan the daemon's sweep removes, the file of
// a report erased since the snapshot — is left out, not a failed backup.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if err := emptyDir(dest); err != nil {
		return err
	}
	snapshot := filepath.Join(dest, "phananh.db")
	// VACUUM INTO takes an empty file: made first, it is the owner's only
	// from the start.
	f, err := os.OpenFile(snapshot, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, snapshot); err != nil {
		return fmt.Errorf("backup: database snapshot: %w", err)
	}
	afterSnapshot()
	if err := copyTree(ctx, filepath.Join(db.dir, "blobs"), filepath.Join(dest, "data", "blobs"), true); err != nil {
		return fmt.Errorf("backup: data folder: %w", err)
	}
	return nil
}

// afterSnapshot is called between Backup's snapshot and its copy of the
// blobs (a variable: tests write blobs there).
var afterSnapshot = func() {}

// KeysBackupName is the key store's file in a directory BackupKeys wrote.
const KeysBackupName = "data-keys.db"

// BackupKeys writes a consistent copy of the key store into dest, which
// must not exist yet or be empty, as dest/data-keys.db. Restoring a store
// is putting phananh.db and data from a data backup back in place, and
// data-keys.db from the latest key-store backup at the key store's path:
// a data backup restored with a newer key store opens every report but
// those erased since, which stay erased.
func (db *DB) BackupKeys(ctx context.Context, dest string) error {
	if err := emptyDir(dest); err != nil {
		return err
	}
	return db.keystore.backup(ctx, filepath.Join(dest, KeysBackupName))
}

// emptyDir makes dir, whose parent must exist (a mistyped path is refused
// rather than a backup left where nobody looks), or checks that it is
// empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return folder.Make(dir, 0o700)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("backup: %s is not empty", dir)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
