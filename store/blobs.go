package store

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Blobs is the encrypted file store in the data folder: raw messages,
// attachments and the mail we sent. Each blob has a random name and a random
// key of its own; its bytes are encrypted with AES-256-GCM in 64 KiB chunks
// (the STREAM construction: each chunk's nonce holds its number and whether
// it is the last, so chunks cannot be reordered, dropped or truncated
// unnoticed). A blob file is written in its place, under a random name
// that no row holds until the file is complete and durable, and never
// changes afterwards; the file a crash left half written is an orphan
// like any other that no row names, which SweepOrphans removes (a
// temporary file renamed into place cost a rename and a folder entry
// more, for nothing the sweep does not do). A batch's blobs are written
// end to end into a pack file of the batch, the same bytes at a place of
// the pack (pack.go); the small blobs of earlier versions' batches are
// kept in the database, the same bytes under the same name (blobbatch.go).
//
// A blob is read back through its reference, "NAME-KEY-HASH" in
// hexadecimal: the file's name, the blob's key, and a keyed hash
// (HMAC-SHA-256) of its content, the fingerprint the duplicate check looks
// up; a packed blob's is "NAME-OFF-SIZE-KEY-HASH", NAME its pack's and
// OFF and SIZE its range there. A blob written Unhashed — a mail we sent,
// which nothing looks up by its content — carries zeros for HASH. A reference opens its blob, so the store seals every reference it
// keeps under the data key of the report the row belongs to (SPEC 10.5):
// once that key is destroyed, no copy of the data folder opens the report's
// files. Blobs written before data keys (version 1) were named by the keyed
// hash of their content, which is their whole reference, and encrypted
// under a key derived from the encryption key; they are still read.
type Blobs struct {
	dir   string
	keys  *keys
	db    *DB // of the small blobs of earlier versions (blobbatch.go)
	packs openPacks
}

const (
	blobMagic      = "PAB2"
	blobMagicV1    = "PAB1"
	blobSaltSize   = 16 // version 1 blobs
	blobChunkSize  = 64 << 10
	blobNameSize   = 16 // random bytes of a blob's name
	blobKeySize    = 32
	legacyBlobName = 64 // hexadecimal digits of a version 1 blob's name
)

// ErrNoBlob is returned by Open for a key the store does not hold: one
// that is no reference, or whose blob file, pack or small blob's row is
// gone.
var ErrNoBlob = errors.New("no such blob")

func newBlobs(dir string, k *keys) (*Blobs, error) {
	for _, d := range []string{dir, filepath.Join(dir, "blobs"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
	}
	b := &Blobs{dir: dir, keys: k}
	return b, b.cleanTemp()
}

// cleanTemp removes the temporary files a stopped process left behind
// (the mailer's spilled mail, and the partial blobs of versions that
// wrote blobs there first): those untouched for an hour, since another
// process (`phananh ingest` beside `phananh serve`) may be writing the
// newer ones.
func (b *Blobs) cleanTemp() error {
	tmp := filepath.Join(b.dir, "tmp")
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) || err == nil && time.Since(info.ModTime()) < time.Hour {
			continue
		}
		if err := os.Remove(filepath.Join(tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("data folder: %w", err)
		}
	}
	return nil
}

// blobRef is a parsed blob reference.
type blobRef struct {
	name string // the file's name, hexadecimal: the blob's own, or its pack's
	key  []byte // nil for a version 1 blob
	hash string // the keyed content hash, hexadecimal
	// packed: the blob is the bytes [off, off+size) of the pack file name
	// (pack.go), not a file of its own.
	packed    bool
	off, size int64
}

func (r blobRef) String() string {
	if r.key == nil {
		return r.name
	}
	// Made in the builder's one allocation: its parts are encoded on the
	// stack (a pack's name and range, the key), not into bytes that a
	// string would copy.
	var s strings.Builder
	s.Grow(len(r.name) + 2*(1+16) + 1 + 2*len(r.key) + 1 + len(r.hash))
	var place [128]byte
	s.Write(r.appendPlace(place[:0]))
	s.WriteByte('-')
	var key [2 * blobKeySize]byte
	s.Write(hex.AppendEncode(key[:0], r.key))
	s.WriteByte('-')
	s.WriteString(r.hash)
	return s.String()
}

// place names where the blob's bytes are, and nothing more: its file's
// name, or its pack's and its range there ("NAME-OFF-SIZE", the two in
// 16 hexadecimal digits). An erasure records the places of a report's
// blobs, to free them (Blobs.removeName).
func (r blobRef) place() string {
	if !r.packed {
		return r.name
	}
	return string(r.appendPlace(make([]byte, 0, len(r.name)+2*(1+16))))
}

