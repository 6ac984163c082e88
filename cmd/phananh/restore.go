package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/store"
)

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("restore", "restore BACKUPDIR [--keys KEYSDIR] --config FILE\n\n"+
		"Brings a backup written by `phananh backup` back to the database and data folder of the\n"+
		"configuration, which must hold neither (a restore never overwrites data: move it aside first),\n"+
		"with the reports' data keys of the key-store copy in KEYSDIR (`phananh backup --keys`) put at\n"+
		"store.keys_path, or, without --keys, of the key store already there. The encryption key of the\n"+
		"configuration must be the one the backup was made with: put its copy back first. The key is\n"+
		"checked against the backup before anything is written, and every report and every file is read\n"+
		"through its key before the copy takes its place.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	keys := fs.String("keys", "", "the `folder` of a key-store copy (data-keys.db) to restore at store.keys_path")
	ok, code, positional := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if p := usageFault(fs, positional, "BACKUPDIR", 1, "config"); p != "" {
		return badUsage(fs, p)
	}
	if err := restore(ctx, positional[0], *keys, *configPath, stdout); err != nil {
		fmt.Fprintf(stderr, "phananh restore: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// restore restores the backup in dir with the configuration at path. It
// opens no app: that would create missing key files, and a new key opens
// no backup.
func restore(ctx context.Context, dir, keys, path string, stdout io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if err := storeOwner(cfg); err != nil {
		return err
	}
	key, err := cfg.EncryptionKey()
	if err != nil {
		return fmt.Errorf("%w (put back the key the backup was made with, from its copy)", err)
	}
	unlock, err := lockRestoredDataDir(cfg.Store.DataDir)
	if err != nil {
		return err
	}
	r, err := store.Restore(ctx, dir, keys, store.Options{Path: cfg.Store.Path, DataDir: cfg.Store.DataDir,
		KeysPath: cfg.Store.KeysPath, Key: key, MailDomain: cfg.MailDomain()})
	unlock(err == nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s and %s, with the key store %s: %d reports, %d files (%d bytes) read and checked with their keys\n",
		dir, cfg.Store.Path, cfg.Store.DataDir, r.KeyStore, r.Reports, r.Blobs, r.Bytes)
	return nil
}

// lockRestoredDataDir locks the data folder a restore writes, as serve
// does, so that no daemon starts on it meanwhile. unlock releases the
// lock; when the restore failed and the folder was made for it, it removes
// the lock and the folder again: a refused restore leaves nothing behind.
func lockRestoredDataDir(dir string) (unlock func(restored bool), err error) {
	_, statErr := os.Stat(dir)
	made := errors.Is(statErr, fs.ErrNotExist)
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	return func(restored bool) {
		lock.Close()
		if !restored && made {
			os.Remove(lock.Name())
			os.Remove(dir) // only when nothing else is in it
		}
	}, nil
}
