package mimewriter

import (
	"encoding/base64"
	"encoding/binary"
	"io"
	"slices"
	"sync"
)

// AppendQuotedPrintable appends text encoded as quoted-printable (RFC
// 2045) to dst: byte for byte what mime/quotedprintable's Writer writes
// in text mode — every line ending made CRLF, '=', control characters
// and bytes past ASCII as "=XX", a space or tab before a line's end
// encoded, lines broken softly ("=") at 76 characters — but without the
// Writer's buffer and its checks a byte: it grows dst once, to the most
// text can take (qpMax), and writes each run of bytes, encoded or not,
// into it by index.
func AppendQuotedPrintable[T string | []byte](dst []byte, text T) []byte {
	dst, line := appendQP(dst, text, 0)
	return endQP(dst, line)
}

// appendQP appends text encoded as AppendQuotedPrintable encodes it, but
// for a space or tab that ends the text, left as it is: from a line line
// bytes long, the last of dst (none at the start of a line, as after a
// line's end), with no CR pending; it returns dst and the length of the
// line it ends with.
func appendQP[T string | []byte](dst []byte, text T, line int) ([]byte, int) {
	dst = slices.Grow(dst, qpMax(len(text)))
	out := dst[:cap(dst)]
	o := len(dst) // the bytes of out written; line is the encoded line's length
	cr := false
	for i := 0; i < len(text); {
		c := text[i]
		switch class[c] {
		case encoded:
			// A run of bytes encoded, as a Vietnamese letter's two or
			// three bytes of UTF-8 are.
			for {
				if line > maxLine-4 {
					out[o], out[o+1], out[o+2] = '=', '\r', '\n'
					o, line = o+3, 0
				}
				// "=XX" and a byte more, which the next write covers: out
				// has room for it (qpMax).
				binary.LittleEndian.PutUint32(out[o:], escapes[c])
				o, line, i = o+3, line+3, i+1
				if i == len(text) {
					break
				}
				if c = text[i]; class[c] != encoded {
					break
				}
			}
			cr = false
		case asIs:
			// A run of bytes written as they are, up to the line's
			// soft break.
			if line == maxLine-1 {
				out[o], out[o+1], out[o+2] = '=', '\r', '\n'
				o, line = o+3, 0
			}
			end := min(len(text), i+maxLine-1-line)
			j := i
			for ; j < end && class[text[j]] == asIs; j++ {
				out[o] = text[j]
				o++
			}
			line += j - i
			cr = false
			i = j
		default: // a line's end
			if cr && c == '\n' {
				cr = false
				i++
				continue
			}
			cr = c == '\r'
			o, line = encodeLastSpace(out, o, line)
			out[o], out[o+1] = '\r', '\n'
			o, line = o+2, 0
			i++
		}
	}
	return out[:o], line
}

// endQP ends the text appendQP left dst with, at a line line bytes long:
// the space or tab it may end with encoded. dst has the room (qpMax).
func endQP(dst []byte, line int) []byte {
	o, _ := encodeLastSpace(dst[:cap(dst)], len(dst), line)
	return dst[:o]
}

// qpMax is the most AppendQuotedPrintable writes for n bytes of text:
// three a byte ("=XX"; a line's end, or its last space, takes two or
// three), and a soft break ("=" and CRLF) after every 73 of them at the
// least.
func qpMax(n int) int { return 3*n + n/8 + 8 }

// encodeLastSpace encodes a space or tab that ends a line: out[:o] holds
// what is written, line the length of its last line; it returns them as
// they are after.
func encodeLastSpace(out []byte, o, line int) (int, int) {
	if line == 0 {
		return o, line
	}
	c := out[o-1]
	if c != ' ' && c != '\t' {
		return o, line
	}
	o, line = o-1, line-1
	if maxLine-1-line < 3 {
		out[o], out[o+1], out[o+2] = '=', '\r', '\n'
		o, line = o+3, 0
	}
	out[o], out[o+1], out[o+2] = '=', upperhex[c>>4], upperhex[c&0x0f]
	return o + 3, line + 3
}

const upperhex = "0123456789ABCDEF"

// escapes are each byte written "=XX", as the low three bytes of a word.
var escapes = func() (e [256]uint32) {
	for c := range e {
		e[c] = '=' | uint32(upperhex[c>>4])<<8 | uint32(upperhex[c&0x0f])<<16
	}
	return e
}()

// Classes of bytes, as quoted-printable writes them.
const (
	encoded = iota // as "=XX"
	asIs           // printable ASCII but '=', and space and tab (encoded at a line's end)
	lineEnd        // CR, LF
)

// class is each byte's class.
var class = func() (cl [256]uint8) {
	for c := '!'; c <= '~'; c++ {
		if c != '=' {
			cl[c] = asIs
		}
	}
	cl[' '], cl['\t'] = asIs, asIs
	cl['\r'], cl['\n'] = lineEnd, lineEnd
	return cl
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