// appendPlace appends what place writes to b, in one go: a blob's
// reference is written for each blob a batch commits.
func (r blobRef) appendPlace(b []byte) []byte {
	b = append(b, r.name...)
	if r.packed {
		b = appendOffset(append(b, '-'), r.off)
		b = appendOffset(append(b, '-'), r.size)
	}
	return b
}

// appendOffset appends n as 16 hexadecimal digits, as %016x writes it.
func appendOffset(b []byte, n int64) []byte {
	var d [8]byte
	binary.BigEndian.PutUint64(d[:], uint64(n))
	return hex.AppendEncode(b, d[:])
}

// parsePlace reads what place wrote.
func parsePlace(s string) (blobRef, error) {
	parts := strings.Split(s, "-")
	switch {
	case len(parts) == 1 && (isHex(s, 2*blobNameSize) || isHex(s, legacyBlobName)):
		return blobRef{name: s}, nil
	case len(parts) == 3 && isHex(parts[0], 2*blobNameSize):
		off, err1 := parseOffset(parts[1])
		size, err2 := parseOffset(parts[2])
		if err1 == nil && err2 == nil && size <= 1<<63-1-off {
			return blobRef{name: parts[0], packed: true, off: off, size: size}, nil
		}
	}
	return blobRef{}, fmt.Errorf("blob %q: %w", s, ErrNoBlob)
}

