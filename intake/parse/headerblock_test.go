package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message/textproto"
)

// referenceHeaderBlock is readHeaderBlock as it was: the repaired block
// written out and parsed again by textproto.ReadHeader. FuzzHeaderBlock
// holds readHeaderBlock to it.
func referenceHeaderBlock(br *bufio.Reader, lim Limits) (textproto.Header, io.Reader, []string, error) {
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
			err = io.EOF
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
	h, err := textproto.ReadHeader(bufio.NewReader(&fixed))
	if err != nil {
		notes = append(notes, "header partly unreadable")
	}
	return h, body, notes, nil
}

// headerBlockResult is everything readHeaderBlock returns, in one string:
// each field's key, value and raw bytes in the header's order, the values
// Get returns, the notes, the error and the body's bytes.
func headerBlockResult(read func(*bufio.Reader, Limits) (textproto.Header, io.Reader, []string, error), msg string, lim Limits) string {
	in := newInput(strings.NewReader(msg), lim.withDefaults())
	h, body, notes, err := read(bufio.NewReaderSize(in, 64), lim.withDefaults())
	var b strings.Builder
	for f := h.Fields(); f.Next(); {
		raw, rerr := f.Raw()
		fmt.Fprintf(&b, "%q=%q raw %q %v\n", f.Key(), f.Value(), raw, rerr)
		fmt.Fprintf(&b, "get %q, %d values\n", h.Get(f.Key()), len(h.Values(f.Key())))
	}
	fmt.Fprintf(&b, "len %d notes %q err %v\n", h.Len(), notes, err)
	if body != nil {
		rest, rerr := io.ReadAll(body)
		fmt.Fprintf(&b, "body %q %v", rest, rerr)
	}
	return b.String()
}

// headerBlockSeeds are headers real mail gets wrong, and right.
var headerBlockSeeds = []string{
	"From: an@example.vn\r\nSubject: =?UTF-8?Q?M=E1=BA=A5t_=C4=91i=E1=BB=87n?=\r\nReceived: a\r\n\tb\r\n c\r\nReceived: d\r\n\r\nbody\r\n",
	"\xef\xbb\xbfFrom an@example.vn Mon Nov 23 08:05:00 2026\nFrom: an@example.vn\nTo: x\n\nbody\n",
	"  Subject: indented\n\tcontinued\nX-Y : spaced key\nnot a field line\nTo:\n\n",
	"   \nno header at all\nSubject: x\n\n",
	"Subject: a\rTo: b\r\rbody",
	"Subject:\n \n\t\nX: " + strings.Repeat("long ", 2000) + "\n\n",
	"",
	"Subject: only a header",
	"Key\x7f: v\nK\xc3\xa9y: v\nSubject: x\n\n",
}

// TestHeaderBlockAsReadHeader: the header readHeaderBlock makes field by
// field is the one ReadHeader made of its repaired block.
func TestHeaderBlockAsReadHeader(t *testing.T) {
	for _, msg := range headerBlockSeeds {
		for _, lim := range []Limits{{}, {MaxHeaderFields: 2}, {MaxHeaderBytes: 60}} {
			got := headerBlockResult(readHeaderBlock, msg, lim)
			if want := headerBlockResult(referenceHeaderBlock, msg, lim); got != want {
				t.Errorf("%q:\n%s\nwant\n%s", msg, got, want)
			}
		}
	}
}

func FuzzHeaderBlock(f *testing.F) {
	for _, s := range headerBlockSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := headerBlockResult(readHeaderBlock, msg, Limits{})
		if want := headerBlockResult(referenceHeaderBlock, msg, Limits{}); got != want {
			t.Fatalf("%q:\n%s\nwant\n%s", msg, got, want)
		}
	})
}
