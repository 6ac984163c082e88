package parse

import (
	"encoding/base64"
	"encoding/binary"
	"io"
	"strings"
	"sync"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// newEntity is go-message's message.New with its base64 decoding done by
// base64Decoder: the same bytes and the same errors, at the same points of
// the stream, without go-message's and encoding/base64's two filtering
// readers that each test every byte. The entity keeps h as its header. The
// decoder is returned as well, nil when there is none, to be given back
// (releaseBase64Decoder) once the entity's body is read no more.
func newEntity(h textproto.Header, body io.Reader) (*message.Entity, *base64Decoder, error) {
	if strings.ToLower(h.Get("Content-Transfer-Encoding")) != "base64" ||
		strings.Contains(strings.ToLower(h.Get("Content-Type")), "multipart") {
		// message.New leaves a multipart's body as it is, whatever its
		// transfer encoding: whether go-message takes this one for a
		// multipart is left to it.
		e, err := message.New(message.Header{Header: h}, body)
		return e, nil, err
	}
	// Without the field, New decodes nothing, and applies the charset of
	// a text part over the decoder given.
	bare := h.Copy()
	bare.Del("Content-Transfer-Encoding")
	d := base64Decoders.Get().(*base64Decoder)
	d.r.r = body
	e, err := message.New(message.Header{Header: bare}, d)
	e.Header = message.Header{Header: h}
	return e, d, err
}

// base64Decoders hold decoders given back, each 1.8 KB.
var base64Decoders = sync.Pool{New: func() any { return new(base64Decoder) }}

// releaseBase64Decoder gives d (if not nil) back to the pool, holding
// nothing of what it read.
func releaseBase64Decoder(d *base64Decoder) {
	if d != nil {
		*d = base64Decoder{buf: d.buf}
		base64Decoders.Put(d)
	}
}

// base64Decoder is encoding/base64's stream decoder (NewDecoder with
// StdEncoding) over go-message's base64 input filter, which turns spaces
// and tabs into line feeds: it reads its source with the same buffer sizes
// and decodes the same chunks, so that where its output ends and the
// offset a CorruptInputError names are those of go-message's. Only the
// dropping of white space (spacelessReader) is faster.
type base64Decoder struct {
	err     error
	readErr error // error from r.Read
	r       spacelessReader
	buf     [1024]byte // leftover input
	nbuf    int
	out     []byte // leftover decoded output
	outbuf  [1024 / 4 * 3]byte
}

// Read is encoding/base64's decoder.Read for an encoding with padding.
func (d *base64Decoder) Read(p []byte) (n int, err error) {
	if len(d.out) > 0 {
		n = copy(p, d.out)
		d.out = d.out[n:]
		return n, nil
	}
	if d.err != nil {
		return 0, d.err
	}
	for d.nbuf < 4 && d.readErr == nil {
		nn := min(max(len(p)/3*4, 4), len(d.buf))
		nn, d.readErr = d.r.Read(d.buf[d.nbuf:nn])
		d.nbuf += nn
	}
	if d.nbuf < 4 {
		d.err = d.readErr
		if d.err == io.EOF && d.nbuf > 0 {
			d.err = io.ErrUnexpectedEOF
		}
		return 0, d.err
	}
	nr := d.nbuf / 4 * 4
	nw := d.nbuf / 4 * 3
	if nw > len(p) {
		nw, d.err = base64.StdEncoding.Decode(d.outbuf[:], d.buf[:nr])
		d.out = d.outbuf[:nw]
		n = copy(p, d.out)
		d.out = d.out[n:]
	} else {
		n, d.err = base64.StdEncoding.Decode(p, d.buf[:nr])
	}
	d.nbuf -= nr
	copy(d.buf[:d.nbuf], d.buf[nr:])
	return n, d.err
}

// spacelessReader drops CR, LF, space and tab from what r reads, and reads
// again when a read held nothing else: go-message's whitespace-replacing
// reader under encoding/base64's newline-filtering one, in one pass.
type spacelessReader struct{ r io.Reader }

func (s *spacelessReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for n > 0 {
		if w := dropSpace(p[:n]); w > 0 {
			return w, err
		}
		n, err = s.r.Read(p)
	}
	return n, err
}

// dropSpace removes CR, LF, space and tab from p in place and returns the
// length left. Eight bytes at a time: a word none of whose bytes is below
// '+' (every white space is; base64's alphabet is not) is kept whole.
func dropSpace(p []byte) int {
	const highs, plus = 0x8080808080808080, '+' * 0x0101010101010101
	w, i := 0, 0
	for ; i+8 <= len(p); i += 8 {
		x := binary.LittleEndian.Uint64(p[i:])
		if (x-plus)&^x&highs == 0 { // no byte below '+'
			binary.LittleEndian.PutUint64(p[w:], x)
			w += 8
			continue
		}
		w = keepNonSpace(p, w, p[i:i+8])
	}
	return keepNonSpace(p, w, p[i:])
}

// keepNonSpace appends to p[:w] the bytes of src that are no white space
// (src lies in p at or after w) and returns the new length.
func keepNonSpace(p []byte, w int, src []byte) int {
	for _, c := range src {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[w] = c
			w++
		}
	}
	return w
}
