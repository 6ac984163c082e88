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
// A blob that fits in one chunk (a raw message or a mail of up to 64 KiB:
// nearly every one) and is made with Create is no file: its bytes, the
// same as a file's would be, are held in memory and written to the
// database by the transaction that names it (Tx.KeepBlobs), so it costs no
// file, no fsync and no folder entry, and is rolled back with that
// transaction. Creating a file is the dearest thing a small blob would
// cost; SQLite reads and writes small blobs faster than a file system
// does. Larger blobs, and the blobs of CreateFile (attachments: SPEC 4.6
// keeps them in the data folder), are written into the batch's packs
// (pack.go): files of blobs laid end to end, one a batch as a rule, so
// that the batch costs one file, not one an attachment. A blob is in its
// place when its Commit returns; Sync then flushes the packs, and the
// folder entries that name them, at once. A batch's packs are named into
// one folder of blobs/, drawn at random for the batch (a name's first
// byte is the batch's, the other fifteen the pack's own). Until Sync
// returns, a crash may lose those blobs or leave them truncated, so no
// row may name one before.
//
// A batch's Sub batches share its files and its Sync; each keeps its own
// small blobs, for the transaction of its own message or mail. A
// BlobBatch is safe for concurrent use; Sync may be called again for the
// files written since.
type BlobBatch struct {
	blobs *Blobs
	root  *BlobBatch
	mu    sync.Mutex
	small []smallBlob // this batch's own
	// The root's:
	packs  []*pack
	dirs   map[string]bool // the folders of the packs, to sync
	room   int             // bytes of small blobs the batch may still hold in memory
	folder string          // the folder of blobs/ the batch's files are named into
}

type smallBlob struct {
	name string
	data []byte
}

// batchMemory bounds the small blobs a batch holds in memory: past it, they
// are files.
const batchMemory = 32 << 20

// syncers bounds the fsyncs Sync has in flight at once.
const syncers = 16

// Batch returns a new, empty batch of blobs.
func (b *Blobs) Batch() *BlobBatch {
	g := &BlobBatch{blobs: b, dirs: map[string]bool{}, room: batchMemory, folder: newBlobName()[:2]}
	g.root = g
	return g
}

// Sub returns a batch of its own small blobs whose files are g's.
func (g *BlobBatch) Sub() *BlobBatch { return &BlobBatch{blobs: g.blobs, root: g.root} }

// Create starts a blob, kept in the database when it is small.
func (g *BlobBatch) Create() (*BlobWriter, error) {
	w, err := g.blobs.newWriter()
	if err != nil {
		return nil, err
	}
	w.batch = g
	return w, nil
}

// CreateFile starts a blob that is a file whatever its size. The file is
// made once the blob's first chunk is sealed (by Commit, for a blob of one
// chunk), so that its header and that chunk go in one write.
func (g *BlobBatch) CreateFile() (*BlobWriter, error) {
	w, err := g.Create()
	if err != nil {
		return nil, err
	}
	w.file = true
	w.mem = append(getChunk(), w.mem...) // its first chunk's room, given back by toFile
	return w, nil
}

// keepSmall takes a small blob's bytes, when the batch has room for them.
func (g *BlobBatch) keepSmall(name string, data []byte) bool {
	r := g.root
	r.mu.Lock()
	ok := r.room >= len(data)
	if ok {
		r.room -= len(data)
	}
	r.mu.Unlock()
	if ok {
		g.mu.Lock()
		g.small = append(g.small, smallBlob{name, data})
		g.mu.Unlock()
	}
	return ok
}

// Open returns a reader of a blob's plain content: a small blob of this
// batch not yet kept in the database, or any other.
func (g *BlobBatch) Open(ref string) (io.ReadCloser, error) {
	r, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	var data []byte
	for _, s := range g.small {
		if s.name == r.name {
			data = s.data
		}
	}
	g.mu.Unlock()
	if data == nil {
		return g.blobs.Open(ref)
	}
	rd := bytes.NewReader(data)
	return g.blobs.read(r, rd, io.NopCloser(rd))
}

// KeepBlobs writes the small blobs of g in the transaction: they are
// durable, and open for everyone, when it commits, and gone when it rolls
// back. The transaction that names a batch's blobs calls it.
func (t *Tx) KeepBlobs(g *BlobBatch) error {
	g.mu.Lock()
	small := g.small
	g.mu.Unlock()
	for _, s := range small {
		if _, err := t.exec(`INSERT INTO blob_data (name, data) VALUES (?, ?)`, s.name, s.data); err != nil {
			return fmt.Errorf("store: blob %s: %w", s.name, err)
		}
	}
	return nil
}

// Sync makes every blob of the batch committed so far durable: the packs'
// data, then their folders' entries. The packs are synced through the
// descriptors they were written with, so that a write-back error is never
// missed.
func (g *BlobBatch) Sync() error {
	dirs, err := g.root.syncPacks()
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
func (g *BlobBatch) Close() { g.root.closePacks() }

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
