package store

import (
	"bufio"
	"crypto/cipher"
	"crypto/hmac"
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
	"time"
)

// Blobs is the encrypted, content-addressed file store in the data folder:
// raw messages, attachments and the mail we sent. A blob is named by a keyed
// hash (HMAC-SHA-256) of its plain content, so equal content is stored once
// and the names reveal nothing to someone without the key; its bytes are
// encrypted with AES-256-GCM in 64 KiB chunks (the STREAM construction:
// each chunk's nonce holds its number and whether it is the last, so chunks
// cannot be reordered, dropped or truncated unnoticed), under a key derived
// for that blob from a random salt. Blobs are written to a temporary file and
// renamed into place only when complete, and never change afterwards.
type Blobs struct {
	dir  string
	keys *keys
}

const (
	blobMagic     = "PAB1"
	blobSaltSize  = 16
	blobChunkSize = 64 << 10
)

// ErrNoBlob is returned by Open for a key the store does not hold.
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

// cleanTemp removes the partial blobs a stopped process left behind: those
// untouched for an hour, since another process (`phananh ingest` beside
// `phananh serve`) may be writing the newer ones.
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

func (b *Blobs) path(key string) (string, error) {
	if len(key) != 64 {
		return "", fmt.Errorf("blob key %q: %w", key, ErrNoBlob)
	}
	if _, err := hex.DecodeString(key); err != nil {
		return "", fmt.Errorf("blob key %q: %w", key, ErrNoBlob)
	}
	return filepath.Join(b.dir, "blobs", key[:2], key), nil
}

// BlobWriter writes one blob. Nothing is visible until Commit.
type BlobWriter struct {
	blobs *Blobs
	f     *os.File
	w     *bufio.Writer
	aead  cipher.AEAD
	name  hash.Hash
	buf   []byte
	chunk uint64
	size  int64
	err   error
}

// Create starts a new blob.
func (b *Blobs) Create() (*BlobWriter, error) {
	f, err := os.CreateTemp(filepath.Join(b.dir, "tmp"), "blob-*")
	if err != nil {
		return nil, fmt.Errorf("new blob: %w", err)
	}
	salt := make([]byte, blobSaltSize)
	if _, err := rand.Read(salt); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("new blob: %w", err)
	}
	aead, err := newAEAD(derive(b.keys.blobs, string(salt)))
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w := &BlobWriter{
		blobs: b, f: f, w: bufio.NewWriterSize(f, blobChunkSize+64), aead: aead,
		name: hmac.New(sha256.New, b.keys.names), buf: make([]byte, 0, blobChunkSize+aead.Overhead()),
	}
	w.w.WriteString(blobMagic)
	w.w.Write(salt)
	return w, nil
}

// Write adds p to the blob.
func (w *BlobWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	w.name.Write(p)
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
	sealed := w.aead.Seal(w.buf[:0], chunkNonce(w.chunk, last), w.buf, nil)
	if _, err := w.w.Write(sealed); err != nil {
		w.err = fmt.Errorf("blob: %w", err)
		return w.err
	}
	w.chunk++
	w.buf = w.buf[:0]
	return nil
}

func chunkNonce(n uint64, last bool) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint64(nonce[3:11], n)
	if last {
		nonce[11] = 1
	}
	return nonce
}

// Commit seals the last chunk, makes the blob durable and returns its key.
func (w *BlobWriter) Commit() (string, error) {
	if w.err != nil {
		w.Abort()
		return "", w.err
	}
	if err := w.flushChunk(true); err != nil {
		w.Abort()
		return "", err
	}
	if err := w.finish(); err != nil {
		w.Abort()
		return "", err
	}
	key := hex.EncodeToString(w.name.Sum(nil))
	final, _ := w.blobs.path(key)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		os.Remove(w.f.Name())
		return "", fmt.Errorf("blob: %w", err)
	}
	if _, err := os.Stat(final); err == nil {
		os.Remove(w.f.Name()) // the same content is already stored
		return key, nil
	}
	if err := os.Rename(w.f.Name(), final); err != nil {
		os.Remove(w.f.Name())
		return "", fmt.Errorf("blob: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return "", err
	}
	return key, nil
}

func (w *BlobWriter) finish() error {
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
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
	w.f.Close()
	if err := os.Remove(w.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
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
// blob reads as an error, never as short content.
func (b *Blobs) Open(key string) (io.ReadCloser, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", key, ErrNoBlob)
	}
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", key, err)
	}
	r := bufio.NewReaderSize(f, blobChunkSize+64)
	head := make([]byte, len(blobMagic)+blobSaltSize)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(blobMagic)]) != blobMagic {
		f.Close()
		return nil, fmt.Errorf("blob %s: not a blob file", key)
	}
	aead, err := newAEAD(derive(b.keys.blobs, string(head[len(blobMagic):])))
	if err != nil {
		f.Close()
		return nil, err
	}
	return &blobReader{key: key, f: f, r: r, aead: aead, sealed: make([]byte, blobChunkSize+aead.Overhead())}, nil
}

type blobReader struct {
	key    string
	f      *os.File
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

func (br *blobReader) Close() error { return br.f.Close() }

// TempDir is the data folder's folder of temporary files: files there are
// the process's own, removed at the next start when a crash left them.
func (b *Blobs) TempDir() string { return filepath.Join(b.dir, "tmp") }
