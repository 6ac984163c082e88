package mailer

import (
	"bufio"
	"bytes"
)

// dotWriter writes a mail as SMTP's DATA carries it, byte for byte as
// net/textproto's DotWriter does — every line ending made CRLF, a dot that
// begins a line doubled, the mail ended by ".\r\n" on Close — but copies
// each run of bytes that needs no change in one write (a whole mail of
// CRLF lines without a leading dot, as mailer/mimewriter writes them),
// where DotWriter writes and examines one byte at a time: sending the
// mails cost as much CPU as rendering them.
type dotWriter struct {
	w     *bufio.Writer
	state int
}

// The states of a dotWriter, net/textproto's.
const (
	dotBegin     = iota // nothing written yet
	dotBeginLine        // at the start of a line
	dotData             // inside a line
	dotCR               // just after a CR
)

func (d *dotWriter) Write(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		if d.state == dotData || (d.state != dotCR && b[n] != '.') {
			// Up to the first byte that changes — a line's end that is
			// not CRLF, a lone CR, a dot beginning a line — nothing
			// does: a mail of CRLF lines goes in one write.
			if end := unchanged(b[n:]); end > 0 {
				m, err := d.w.Write(b[n : n+end])
				n += m
				if err != nil {
					return n, err
				}
				d.state = dotData
				if end >= 2 && b[n-2] == '\r' && b[n-1] == '\n' {
					d.state = dotBeginLine
				}
				continue
			}
		}
		c := b[n]
		switch d.state {
		case dotBegin, dotBeginLine:
			d.state = dotData
			if c == '.' {
				d.w.WriteByte('.')
			}
			fallthrough
		case dotData:
			if c == '\r' {
				d.state = dotCR
			}
			if c == '\n' {
				d.w.WriteByte('\r')
				d.state = dotBeginLine
			}
		case dotCR:
			d.state = dotData
			if c == '\n' {
				d.state = dotBeginLine
			}
		}
		if err := d.w.WriteByte(c); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// unchanged returns the length of the start of b, written inside a line
// or at the start of one that does not begin with a dot, that DATA
// carries as it is: lines ended by CRLF, without another CR, the next not
// beginning with a dot.
func unchanged(b []byte) int {
	i := 0
	for i < len(b) {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			if cr := bytes.IndexByte(b[i:], '\r'); cr >= 0 {
				return i + cr
			}
			return len(b)
		}
		if cr := bytes.IndexByte(b[i:i+j], '\r'); cr < 0 {
			return i + j // a bare LF
		} else if cr != j-1 {
			return i + cr // a CR before the line's end
		}
		i += j + 1
		if i < len(b) && b[i] == '.' {
			return i
		}
	}
	return i
}

// Close ends the line, if need be, and the mail, and flushes.
func (d *dotWriter) Close() error {
	d.end()
	return d.w.Flush()
}

// end ends the line, if need be, and the mail, in the buffer.
func (d *dotWriter) end() {
	switch d.state {
	default:
		d.w.WriteByte('\r')
		fallthrough
	case dotCR:
		d.w.WriteByte('\n')
		fallthrough
	case dotBeginLine:
		d.w.WriteString(".\r\n")
	}
}
