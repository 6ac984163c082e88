package parse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
)

// memSink keeps committed blobs in memory and counts aborted ones.
type memSink struct {
	mu      sync.Mutex
	blobs   map[string][]byte
	aborted int
	fail    bool // Create fails
}

func newMemSink() *memSink { return &memSink{blobs: map[string][]byte{}} }

func (s *memSink) Create() (Blob, error) {
	if s.fail {
		return nil, errors.New("disk full")
	}
	return &memBlob{s: s}, nil
}

type memBlob struct {
	bytes.Buffer
	s *memSink
}

func (b *memBlob) Commit() (string, error) {
	sum := sha256.Sum256(b.Bytes())
	key := hex.EncodeToString(sum[:])
	b.s.mu.Lock()
	b.s.blobs[key] = b.Bytes()
	b.s.mu.Unlock()
	return key, nil
}

func (b *memBlob) Abort() error {
	b.s.mu.Lock()
	b.s.aborted++
	b.s.mu.Unlock()
	return nil
}

// dirSink writes blobs to files in a folder, as the store does.
type dirSink struct{ dir string }

func (s dirSink) Create() (Blob, error) {
	f, err := os.CreateTemp(s.dir, "blob-*")
	if err != nil {
		return nil, err
	}
	return &fileBlob{f: f, h: sha256.New()}, nil
}

type fileBlob struct {
	f *os.File
	h interface {
		Write([]byte) (int, error)
		Sum([]byte) []byte
	}
}

func (b *fileBlob) Write(p []byte) (int, error) {
	b.h.Write(p)
	return b.f.Write(p)
}

func (b *fileBlob) Commit() (string, error) {
	key := hex.EncodeToString(b.h.Sum(nil))
	if err := b.f.Close(); err != nil {
		return "", err
	}
	return key, os.Rename(b.f.Name(), filepath.Join(filepath.Dir(b.f.Name()), key))
}

func (b *fileBlob) Abort() error {
	b.f.Close()
	return os.Remove(b.f.Name())
}

// discardSink drops every byte: for benchmarks.
type discardSink struct{}

func (discardSink) Create() (Blob, error) { return discardBlob{}, nil }

type discardBlob struct{}

func (discardBlob) Write(p []byte) (int, error) { return len(p), nil }
func (discardBlob) Commit() (string, error)     { return "discarded", nil }
func (discardBlob) Abort() error                { return nil }
