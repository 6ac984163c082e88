package store

import (
	"errors"
	"os"
	"syscall"
)

// Linux's fallocate(2) modes (linux/falloc.h): the syscall package names
// none of them.
const (
	fallocKeepSize  = 0x01
	fallocPunchHole = 0x02
)

// freeBytes frees n bytes of f at off: a hole punched in the file
// (FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE: the blocks go back to the
// file system, the bytes read as zeros, the offsets of the blobs after
// them stay), or, on a file system that punches no holes, zeros written
// over them (zeroBytes). On a full disk, where a hole in the middle of a
// file may need room of its own (its extent split), zeros are written
// too: an erasure must not wait for room to be freed.
func freeBytes(f *os.File, off, n int64) error {
	if n == 0 {
		return nil
	}
	err := punchHole(f, off, n)
	if errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.ENOSPC) {
		return zeroBytes(f, off, n)
	}
	return err
}

// punchHole punches the hole (a variable: tests take the zeros' way).
var punchHole = func(f *os.File, off, n int64) error {
	raw, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = raw.Control(func(fd uintptr) {
		ferr = syscall.Fallocate(int(fd), fallocPunchHole|fallocKeepSize, off, n)
	})
	if err != nil {
		return err
	}
	return ferr
}
