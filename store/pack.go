package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A pack is one file of a batch's blobs (BlobBatch), laid end to end, as a
// log-structured mail store packs a folder's messages: the blobs that
// would each have cost a file — the attachments, the raw
// messages and the mails sent — cost a file a batch instead,
// made, synced and named in its folder once. Each blob in a pack is sealed
// exactly as a blob file is (its header, its own random key, its STREAM
// chunks: the bytes of a blob file), and its reference names the pack and
// its range there ("NAME-OFF-SIZE-KEY-HASH", blobRef). A pack is only
// ever appended to, by one blob at a time: a blob streams into a pack that
// no other blob of the batch is writing, so a multi-megabyte video is
// never held in memory, and a batch whose parsers stream two large
// attachments at once writes them into two packs. A blob aborted while
// written is cut off its pack again.
//
// Like a blob file, a pack is named by no row until the batch's Sync has
// made it durable, with its folder's entry; a crash before leaves an
// orphan that SweepOrphans removes once it is older than orphanAge (a
// pack's time of change is its last write: of a blob streaming into it,
// or of its pending blobs, at the Sync as a rule, or at the first Commit
// after pendAge without a write) and no row names any blob of
// it. The range of a blob that no row names although its pack's others
// are — the attachment of a message whose transaction rolled back alone,
// to be tried again — is left in place, until no row names any blob of
// the pack and the sweep removes it whole: it is sealed under a key that
// only the rolled-back row held, so it opens for no one, and freeing it
// would cost the sweep a read of every row's range for a rare loss of
// room. An erasure frees its blobs' ranges (Blobs.removeName).
type pack struct {
	f    *os.File
	name string
	size int64 // bytes of the blobs committed into it, pend's included
	busy bool  // a blob is being written into it
	// dirty: blobs committed since the last Sync; retired: to be closed
	// at the next Sync, taking no more blobs (its end is not known).
	dirty, retired bool
	// pend are the blobs of one chunk committed whole (addWhole) and not
	// yet written: the pack's bytes from its file's end, at written. They
	// are written together (flush) at the batch's Sync, when they reach
	// pendMax, or before a blob streams into the pack, rather than with a
	// write each: a batch's raw messages, attachments and mails sent are
	// as a rule of one chunk. err is a write of them that failed: those
	// blobs are lost, and the batch's Sync fails.
	pend    []byte
	written int64
	err     error
	synced  bool // a Sync has made blobs of it durable: rows may name it
	// changed is when its file last changed: made, or written.
	changed time.Time
}

// pendMax is how many bytes of whole blobs a pack holds before writing
// them.
const pendMax = 256 << 10

// pendAge is how long a pack's file may go unchanged while blobs are
// committed into it before they are written: the orphan sweep judges a
// pack by its time of change (orphanAge), and a batch kept open for long
// — the outbox's, while a slow server takes a batch's mails — keeps its
// pack's time of change within pendAge of its last blob, as when each
// blob was written at its Commit.
const pendAge = 10 * time.Minute

// pends are the buffers of packs' pending blobs, used in turn: a batch's
// pack would otherwise grow one, by doubling, for each batch. A buffer
// holds pendMax bytes and one more blob of one chunk (chunkRoom).
var pends = sync.Pool{New: func() any {
	b := make([]byte, 0, pendMax+chunkRoom)
	return &b
}}

// release gives the pack's buffer of pending blobs back, when the pack is
// done with.
func (p *pack) release() {
	if p.pend != nil {
		b := p.pend[:0]
		pends.Put(&b)
		p.pend = nil
	}
}

// flush writes the pack's pending blobs to its file.
func (p *pack) flush() error {
	if p.err != nil || len(p.pend) == 0 {
		return p.err
	}
	if _, err := p.f.Write(p.pend); err != nil {
		p.err, p.retired = fmt.Errorf("blob pack %s: %w", p.name, err), true
		return p.err
	}
	p.written += int64(len(p.pend))
	p.pend = p.pend[:0]
	p.changed = time.Now()
	return nil
}

// takePack gives a blob a pack of the batch that no blob is writing,
// made when there is none, to stream into: its pending blobs written.
func (g *BlobBatch) takePack() (*pack, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, err := g.freePack()
	if err != nil {
		return nil, err
	}
	if err := p.flush(); err != nil {
		return nil, err
	}
	p.busy = true
	return p, nil
}

