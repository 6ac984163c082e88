package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// BlobBatch makes many blobs durable together, as a group commit does
// for transactions: each blob written through it is complete and in place
// when its Commit returns, and Sync then flushes all of their data, and
// the folder entries that name them, at once — the file system coalesces
// the flushes of concurrent fsyncs into a few journal commits, where
// syncing each blob alone waits for one commit per file. Until Sync
// returns, a crash may lose those blobs or leave them truncated, so no
// row may name one before: the intake commits a batch's messages, and the
// mailer records a group's acceptances, only after their Sync.
//
// A BlobBatch is safe for concurrent use and may be used again after
// Sync.
type BlobBatch struct {
	blobs *Blobs
	mu    sync.Mutex
	files []*os.File
	dirs  map[string]bool
}

// syncers bounds the fsyncs Sync has in flight at once.
const syncers = 16

// Batch returns a new, empty batch of blobs.
func (b *Blobs) Batch() *BlobBatch { return &BlobBatch{blobs: b, dirs: map[string]bool{}} }

// Create starts a blob whose Commit leaves making it durable to Sync.
func (g *BlobBatch) Create() (*BlobWriter, error) {
	w, err := g.blobs.Create()
	if err != nil {
		return nil, err
	}
	w.batch = g
	return w, nil
}

// added takes a committed blob's open file and folder, to sync.
func (g *BlobBatch) added(f *os.File, dir string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.files = append(g.files, f)
	g.dirs[dir] = true
	g.dirs[filepath.Dir(dir)] = true // the entry of a folder MkdirAll made
}

// Len is the number of blobs committed and not yet synced.
func (g *BlobBatch) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.files)
}

// Sync makes every blob committed so far durable: their data, then their
// folders' entries. The files are synced through the descriptors they
// were written with, so that a write-back error is never missed.
func (g *BlobBatch) Sync() error {
	g.mu.Lock()
	files, dirs := g.files, g.dirs
	g.files, g.dirs = nil, map[string]bool{}
	g.mu.Unlock()
	err := parallel(len(files), func(i int) error {
		err := files[i].Sync()
		if cerr := files[i].Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("blob: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	return parallel(len(names), func(i int) error { return syncDir(names[i]) })
}

// Close gives up the blobs not yet synced: they stay in place, named by
// nothing, as after a crash.
func (g *BlobBatch) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, f := range g.files {
		f.Close()
	}
	g.files, g.dirs = nil, map[string]bool{}
}

// parallel runs fn(0) … fn(n-1), at most syncers at a time, and returns
// their errors joined.
func parallel(n int, fn func(int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, syncers)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			errs[i] = fn(i)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
