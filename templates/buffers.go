package templates

import (
	"bytes"
	"sync"
)

// The buffers that a notice's text and HTML are executed into are used in
// turn: each would otherwise grow, by doubling, to the notice's size for
// every mail.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled bounds the buffers kept: a periodic report's do not stay.
const maxPooled = 256 << 10

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		b.Reset()
		buffers.Put(b)
	}
}
