package parse

import (
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

// convert rewrites line endings in place and returns the new length.
func (in *input) convert(p []byte) int {
	w := 0
	for _, c := range p {
		if in.skipLF {
			in.skipLF = false
			if c == '\n' {
				continue
			}
		}
		if c == '\r' {
			c = '\n'
			in.skipLF = true
		}
		if c == '\n' {
			in.line = 0
		} else if in.line++; in.line > in.maxLine {
			in.err = limitError("line length", int64(in.maxLine))
			return w
		}
		p[w] = c
		w++
	}
	return w
}

// lineEndings converts the line endings of an enclosed message (a decoded
// message/rfc822 body) as input does for the outer one; the outer input
// already bounds its size.
func lineEndings(r io.Reader) io.Reader {
	return &input{r: r, maxBytes: math.MaxInt64, maxLine: math.MaxInt}
}