// addWhole adds a blob of one chunk, sealed whole in b, to a pack of the
// batch that no blob is writing, among its pending blobs, and returns the
// pack and where the blob starts in it.
func (g *BlobBatch) addWhole(b []byte) (*pack, int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p, err := g.freePack()
	if err != nil {
		return nil, 0, err
	}
	start := p.size
	if p.pend == nil {
		p.pend = *pends.Get().(*[]byte)
	}
	p.pend = append(p.pend, b...)
	p.size, p.dirty = start+int64(len(b)), true
	if len(p.pend) >= pendMax || time.Since(p.changed) > pendAge {
		if err := p.flush(); err != nil {
			return nil, 0, err
		}
	}
	return p, start, nil
}

// pending returns a copy of the bytes of a blob of the batch still among
// its pack's pending blobs, in a buffer of chunks (putChunk gives it
// back), or nil.
func (g *BlobBatch) pending(r blobRef) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.packs {
		if p.name == r.name && r.off >= p.written && r.off+r.size <= p.written+int64(len(p.pend)) {
			return append(getChunk(), p.pend[r.off-p.written:r.off-p.written+r.size]...)
		}
	}
	return nil
}

// freePack returns a pack of the batch that no blob is writing, made
// when there is none. g.mu is held.
func (g *BlobBatch) freePack() (*pack, error) {
	for _, p := range g.packs {
		if !p.busy && !p.retired {
			return p, nil
		}
	}
	name := g.folder + newBlobName()[2:]
	f, made, err := createIn(g.blobs.path(name))
	if err != nil {
		return nil, err
	}
	p := &pack{f: f, name: name, changed: time.Now()}
	g.packs = append(g.packs, p)
	dir := filepath.Dir(f.Name())
	g.dirs[dir] = true
	if made {
		g.dirs[filepath.Dir(dir)] = true
	}
	return p, nil
}

// putPack gives back the pack of a blob committed, which ends at end.
func (g *BlobBatch) putPack(p *pack, end int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	p.size, p.written, p.busy, p.dirty, p.changed = end, end, false, true, time.Now()
}

// dropFromPack gives back the pack of a blob aborted, cutting the blob
// off it. A pack that cannot be cut is retired; one that holds no blob
// then goes.
func (g *BlobBatch) dropFromPack(p *pack, start int64) {
	err := p.f.Truncate(start)
	if err == nil {
		_, err = p.f.Seek(start, 0)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	p.busy = false
	if err == nil {
		p.written = start
		return
	}
	p.retired = true
	if p.size == 0 {
		p.f.Close()
		os.Remove(p.f.Name())
		g.packs = deletePack(g.packs, p)
	}
}

func deletePack(packs []*pack, p *pack) []*pack {
	for i, q := range packs {
		if q == p {
			return append(packs[:i], packs[i+1:]...)
		}
	}
	return packs
}

// syncPacks makes the blobs committed into the batch's packs durable and
// closes the packs no blob is writing, which later blobs of the batch do
// not use: it returns the folders whose entries are still to be synced.
func (g *BlobBatch) syncPacks() (map[string]bool, error) {
	g.mu.Lock()
	var dirty, done []*pack
	var written []bool // of each dirty pack: its pending blobs written now
	var failed []error
	keep := g.packs[:0]
	for _, p := range g.packs {
		err := p.flush()
		if err != nil {
			failed = append(failed, err)
		}
		if p.dirty {
			dirty, written = append(dirty, p), append(written, err == nil)
			p.dirty = false
		}
		if p.busy {
			keep = append(keep, p)
		} else {
			done = append(done, p)
		}
	}
	g.packs = keep
	dirs := g.dirs
	g.dirs = map[string]bool{}
	if g.lost == nil && len(failed) > 0 {
		g.lost = errors.Join(failed...)
	}
	lost := g.lost
	g.mu.Unlock()
	err := errors.Join(lost, parallel(len(dirty), func(i int) error {
		return g.syncDirty(dirty[i], written[i])
	}))
	for _, p := range done {
		p.release()
		if cerr := p.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("blob pack %s: %w", p.name, cerr)
		}
		if p.err != nil && !p.synced {
			// Its pending blobs were never written, and no row names a
			// blob of it: it goes, as an aborted blob's file does.
			os.Remove(p.f.Name())
		}
	}
	return dirs, err
}

// syncDirty makes the bytes of a pack that a Sync took durable, and
// checks that it is in its place. A pack whose pending blobs were all
// written when the Sync took it (written) is then synced: rows may name
// its blobs, and the pack stays when a write of blobs committed into it
// since — by a batch's other goroutines, while the Sync is under way —
// fails. Whether it was written is known when the Sync takes the pack,
// under the batch's lock, not after its fsync.
func (g *BlobBatch) syncDirty(p *pack, written bool) error {
	if err := syncPack(p.f); err != nil {
		return fmt.Errorf("blob pack %s: %w", p.name, err)
	}
	if err := g.blobs.inPlace(p); err != nil {
		return err
	}
	if written {
		g.mu.Lock()
		p.synced = true
		g.mu.Unlock()
	}
	return nil
}

