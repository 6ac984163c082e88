//go:build !linux

package store

import "os"

// freeBytes frees n bytes of f at off by writing zeros over them: this
// system's files have no holes to punch that the syscall package reaches.
func freeBytes(f *os.File, off, n int64) error { return zeroBytes(f, off, n) }
