package strip

import (
	"bufio"
	"io"
	"sync"
)

// The 64 KiB buffers of JPEG are used in turn: every photo of every
// notice goes through it, and would otherwise allocate, and the collector
// clear and sweep, 128 KiB for a photo of a few.
var (
	jpegReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
	jpegWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 64<<10) }}
)

// jpegBuffers returns pooled buffers on src and dst, and the function that
// gives them back, holding neither.
func jpegBuffers(src io.Reader, dst io.Writer) (*bufio.Reader, *bufio.Writer, func()) {
	r, w := jpegReaders.Get().(*bufio.Reader), jpegWriters.Get().(*bufio.Writer)
	r.Reset(src)
	w.Reset(dst)
	return r, w, func() {
		r.Reset(nil)
		w.Reset(nil)
		jpegReaders.Put(r)
		jpegWriters.Put(w)
	}
}
