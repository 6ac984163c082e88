package main

import (
	"context"
	"fmt"
	"io"
)

func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "phananh calendar: not built yet")
	return exitFailed
}
