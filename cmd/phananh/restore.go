package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/store"
)

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("restore", "restore BACKUPDIR --config FILE\n\n"+
		"Brings a backup written by `phananh backup` back to the database and data folder of the\n"+
		"configuration, which must hold neither (a restore never overwrites data: move it aside first).\n"+
		"The encryption key of the configuration must be the one the backup was made with: put its copy\n"+
		"back first. The key is checked against the backup before anything is written, and every file\n"+
		"the database refers to is read through it before the copy takes its place.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	positional, ok, code := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if *configPath == "" || len(positional) != 1 {
		fs.Usage()
		return exitUsage
	}
	if err := restore(ctx, positional[0], *configPath, stdout); err != nil {
		fmt.Fprintf(stderr, "phananh restore: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// restore restores the backup in dir with the configuration at path. It
// opens no app: that would create missing key files, and a new key opens
// no backup.
func restore(ctx context.Context, dir, path string, stdout io.Writer) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	key, err := cfg.EncryptionKey()
	if err != nil {
		return fmt.Errorf("%w (put back the key the backup was made with, from its copy)", err)
	}
	lock, err := lockDataDir(cfg.Store.DataDir)
	if err != nil {
		return err
	}
	defer lock.Close()
	r, err := store.Restore(ctx, dir, store.Options{Path: cfg.Store.Path, DataDir: cfg.Store.DataDir, Key: key, MailDomain: cfg.MailDomain()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s and %s: %d reports, %d files (%d bytes) read and checked with the key\n",
		dir, cfg.Store.Path, cfg.Store.DataDir, r.Reports, r.Blobs, r.Bytes)
	return nil
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments ("restore DIR --config FILE"), which flag.Parse
// alone stops at, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) (positional []string, ok bool, code int) {
	for {
		if ok, code := parseFlags(fs, args); !ok {
			return nil, false, code
		}
		if fs.NArg() == 0 {
			return positional, true, exitOK
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
