package parse

import (
	"bytes"
	"io"
	"math"
)

// input reads the raw message for the MIME parser. It counts the message
// size and the length of each line against the limits, and turns CRLF and
// bare CR line endings into LF, so that CR-only and mixed line endings parse
// like any other message. A limit error is sticky: every later read returns
// it, and Read reports it whatever the MIME layers made of it.
type input struct {
	r        io.Reader
	maxBytes int64
	maxLine  int

	total  int64
	line   int
	skipLF bool // the previous byte was a CR turned into LF
	err    error
}

func newInput(r io.Reader, lim Limits) *input {
	return &input{r: r, maxBytes: lim.MaxMessageBytes, maxLine: lim.MaxLineBytes}
}

func (in *input) Read(p []byte) (int, error) {
	for {
		if in.err != nil {
			return 0, in.err
		}
		n, err := in.r.Read(p)
		in.total += int64(n)
		if in.total > in.maxBytes {
			in.err = limitError("message size", in.maxBytes)
			return 0, in.err
		}
		w := in.convert(p[:n])
		if in.err != nil {
			return 0, in.err
		}
		if w > 0 || err != nil {
			return w, err
		}
	}
}

// convert rewrites line endings in place and returns the new length. It
// moves a line's bytes up to its CR or LF at once.
func (in *input) convert(p []byte) int {
	w := 0
	for i := 0; i < len(p); {
		if in.skipLF {
			in.skipLF = false
			if p[i] == '\n' {
				i++
				continue
			}
		}
		rest := p[i:]
		n := bytes.IndexByte(rest, '\n')
		if n < 0 {
			n = len(rest)
		}
		if cr := bytes.IndexByte(rest[:n], '\r'); cr >= 0 {
			n = cr
		}
		if n > in.maxLine-in.line {
			in.err = limitError("line length", int64(in.maxLine))
			return w
		}
		in.line += n
		if w != i {
			copy(p[w:], rest[:n])
		}
		w, i = w+n, i+n
		if i == len(p) {
			break
		}
		in.skipLF = p[i] == '\r'
		p[w] = '\n'
		w, i, in.line = w+1, i+1, 0
	}
	return w
}

// lineEndings converts the line endings of an enclosed message (a decoded
// message/rfc822 body) as input does for the outer one; the outer input
// already bounds its size.
func lineEndings(r io.Reader) io.Reader {
	return &input{r: r, maxBytes: math.MaxInt64, maxLine: math.MaxInt}
}
