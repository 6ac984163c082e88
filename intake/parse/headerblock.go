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
func readHeaderBlock(br *bufio.Reader, lim Limits) (textproto.Header, io.Reader, []string, error) {
	var (
		fixed  bytes.Buffer
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
			}
			fixed.Write(content)
			fixed.WriteByte('\n')
		case validKey(content):
			if fields++; fields > lim.MaxHeaderFields {
				return textproto.Header{}, nil, nil, limitError("header fields", int64(lim.MaxHeaderFields))
			}
			fixed.Write(content)
			fixed.WriteByte('\n')
		case fields > 0:
			notes = append(notes, "header line without a field name joined to the previous field")
			fixed.WriteByte(' ')
			fixed.Write(content)
			fixed.WriteByte('\n')
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
	fixed.WriteByte('\n')
	hr := headerReaders.Get().(*bufio.Reader)
	hr.Reset(&fixed)
	h, err := textproto.ReadHeader(hr) // the fields are copies of its bytes
	hr.Reset(nil)
	headerReaders.Put(hr)
	if err != nil {
		// The repaired block is well-formed by construction; keep what
		// was read if go-message still disagrees.
		notes = append(notes, "header partly unreadable")
	}
	return h, body, notes, nil
}

// readLine reads one line (with its LF) of at most max bytes.
func readLine(br *bufio.Reader, max int64) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if int64(len(line)) > max {
			return line, ErrLimit
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
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
