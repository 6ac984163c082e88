package mailer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"os"
)

// tempFile is a temporary file of the data folder whose bytes are
// encrypted under a key of its own, held in memory only (AES-256-CTR): a
// mail's bytes and the files it carries hold a citizen's data, and they
// must leave no clear text on the disk, not even in the blocks a deleted
// file frees (SPEC 10.2). The file is unlinked as soon as it is made, so
// that nothing stays behind whatever happens; the key goes with the
// process.
//
// It is written from its start, then read from its start as many times as
// Rewind (or Seek to 0, for go-mail's ReadSeeker) asks.
type tempFile struct {
	f      *os.File
	block  cipher.Block
	iv     []byte
	stream cipher.Stream // the key stream at the write or read position
	buf    []byte
	read   bool // rewound: reading
}

// newTempFile makes an encrypted temporary file in dir.
func newTempFile(dir string) (*tempFile, error) {
	key, iv := make([]byte, 32), make([]byte, aes.BlockSize)
	rand.Read(key)
	rand.Read(iv)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "mail-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // the open file stays usable; its name goes now
	return &tempFile{f: f, block: block, iv: iv, stream: cipher.NewCTR(block, iv)}, nil
}

// Write encrypts p onto the end of the file.
func (t *tempFile) Write(p []byte) (int, error) {
	if t.read {
		return 0, errors.New("mailer: temporary file written after it was read")
	}
	n := 0
	for len(p) > 0 {
		c := t.chunk(len(p))
		t.stream.XORKeyStream(c, p[:len(c)])
		m, err := t.f.Write(c)
		n += m
		if err != nil {
			return n, err
		}
		p = p[len(c):]
	}
	return n, nil
}

// Read decrypts the file from where the last Rewind put it.
func (t *tempFile) Read(p []byte) (int, error) {
	if !t.read {
		if err := t.Rewind(); err != nil {
			return 0, err
		}
	}
	n, err := t.f.Read(p)
	t.stream.XORKeyStream(p[:n], p[:n])
	return n, err
}

// Rewind makes the next Read start at the file's beginning.
func (t *tempFile) Rewind() error {
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	t.stream, t.read = cipher.NewCTR(t.block, t.iv), true
	return nil
}

// Seek rewinds: a temporary file is read from its start only.
func (t *tempFile) Seek(offset int64, whence int) (int64, error) {
	if offset != 0 || whence != io.SeekStart {
		return 0, errors.New("mailer: a temporary file is read from its start only")
	}
	return 0, t.Rewind()
}

// Close closes the file; its bytes are gone with it.
func (t *tempFile) Close() error { return t.f.Close() }

// chunk returns the write buffer, at most n bytes of it.
func (t *tempFile) chunk(n int) []byte {
	if t.buf == nil {
		t.buf = make([]byte, 32<<10)
	}
	return t.buf[:min(n, len(t.buf))]
}
