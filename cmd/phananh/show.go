package main

import (
	"context"
	"fmt"
	"io"
)

func runShow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "phananh show: not built yet")
	return exitFailed
}
