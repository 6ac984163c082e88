package main

import (
	"context"
	"fmt"
	"io"
)

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "phananh ingest: not built yet")
	return exitFailed
}
