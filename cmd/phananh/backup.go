package main

import (
	"context"
	"fmt"
	"io"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", "backup --config FILE DESTDIR\n\nCopies the database (a consistent snapshot) and the data folder into DESTDIR, which must be\nnew or empty, while the daemon runs. The keys are not copied: keep them apart from the backup.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" || fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	return withApp(ctx, "backup", *configPath, stderr, func(a *app) error {
		if err := a.db.Backup(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s\n", fs.Arg(0))
		return nil
	})
}
