package parse

import (
	"bufio"
	"bytes"
	"io"
)

// uuDecoder decodes a uuencoded body (Content-Transfer-Encoding:
// x-uuencode, which go-message does not know): lines between "begin MODE
// NAME" and "end", each a length character and groups of four characters
// for three bytes. Lines before "begin" are skipped; a malformed line is
// decoded as far as it goes.
type uuDecoder struct {
	br    *bufio.Reader
	buf   []byte
	begun bool
	done  bool
}

func newUUDecoder(r io.Reader) io.Reader {
	return &uuDecoder{br: bufio.NewReader(r)}
}

func (d *uuDecoder) Read(p []byte) (int, error) {
	for len(d.buf) == 0 {
		if d.done {
			return 0, io.EOF
		}
		line, err := d.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			err = nil // an over-long line is decoded in pieces
		}
		d.decodeLine(bytes.TrimRight(line, "\r\n"))
		if err == io.EOF {
			d.done = true
		} else if err != nil {
			return 0, err
		}
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	return n, nil
}

func (d *uuDecoder) decodeLine(line []byte) {
	switch {
	case !d.begun:
		d.begun = bytes.HasPrefix(line, []byte("begin "))
		return
	case bytes.Equal(bytes.TrimSpace(line), []byte("end")):
		d.done = true
		return
	case len(line) == 0:
		return
	}
	n := int((line[0] - ' ') & 0x3f)
	out := make([]byte, 0, n+3)
	for i := 1; i < len(line) && len(out) < n; i += 4 {
		var c [4]byte
		for j := range c {
			if i+j < len(line) {
				c[j] = (line[i+j] - ' ') & 0x3f
			}
		}
		out = append(out, c[0]<<2|c[1]>>4, c[1]<<4|c[2]>>2, c[2]<<6|c[3])
	}
	if len(out) > n {
		out = out[:n]
	}
	d.buf = append(d.buf, out...)
}
