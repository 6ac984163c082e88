package mimewriter

import (
	"encoding/base64"
	"io"
	"sync"
)

// AppendQuotedPrintable appends text encoded as quoted-printable (RFC
// 2045) to dst: byte for byte what mime/quotedprintable's Writer writes
// in text mode — every line ending made CRLF, '=', control characters
// and bytes past ASCII as "=XX", a space or tab before a line's end
// encoded, lines broken softly ("=") at 76 characters — but copying each
// run of bytes that need no encoding at once, where the Writer examines
// and copies them one at a time.
func AppendQuotedPrintable[T string | []byte](dst []byte, text T) []byte {
	line := 0 // the length of the encoded line so far
	cr := false
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n' || c == '\r':
			if cr && c == '\n' {
				cr = false
				i++
				continue
			}
			cr = c == '\r'
			dst, line = encodeLastSpace(dst, line)
			dst = append(dst, '\r', '\n')
			line = 0
			i++
		case plain[c]:
			// A run of bytes written as they are, up to the line's
			// soft break.
			j := i + 1
			for j < len(text) && plain[text[j]] && j-i < maxLine-1-line {
				j++
			}
			if line == maxLine-1 {
				dst, line = append(dst, '=', '\r', '\n'), 0
				continue
			}
			dst = append(dst, text[i:j]...)
			line += j - i
			cr = false
			i = j
		default:
			if maxLine-1-line < 3 {
				dst, line = append(dst, '=', '\r', '\n'), 0
			}
			dst = append(dst, '=', upperhex[c>>4], upperhex[c&0x0f])
			line += 3
			cr = false
			i++
		}
	}
	dst, _ = encodeLastSpace(dst, line)
	return dst
}

// encodeLastSpace encodes a space or tab that ends a line.
func encodeLastSpace(dst []byte, line int) ([]byte, int) {
	if line == 0 {
		return dst, line
	}
	c := dst[len(dst)-1]
	if c != ' ' && c != '\t' {
		return dst, line
	}
	dst, line = dst[:len(dst)-1], line-1
	if maxLine-1-line < 3 {
		dst, line = append(dst, '=', '\r', '\n'), 0
	}
	return append(dst, '=', upperhex[c>>4], upperhex[c&0x0f]), line + 3
}

const upperhex = "0123456789ABCDEF"

// plain are the bytes quoted-printable writes as they are: printable
// ASCII but '=', and space and tab (encoded at a line's end).
var plain = func() (p [256]bool) {
	for c := '!'; c <= '~'; c++ {
		p[c] = c != '='
	}
	p[' '], p['\t'] = true, true
	return p
}()

// base64Chunk is the input of one base64 line of 76 characters.
const base64Chunk = maxLine / 4 * 3

// base64Buffer is what WriteBase64 reads into and encodes into.
type base64Buffer struct {
	in  [base64Chunk * 64]byte
	out [(maxLine + 2) * 64]byte
}

// base64Buffers are used in turn.
var base64Buffers = sync.Pool{New: func() any { return new(base64Buffer) }}

// WriteBase64 copies r to w encoded as base64 in lines of 76 characters
// (RFC 2045), the last one ended by CRLF too, reading and writing a few
// kilobytes at a time; it returns the bytes written.
func WriteBase64(w io.Writer, r io.Reader) (int64, error) {
	buf := base64Buffers.Get().(*base64Buffer)
	defer base64Buffers.Put(buf)
	in, out := buf.in[:], buf.out[:]
	var written int64
	for {
		n, err := io.ReadFull(r, in[:])
		if n > 0 {
			o := 0
			for i := 0; i < n; i += base64Chunk {
				chunk := in[i:min(i+base64Chunk, n)]
				base64.StdEncoding.Encode(out[o:], chunk)
				o += base64.StdEncoding.EncodedLen(len(chunk))
				out[o], out[o+1] = '\r', '\n'
				o += 2
			}
			m, werr := w.Write(out[:o])
			written += int64(m)
			if werr != nil {
				return written, werr
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return written, nil
		}
		if err != nil {
			return written, err
		}
	}
}
