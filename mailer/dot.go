package mailer

import (
	"bufio"
	"bytes"
)

// dotWriter writes a mail as SMTP's DATA carries it, byte for byte as
// net/textproto's DotWriter does — every line ending made CRLF, a dot that
// begins a line doubled, the mail ended by ".\r\n" on Close — but copies
// the run of bytes up to each line's end in one write, where DotWriter
// writes and examines one byte at a time: sending the mails cost as much
// CPU as rendering them.
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
		if d.state == dotData {
			// Up to the line's end, or to a lone CR, nothing changes.
			rest := b[n:]
			end := bytes.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			if cr := bytes.IndexByte(rest[:end], '\r'); cr >= 0 {
				end = cr
			}
			if end > 0 {
				m, err := d.w.Write(rest[:end])
				n += m
				if err != nil {
					return n, err
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

// Close ends the line, if need be, and the mail, and flushes.
func (d *dotWriter) Close() error {
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
	return d.w.Flush()
}
