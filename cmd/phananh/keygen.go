package main

import (
	"context"
	"fmt"
	"io"

	"haugiang.gov.vn/phananh/config"
)

func runKeygen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("keygen", "keygen FILE\n\nWrites a new 32-byte key as 64 hexadecimal characters, mode 0600. It never overwrites a file.", stderr)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	if err := config.WriteKeyFile(fs.Arg(0)); err != nil {
		fmt.Fprintf(stderr, "phananh keygen: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "key written to %s\n", fs.Arg(0))
	return exitOK
}
