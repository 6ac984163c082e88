package parse

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/emersion/go-message/textproto"
)

// readHeaderBlock reads a message's header block from br, repairing what
// real mail gets wrong before go-message sees it: a byte-order mark, an mbox
// "From " line, a first line that starts with whitespace, a folded line
// without leading whitespace, a line that is no "Key: value" field. It
// returns the header and the body reader; the body starts right after the
// blank line, or at the first line that cannot belong to a header when the
// message has none.
//
// The repaired fields are given to the header as they are made (see
// fieldBlock), not written out and parsed again by textproto.ReadHeader:
// the header is the one ReadHeader made of the repaired block, field for
// field, key, value and raw bytes.
func readHeaderBlock(br *bufio.Reader, lim Limits) (textproto.Header, io.Reader, []string, error) {
	var (
		fixed  fieldBlock
		notes  []string
		size   int64
		fields int
		first            = true
		body   io.Reader = br
	)
	for {
		line, err := readLine(br, lim.MaxHeaderBytes-size)
		size += int64(len(line))
		if errors.Is(err, ErrLimit) || size > lim.MaxHeaderBytes {
			return textproto.Header{}, nil, nil, limitError("header size", lim.MaxHeaderBytes)
		}
		if first {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		content := bytes.TrimRight(line, "\r\n")
		switch {
		case len(content) == 0 && len(line) > 0:
			err = io.EOF // the blank line ends the header
		case len(content) == 0:
		case first && bytes.HasPrefix(content, []byte("From ")) && !validKey(content):
			notes = append(notes, "mbox separator line skipped")
		case content[0] == ' ' || content[0] == '\t':
			if fields == 0 {
				notes = append(notes, "header started with whitespace")
				content = bytes.TrimLeft(content, " \t")
				if !validKey(content) {
					break
				}
				fields++
				fixed.field(content)
				break
			}
			fixed.continued(nil, content)
		case validKey(content):
			if fields++; fields > lim.MaxHeaderFields {
				return textproto.Header{}, nil, nil, limitError("header fields", int64(lim.MaxHeaderFields))
			}
			fixed.field(content)
		case fields > 0:
			notes = append(notes, "header line without a field name joined to the previous field")
			fixed.continued([]byte(" "), content)
		default:
			notes = append(notes, "message without a header")
			body = io.MultiReader(bytes.NewReader(line), br)
			err = io.EOF
		}
		first = false
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return textproto.Header{}, nil, notes, err
			}
			break
		}
	}
	return fixed.header(), body, notes, nil
}

// fieldBlock gathers a repaired header's fields, each as the raw bytes
// textproto.ReadHeader keeps of a field: its lines, each ended by CRLF, a
// continuation line starting with a space or a tab. Every line given
// starts a field (field: a line with a valid key, so with no white space
// first) or continues one (continued: with white space first), has no
// line ending and holds no CR (the input's line endings are LF), which is
// what lets the header be made without reading the lines again.
type fieldBlock struct {
	buf    []byte
	starts []int // where each field starts in buf
}

// field starts a field with line.
func (b *fieldBlock) field(line []byte) {
	b.starts = append(b.starts, len(b.buf))
	b.buf = append(append(b.buf, line...), '\r', '\n')
}

// continued adds prefix and line to the last field as a line of its own.
func (b *fieldBlock) continued(prefix, line []byte) {
	b.buf = append(append(append(b.buf, prefix...), line...), '\r', '\n')
}

// header returns the fields as a header: the key and value of each are
// those ReadHeader reads from its raw bytes (Header.AddRaw), whose bytes
// are a slice of one buffer, with no room to grow into the next field.
// They are added last first: a header holds its fields in the reverse of
// their order in the message, as ReadHeader leaves them.
func (b *fieldBlock) header() textproto.Header {
	var h textproto.Header
	end := len(b.buf)
	for i := len(b.starts) - 1; i >= 0; i-- {
		start := b.starts[i]
		h.AddRaw(b.buf[start:end:end])
		end = start
	}
	return h
}

// readLine reads one line (with its LF) of at most max bytes. A line
// that fits br's buffer is returned from it, not copied: it is valid until
// br is read again.
func readLine(br *bufio.Reader, max int64) ([]byte, error) {
	chunk, err := br.ReadSlice('\n')
	line := chunk
	for errors.Is(err, bufio.ErrBufferFull) && int64(len(line)) <= max {
		if len(line) == len(chunk) {
			line = append([]byte(nil), chunk...)
		}
		chunk, err = br.ReadSlice('\n')
		line = append(line, chunk...)
	}
	if int64(len(line)) > max {
		return line, ErrLimit
	}
	return line, err
}

// validKey reports whether line starts with a header field name and a
// colon.
func validKey(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	key := bytes.TrimRight(line[:i], " \t")
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}