// parseOffset reads an offset or a size of a packed blob's reference.
func parseOffset(s string) (int64, error) {
	if !isHex(s, 16) {
		return 0, ErrNoBlob
	}
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil || n < 0 {
		return 0, ErrNoBlob
	}
	return n, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// parseRef reads a blob reference of any version: a version 1 blob's
// name, "NAME-KEY-HASH" of a blob file, "NAME-OFF-SIZE-KEY-HASH" of a
// blob in a pack.
func parseRef(ref string) (blobRef, error) {
	if isHex(ref, legacyBlobName) {
		return blobRef{name: ref, hash: ref}, nil
	}
	i := strings.LastIndexByte(ref, '-')
	j := -1
	if i > 0 {
		j = strings.LastIndexByte(ref[:i], '-')
	}
	if j > 0 && isHex(ref[j+1:i], 2*blobKeySize) && isHex(ref[i+1:], 64) {
		r, err := parsePlace(ref[:j])
		if err == nil && len(r.name) == 2*blobNameSize {
			r.key, _ = hex.DecodeString(ref[j+1 : i])
			r.hash = ref[i+1:]
			return r, nil
		}
	}
	return blobRef{}, fmt.Errorf("blob reference %.12q…: %w", ref, ErrNoBlob)
}

// contentHash is the keyed content hash a reference carries; a string that
// is no reference is its own fingerprint.
func contentHash(ref string) string {
	r, err := parseRef(ref)
	if err != nil {
		return ref
	}
	return r.hash
}

// legacyRef reports whether ref is a version 1 blob's.
func legacyRef(ref string) bool { return isHex(ref, legacyBlobName) }

func (b *Blobs) path(name string) string {
	return filepath.Join(b.dir, "blobs", name[:2], name)
}

// BlobWriter writes one blob. Nothing is visible until Commit.
type BlobWriter struct {
	blobs *Blobs
	batch *BlobBatch // nil: Commit makes the blob durable itself
	f     *os.File   // nil while the blob is held in memory (its first chunk)
	fname string     // the file's name, once it is a file
	made  bool       // createIn made the file's folder
	pack  *pack      // a batch's blob: the pack it is written into, from start
	start int64
	n     int64  // bytes written to the file or the pack
	mem   []byte // the blob's header and first chunk while f is nil, once sealed
	key   []byte
	aead  cipher.AEAD
	name  hash.Hash // the keyed content hash, made at the first Write
	buf   []byte
	chunk uint64
	size  int64
	err   error

	// unhashed: the reference carries noHash, not the content's hash.
	unhashed bool
}

// Create starts a new blob.
func (b *Blobs) Create() (*BlobWriter, error) {
	w, err := b.newWriter()
	if err != nil {
		return nil, err
	}
	if err := w.toFile(); err != nil {
		w.Abort()
		return nil, err
	}
	return w, nil
}

// newWriter starts a blob held in memory until toFile.
func (b *Blobs) newWriter() (*BlobWriter, error) {
	key := make([]byte, blobKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("new blob: %w", err)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &BlobWriter{
		blobs: b, key: key, aead: aead, buf: getChunk(),
	}, nil
}

// noHash is the content hash of an Unhashed blob's reference.
var noHash = strings.Repeat("0", 2*sha256.Size)

// Unhashed makes the blob's reference carry no hash of its content, the
// fingerprint the duplicate check looks up (zeros in its place), sparing
// the keyed hash of every byte: for blobs that nothing looks up by their
// content, such as the mail we sent. It is called before the first Write.
func (w *BlobWriter) Unhashed() { w.unhashed = true }

// hashed returns the keyed hash of the content written so far, made
// when the blob has none yet.
func (w *BlobWriter) hashed() hash.Hash {
	if w.name == nil {
		w.name = w.blobs.keys.namers.Get().(hash.Hash)
		w.name.Reset()
	}
	return w.name
}

// releaseName gives the keyed hash back to the pool it came from, once
// its sum is taken or the blob aborted.
func (w *BlobWriter) releaseName() {
	if w.name != nil {
		w.blobs.keys.namers.Put(w.name)
		w.name = nil
	}
}

// chunks are the buffers of one sealed chunk, with room for a blob's
// header before it, that writers and readers use in turn: a blob would
// otherwise allocate, and the collector sweep, 64 KiB or more for a
// message of a few.
var chunks = sync.Pool{New: func() any {
	b := make([]byte, 0, chunkRoom)
	return &b
}}

// chunkRoom is the size of a buffer of chunks: a blob's header and a
// chunk sealed (16: AES-GCM's overhead).
const chunkRoom = len(blobMagic) + blobChunkSize + 16

func getChunk() []byte { return (*chunks.Get().(*[]byte))[:0] }

func putChunk(b []byte) {
	if cap(b) == chunkRoom {
		b = b[:0]
		chunks.Put(&b)
	}
}

// release gives the writer's chunk buffer back.
func (w *BlobWriter) release() {
	putChunk(w.buf)
	w.buf = nil
}

// toFile moves the blob's bytes so far to its file, where the rest goes:
// the header and the first chunk in one write. A batch's blobs go into
// one of the batch's packs instead (pack.go).
func (w *BlobWriter) toFile() error {
	if w.batch != nil {
		p, err := w.batch.takePack()
		if err != nil {
			w.err = fmt.Errorf("new blob: %w", err)
			return w.err
		}
		w.pack, w.f, w.start = p, p.f, p.size
	} else {
		name := newBlobName()
		f, made, err := createIn(w.blobs.path(name))
		if err != nil {
			w.err = fmt.Errorf("new blob: %w", err)
			return w.err
		}
		w.f, w.fname, w.made = f, name, made
	}
	if w.mem == nil { // a blob of no chunk yet (Blobs.Create)
		w.mem = append(getChunk(), blobMagic...)
	}
	err := w.write(w.mem)
	putChunk(w.mem)
	w.mem = nil
	return err
}

// write writes p to the blob's file or pack.
func (w *BlobWriter) write(p []byte) error {
	n, err := w.f.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("blob: %w", err)
	}
	return w.err
}

// Write adds p to the blob.
func (w *BlobWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	if !w.unhashed {
		w.hashed().Write(p)
	}
	w.size += int64(n)
	for len(p) > 0 {
		k := min(blobChunkSize-len(w.buf), len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
		if len(w.buf) == blobChunkSize {
			if err := w.flushChunk(false); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// Size is the number of plain bytes written so far.
func (w *BlobWriter) Size() int64 { return w.size }

func (w *BlobWriter) flushChunk(last bool) error {
	nonce := chunkNonce(w.chunk, last)
	w.chunk++
	if w.f == nil {
		// The first chunk, sealed behind the blob's header in a buffer
		// of the pool, held until the blob's file or pack is known
		// (Commit, or the next chunk), then written with it in one write.
		w.mem = w.aead.Seal(append(getChunk(), blobMagic...), nonce, w.buf, nil)
		w.buf = w.buf[:0]
		if last {
			return nil
		}
		return w.toFile()
	}
	sealed := w.aead.Seal(w.buf[:0], nonce, w.buf, nil)
	w.buf = w.buf[:0]
	return w.write(sealed)
}

func chunkNonce(n uint64, last bool) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint64(nonce[3:11], n)
	if last {
		nonce[11] = 1
	}
	return nonce
}

// Commit seals the last chunk, makes the blob durable and returns its
// reference.
func (w *BlobWriter) Commit() (string, error) {
	if w.err != nil {
		w.Abort()
		return "", w.err
	}
	if err := w.flushChunk(true); err != nil {
		w.Abort()
		return "", err
	}
	w.release()
	ref := blobRef{key: w.key, hash: noHash}
	if !w.unhashed {
		var sum [sha256.Size]byte
		ref.hash = hex.EncodeToString(w.hashed().Sum(sum[:0]))
	}
	w.releaseName()
	if w.f == nil { // a batch's blob of one chunk, held until now
		p, start, err := w.batch.addWhole(w.mem)
		w.n = int64(len(w.mem))
		putChunk(w.mem)
		w.mem = nil
		if err != nil {
			w.err = fmt.Errorf("blob: %w", err)
			return "", w.err
		}
		ref.name, ref.packed, ref.off, ref.size = p.name, true, start, w.n
		return ref.String(), nil
	}
	if w.pack != nil {
		ref.name, ref.packed, ref.off, ref.size = w.pack.name, true, w.start, w.n
		w.batch.putPack(w.pack, w.start+w.n)
		w.pack, w.f = nil, nil
		return ref.String(), nil
	}
	ref.name = w.fname
	if err := w.finish(); err != nil {
		w.Abort()
		return "", err
	}
	// The file's folder entry, and the folder's own in blobs/ when
	// createIn has just made it.
	dir := filepath.Dir(w.f.Name())
	if err := syncDir(dir); err != nil {
		return "", err
	}
	if w.made {
		if err := syncDir(filepath.Dir(dir)); err != nil {
			return "", err
		}
	}
	return ref.String(), nil
}

// newBlobName is a new blob's random name, in hexadecimal.
func newBlobName() string {
	rnd := make([]byte, blobNameSize)
	rand.Read(rnd)
	return hex.EncodeToString(rnd)
}

// createIn creates a new file at path, making its folder only when it is
// missing (for the first blobs of a data folder), and says whether it made
// it: making sure of the folder before every file would cost as much as
// the file. (A variable: tests make files that fail.)
var createIn = func(path string) (*os.File, bool, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, false, err
	}
	if err = os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	return f, err == nil, err
}

func (w *BlobWriter) finish() error {
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// Abort discards the blob.
func (w *BlobWriter) Abort() error {
	w.err = errors.New("blob: aborted")
	w.release()
	w.releaseName()
	if w.f == nil {
		putChunk(w.mem)
		w.mem = nil
		return nil
	}
	if w.pack != nil {
		w.batch.dropFromPack(w.pack, w.start)
		w.pack, w.f = nil, nil
		return nil
	}
	w.f.Close()
	if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// syncDir makes a folder's entries durable (a variable: tests see which).
var syncDir = func(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	return nil
}

// Put stores everything r yields as one blob.
func (b *Blobs) Put(r io.Reader) (key string, size int64, err error) {
	w, err := b.Create()
	if err != nil {
		return "", 0, err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return "", 0, fmt.Errorf("blob: %w", err)
	}
	key, err = w.Commit()
	return key, w.Size(), err
}

// Open returns a reader of a blob's plain content. A damaged or truncated
// blob reads as an error, never as short content; a blob whose file or
// pack is gone from the data folder opens as ErrNoBlob.
func (b *Blobs) Open(ref string) (io.ReadCloser, error) {
	r, err := parseRef(ref)
	if err != nil {
		return nil, err
	}
	if r.packed {
		p, err := b.packs.get(b.path(r.name))
		if errors.Is(err, fs.ErrNotExist) {
			// The pack is gone, and the blob with it, as a blob file of
			// its own is when neither it nor a small blob's row is there.
			return nil, fmt.Errorf("blob %s: %w: %w", r.name, ErrNoBlob, err)
		}
		if err != nil {
			return nil, fmt.Errorf("blob %s: %w", r.name, err)
		}
		return b.read(r, io.NewSectionReader(p.f, r.off, r.size), packReader{&b.packs, p})
	}
	f, err := openAside(b.path(r.name), os.O_RDONLY)
	if errors.Is(err, os.ErrNotExist) {
		data, err := b.small(r.name)
		if err != nil {
			return nil, err
		}
		rd := bytes.NewReader(data)
		return b.read(r, rd, io.NopCloser(rd))
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", r.name, err)
	}
	return b.read(r, f, f)
}

// openAside opens the file at path, or, when there is none, the file the
// orphan sweep has set aside under its name: a row may name it until the
// sweep's second reading puts it back, or until the next sweep after one
// killed (SweepOrphans), and the outbox takes a mail's file that does not
// open for gone, sending the mail without it; an erasure frees such a blob
// as any other.
func openAside(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag, 0)
	if errors.Is(err, fs.ErrNotExist) {
		if a, err2 := os.OpenFile(path+asideSuffix, flag, 0); err2 == nil {
			return a, nil
		}
	}
	return f, err
}

// read opens the blob src holds; c closes src.
func (b *Blobs) read(r blobRef, src io.Reader, c io.Closer) (io.ReadCloser, error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(src)
	aead, err := b.header(br, r)
	if err != nil {
		readers.Put(br)
		c.Close()
		return nil, fmt.Errorf("blob %s: %w", r.name, err)
	}
	return &blobReader{key: r.name, c: c, r: br, aead: aead, sealed: getChunk()[:blobChunkSize+aead.Overhead()]}, nil
}

// readers are the buffered readers of blobs, used in turn.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, blobChunkSize+64) }}

// header reads a blob file's header and returns the cipher of its chunks.
func (b *Blobs) header(br *bufio.Reader, r blobRef) (cipher.AEAD, error) {
	magic, salt := blobMagic, 0
	if r.key == nil {
		magic, salt = blobMagicV1, blobSaltSize
	}
	head := make([]byte, len(magic)+salt)
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, errors.New("not a blob file")
	}
	if r.key == nil {
		return newAEAD(derive(b.keys.blobs, string(head[len(magic):])))
	}
	return newAEAD(r.key)
}

// removeName deletes the blob of a place (blobRef.place): a file, a small
// blob of the database, or the range of a pack, freed; a blob already gone
// is no error.
func (b *Blobs) removeName(place string) error {
	r, err := b.free(place)
	if err != nil || r.packed {
		return err
	}
	return b.removeSmall(r.name)
}

// free deletes the file of a place, or frees its range of a pack.
func (b *Blobs) free(place string) (blobRef, error) {
	r, err := parsePlace(place)
	if err != nil {
		return r, err
	}
	if r.packed {
		return r, b.freeRange(r)
	}
	for _, p := range []string{b.path(r.name), b.path(r.name) + asideSuffix} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return r, fmt.Errorf("blob %s: %w", r.name, err)
		}
	}
	return r, nil
}

type blobReader struct {
	key    string
	c      io.Closer
	r      *bufio.Reader
	aead   cipher.AEAD
	sealed []byte
	plain  []byte
	chunk  uint64
	done   bool
	err    error
}

func (br *blobReader) Read(p []byte) (int, error) {
	for len(br.plain) == 0 {
		if br.err != nil {
			return 0, br.err
		}
		if br.done {
			return 0, io.EOF
		}
		br.err = br.next()
	}
	n := copy(p, br.plain)
	br.plain = br.plain[n:]
	return n, nil
}

// next reads and opens the next chunk; the last chunk is the one that ends
// the file.
func (br *blobReader) next() error {
	n, err := io.ReadFull(br.r, br.sealed)
	if err != nil && err != io.ErrUnexpectedEOF {
		if err == io.EOF {
			return fmt.Errorf("blob %s: truncated", br.key)
		}
		return fmt.Errorf("blob %s: %w", br.key, err)
	}
	last := err == io.ErrUnexpectedEOF
	if !last {
		if _, perr := br.r.Peek(1); perr == io.EOF {
			last = true
		}
	}
	plain, oerr := br.aead.Open(br.sealed[:0], chunkNonce(br.chunk, last), br.sealed[:n], nil)
	if oerr != nil {
		return fmt.Errorf("blob %s: chunk %d: %w", br.key, br.chunk, errOpen)
	}
	br.chunk++
	br.plain = plain
	br.done = last
	return nil
}

// Close closes the blob and gives its buffers back. Closed again, it
// closes nothing: a pack's descriptor, shared by its readers
// (packread.go), is given back once.
func (br *blobReader) Close() error {
	if br.r == nil {
		return fs.ErrClosed
	}
	br.r.Reset(nil)
	readers.Put(br.r)
	putChunk(br.sealed)
	br.r, br.sealed, br.plain = nil, nil, nil
	br.err = errors.New("blob: closed")
	return br.c.Close()
}

// TempDir is the data folder's folder of temporary files: files there are
// the process's own, removed at the next start when a crash left them.
func (b *Blobs) TempDir() string { return filepath.Join(b.dir, "tmp") }
