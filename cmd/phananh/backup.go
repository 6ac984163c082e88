package main

import (
	"context"
	"fmt"
	"io"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", `backup --config FILE [--keys] DESTDIR

Copies the database (a consistent snapshot, DESTDIR/phananh.db) and the data folder (DESTDIR/data)
into DESTDIR, while the daemon runs: a new folder in one that exists (a mistyped path is refused),
or an empty one. The reports' data keys are not in it: with --keys, copies the key store alone
(DESTDIR/data-keys.db) instead. Keep key-store copies apart from the data backups and on a short
rotation: an erasure is complete everywhere once the last key-store copy older than it is gone.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	keys := fs.Bool("keys", false, "copy the key store (store.keys_path) instead of the database and the data folder")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "DESTDIR", 1, "config"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "backup", *configPath, stderr, func(a *app) error {
		what, backup := "backup", a.db.Backup
		if *keys {
			what, backup = "key store backup", a.db.BackupKeys
		}
		if err := backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s written to %s\n", what, fs.Arg(0))
		return nil
	})
}
