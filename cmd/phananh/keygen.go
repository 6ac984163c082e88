package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"haugiang.gov.vn/phananh/config"
)

func runKeygen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("keygen", "keygen FILE\n\nWrites a new 32-byte key as 64 hexadecimal characters, mode 0600. It never overwrites a file,\n"+
		"and makes no folder: FILE's folder must exist.", stderr)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	path := fs.Arg(0)
	err := parentFolder(path)
	if err == nil {
		err = config.WriteKeyFile(path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "phananh keygen: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "key written to %s\n", path)
	return exitOK
}

// parentFolder checks that the folder of a new file or folder exists, for
// keygen and export: a mistyped path is named rather than made. keygen makes
// none, unlike serve on a new installation, which makes the configured
// ones: a mistyped path would otherwise leave the key in a folder nobody
// knows of, and so nobody keeps a copy of — the data it protects is lost
// with it. The package makes /etc/phananh/keys before it runs keygen.
func parentFolder(path string) error {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist: correct the path, or make the folder first (install -d -m 700 %s)", dir, dir)
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a folder: correct the path", dir)
	}
	return nil
}