// syncPack makes a pack's bytes durable (a variable: a test commits
// blobs while a Sync is under way).
var syncPack = (*os.File).Sync

// inPlace checks that a pack is still the file of its name. A batch
// open for longer than orphanAge since its pack's last write (a process
// that stalled; a pack whose blobs are all pending was last written when
// it was made) may find its pack removed by the sweep of another process, as
// an orphan: the batch then fails, its blobs to be written again, rather
// than let rows name bytes no longer on disk.
func (b *Blobs) inPlace(p *pack) error {
	mine, err := p.f.Stat()
	if err != nil {
		return fmt.Errorf("blob pack %s: %w", p.name, err)
	}
	named, err := os.Stat(b.path(p.name))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("blob pack %s: removed while written (an orphan swept): %w", p.name, err)
	case err != nil:
		return fmt.Errorf("blob pack %s: %w", p.name, err)
	case !os.SameFile(mine, named):
		return fmt.Errorf("blob pack %s: removed while written (an orphan swept): another file has its name", p.name)
	}
	return nil
}

// closePacks closes the packs no blob is writing, not synced: they stay
// in place, named by nothing, as after a crash. The blobs lost before are
// given up with them: the batch's next Sync is of the blobs committed
// from now on.
func (g *BlobBatch) closePacks() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lost = nil
	keep := g.packs[:0]
	for _, p := range g.packs {
		if p.busy {
			p.retired = true
			keep = append(keep, p)
			continue
		}
		p.release()
		p.f.Close()
	}
	g.packs = keep
	g.dirs = map[string]bool{}
}

// freeRange frees the bytes of a blob in its pack, once an erasure has
// destroyed the key that opened it: a hole is punched (freeBytes), so
// that nothing of the blob is left on the disk and its room is given
// back. A pack already gone is no error.
func (b *Blobs) freeRange(r blobRef) error {
	f, err := openAside(b.path(r.name), os.O_WRONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob pack %s: %w", r.name, err)
	}
	defer f.Close()
	if err := freeBytes(f, r.off, r.size); err != nil {
		return fmt.Errorf("blob pack %s: free %d bytes at %d: %w", r.name, r.size, r.off, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blob pack %s: %w", r.name, err)
	}
	return f.Close()
}

// freeable reports whether an erasure may free the place of a reference
// (blobRef.place): a range of a pack that holds its blob (holds); a file
// that is its blob whole, not a pack that a reference forged or damaged
// names as a blob file; a small blob of the database; a version 1 blob,
// named by its content's hash, which is never a pack.
func (b *Blobs) freeable(r blobRef) bool {
	if r.key == nil || r.packed {
		return r.key == nil || b.holds(r)
	}
	info, err := os.Stat(b.path(r.name))
	if err != nil {
		return true // a small blob, or a file already gone
	}
	r.off, r.size = 0, info.Size()
	return b.holds(r)
}

// holds reports whether the range of a blob's reference holds the blob
// its key sealed: at the range's end the blob's last chunk, which
// opens under that key at no other place (each blob has a key of its
// own, and a chunk's nonce its number). An erasure frees only such
// ranges: a reference forged or damaged to name the bytes of another
// blob, or the whole pack, frees nothing (its key goes with its row).
func (b *Blobs) holds(r blobRef) bool {
	const sealed = blobChunkSize + 16 // a chunk sealed: AES-GCM's overhead added
	body := r.size - int64(len(blobMagic))
	k, last := body/sealed, body%sealed
	if r.key == nil || body < 16 || last < 16 {
		return false
	}
	f, err := openAside(b.path(r.name), os.O_RDONLY)
	if err != nil {
		return false
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || r.off > info.Size()-r.size {
		return false
	}
	aead, err := newAEAD(r.key)
	if err != nil {
		return false
	}
	chunk := getChunk()[:last]
	defer putChunk(chunk)
	if _, err := f.ReadAt(chunk, r.off+int64(len(blobMagic))+k*sealed); err != nil {
		return false
	}
	_, err = aead.Open(chunk[:0], chunkNonce(uint64(k), true), chunk, nil)
	return err == nil
}

// zeroBytes overwrites n bytes of f at off with zeros: how freeBytes
// frees them where the file system punches no holes.
func zeroBytes(f *os.File, off, n int64) error {
	zeros := make([]byte, min(n, 64<<10))
	for n > 0 {
		k := min(n, int64(len(zeros)))
		if _, err := f.WriteAt(zeros[:k], off); err != nil {
			return err
		}
		off, n = off+k, n-k
	}
	return nil
}
