package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sync"
)

// BlobBatch writes the blobs of a batch of work — the messages intake
// commits together, the mails the outbox records together — and makes
// them durable at once, as a group commit does for transactions.
//
// A batch's blobs, small and large, are written end to end into the
// batch's packs (pack.go): files of blobs laid end to end, one a batch as
// a rule, so that the batch costs one file, not one a blob. A blob is in
// its place when its Commit returns — a blob of one chunk, as most are,
// among its pack's pending blobs, written with them in one write (pack.go)
// — and Sync then writes and flushes the packs, and the folder entries
// that name them, at once. A write of pending blobs that fails (the disk
// is full) fails the batch's Sync, not the blob's Commit. A batch's packs
// are named into one folder of blobs/, drawn at random for the batch (a
// name's first byte is the batch's, the other fifteen the pack's own).
// Until Sync returns, a crash may lose those blobs or leave them
// truncated, so no row may name one before.
//
// The small blobs of a batch (a raw message or a mail sent, of one
// chunk) were kept in the database's blob_data table, written by the
// transaction that named them; they go into the pack too, since it costs
// no file of its own: a blob's pages in the database cost the writer,
// the WAL and its checkpoint more than its bytes in the pack (README,
// "Throughput end to end"). The blobs kept in blob_data by earlier
// versions are still read and erased (Blobs.Open, Blobs.removeName).
//
// A BlobBatch is safe for concurrent use: the parsers of a batch's
// messages write into it at once. Sync may be called again for the blobs
// written since.
type BlobBatch struct {
	blobs  *Blobs
	mu     sync.Mutex
	packs  []*pack
	dirs   map[string]bool // the folders of the packs, to sync
	folder string          // the folder of blobs/ the batch's files are named into
	// lost is why blobs committed into the batch were lost (a write of a
	// pack's pending blobs that failed): each Sync from the one that
	// found it fails with it, until Close. A caller, or another of the
	// batch's goroutines, may hold a reference to a blob lost, committed
	// before its own Sync, which must not return nil for it.
	lost error
	// syncing is held by a Sync for its whole run: a second Sync waits
	// for it rather than return while the blobs the first took are still
	// being made durable.
	syncing sync.Mutex
}

// syncers bounds the fsyncs Sync has in flight at once.
const syncers = 16

// Batch returns a new, empty batch of blobs.
func (b *Blobs) Batch() *BlobBatch {
	return &BlobBatch{blobs: b, dirs: map[string]bool{}, folder: newBlobName()[:2]}
}

// Create starts a blob, held in memory until it proves larger than a
// chunk or is committed, and then written into a pack of the batch.
func (g *BlobBatch) Create() (*BlobWriter, error) {
	w, err := g.blobs.newWriter()
	if err != nil {
		return nil, err
	}
	w.batch = g
	return w, nil
}

// Open returns a reader of a blob's plain content, of this batch or any
// other: a blob of the batch opens once its Commit has returned, from
// memory while it is among its pack's pending blobs.
func (g *BlobBatch) Open(ref string) (io.ReadCloser, error) {
	if r, err := parseRef(ref); err == nil && r.packed {
		if b := g.pending(r); b != nil {
			return g.blobs.read(r, bytes.NewReader(b), chunkCloser(b))
		}
	}
	return g.blobs.Open(ref)
}

// Sync makes every blob of the batch committed so far durable: the packs'
// data, then their folders' entries. The packs are synced through the
// descriptors they were written with, so that a write-back error is never
// missed. Once blobs of the batch are lost (their pack's write failed),
// every Sync fails, until Close gives them up. Syncs called at once from
// several goroutines run one after the other: each returns once every blob
// committed before it was called is durable.
func (g *BlobBatch) Sync() error {
	g.syncing.Lock()
	defer g.syncing.Unlock()
	dirs, err := g.syncPacks()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	return parallel(len(names), func(i int) error { return syncDir(names[i]) })
}

// chunkCloser gives a buffer of chunks back when closed.
type chunkCloser []byte

func (b chunkCloser) Close() error {
	putChunk(b)
	return nil
}

// Close gives up the blobs not yet synced, and those lost: they stay in
// place, named by nothing, as after a crash.
func (g *BlobBatch) Close() { g.closePacks() }

// small returns the bytes of a small blob kept in the database.
func (b *Blobs) small(name string) ([]byte, error) {
	var data []byte
	err := b.db.Read(context.Background(), func(tx *Tx) error {
		return tx.queryRow(`SELECT data FROM blob_data WHERE name = ?`, name).Scan(&data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("blob %s: %w", name, ErrNoBlob)
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", name, err)
	}
	return data, nil
}

// removeSmall deletes a small blob from the database (its bytes are
// zeroed in the file: secure_delete).
func (b *Blobs) removeSmall(name string) error {
	return b.db.Write(context.Background(), func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM blob_data WHERE name = ?`, name)
		return err
	})
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
