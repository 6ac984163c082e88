package parse

import (
	"bufio"
	"io"
	"sync"
)

// The buffers of one Read are taken from pools and given back when it
// returns: a 5 KB message would otherwise allocate, and the collector
// clear and sweep, some 200 KB of buffers — the reader's, an attachment's
// head and its copy buffer — ten times its size.
var (
	readers  = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 32<<10) }}
	heads    = sync.Pool{New: func() any { b := make([]byte, headBytes); return &b }}
	copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
	// captureBufs keep the start of a multipart body (see capture):
	// go-message's first read of it, its reader's 4 KB.
	captureBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}
)

// getReader returns a pooled reader of r.
func getReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

// putReader gives a reader of getReader back, holding nothing of its input.
func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}
