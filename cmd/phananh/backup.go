package main

import (
	"context"
	"fmt"
	"io"
)

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "phananh backup: not built yet")
	return exitFailed
}
