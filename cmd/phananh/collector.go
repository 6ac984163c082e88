package main

import (
	"os"
	"runtime/debug"
)

// The daemon's collector settings, where the environment sets none (GOGC,
// GOMEMLIMIT): the daemon allocates about 0.4 MB a report and keeps little
// (a batch's messages, caches of keys and prepared statements), so Go's
// default — a collection each time the heap grows by what is live — runs
// every few dozen reports, and took 0.22–0.24 ms of CPU a report in
// BenchmarkThroughput, a tenth of the daemon's. Collecting when the heap
// has grown by four times what is live takes a quarter of that; the soft
// limit makes the collector run more often, rather than the heap grow
// further, should what is live ever come near it.
const (
	gcPercent   = 400
	memoryLimit = 512 << 20
)

// tuneCollector applies the daemon's collector settings.
func tuneCollector() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
