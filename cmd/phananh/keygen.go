package main

import (
	"context"
	"fmt"
	"io"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/store/folder"
)

func runKeygen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("keygen", "keygen FILE\n\nWrites a new 32-byte key as 64 hexadecimal characters, mode 0600. It never overwrites a file,\n"+
		"and makes no folder: FILE's folder must exist.", stderr)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "FILE", 1); p != "" {
		return badUsage(fs, p)
	}
	path := fs.Arg(0)
	err := folder.Parent(path, 0o700)
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
