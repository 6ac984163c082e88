package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
)

// A message is recognised when it comes again (SPEC 4.1, 7.3): a server's
// retry, a copy delivered to another of our addresses, a replay by anyone
// holding a copy. Each copy carries its own trace — the header fields mail
// servers add or rewrite on the way — so the same message is recognised by
// its Message-ID and a digest of everything else: the other header fields
// and the body, with line endings ignored. A copy whose content someone
// changed is another message, and must pass the checks of a new one.

// isTraceField reports whether a header field (its name in lower case) is
// one that servers add on the way: SPEC 7.3's Received, Delivered-To,
// Return-Path, X-Original-To and Authentication-Results, with the variants
// that common servers write beside them (Gmail's X-Received, ARC sets,
// Received-SPF, spam filters' verdicts).
func isTraceField(name string) bool {
	switch name {
	case "received", "x-received", "delivered-to", "x-delivered-to", "return-path", "x-original-to",
		"authentication-results", "received-spf":
		return true
	}
	return strings.HasPrefix(name, "arc-") || strings.HasPrefix(name, "x-spam-")
}

// maxFieldName bounds the bytes kept to read a field's name: a longer
// "name" is no trace field.
const maxFieldName = 64

// digester hashes a raw message as it streams in, leaving out its trace
// fields and carriage returns. It keeps at most maxFieldName bytes.
type digester struct {
	h     hash.Hash
	state digestState
	name  []byte // the name of the field being read, up to maxFieldName
	trace bool   // the current field is a trace field
}

type digestState int

const (
	lineStart digestState = iota // at the start of a header line
	inName                       // in a field's name
	inValue                      // in a field's value
	inBody                       // past the header
)

func newDigester() *digester { return &digester{h: sha256.New()} }

// byteValues holds every byte value at its own index: byteOf(c) hashes
// the byte c without a slice allocated for it.
var byteValues = func() (b [256]byte) {
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// byteOf is the byte c as a slice of one, from byteValues. Its bounds are
// ints: c+1 as a byte wraps to 0 for 255.
func byteOf(c byte) []byte { return byteValues[int(c) : int(c)+1] }

// newline is the line end the digest hashes (a CR is left out).
var newline = byteOf('\n')

// Write hashes p; it never fails.
func (d *digester) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\r' {
			continue
		}
		switch d.state {
		case inBody:
			j := bytes.IndexByte(p[i:], '\r')
			if j < 0 {
				j = len(p) - i
			}
			d.h.Write(p[i : i+j])
			i += j - 1
		case lineStart:
			d.lineStart(c)
		case inName:
			d.inName(c)
		case inValue:
			if c == '\n' {
				if !d.trace {
					d.h.Write(newline)
				}
				d.state = lineStart
				continue
			}
			// The value's run up to its line's end, hashed at once.
			j := bytes.IndexAny(p[i:], "\r\n")
			if j < 0 {
				j = len(p) - i
			}
			if !d.trace {
				d.h.Write(p[i : i+j])
			}
			i += j - 1
		}
	}
	return len(p), nil
}

func (d *digester) lineStart(c byte) {
	switch c {
	case '\n': // the blank line: the body follows
		d.h.Write(newline)
		d.state = inBody
	case ' ', '\t': // a folded line continues the field
		if !d.trace {
			d.h.Write(byteOf(c))
		}
		d.state = inValue
	default:
		d.name = append(d.name[:0], c)
		d.state = inName
	}
}

func (d *digester) inName(c byte) {
	switch {
	case c == ':':
		d.trace = isTraceField(strings.ToLower(strings.TrimSpace(string(d.name))))
		d.flushName(c)
	case c == '\n' || len(d.name) == maxFieldName:
		d.trace = false
		d.flushName(c)
	default:
		d.name = append(d.name, c)
		return
	}
	d.state = inValue
	if c == '\n' {
		d.state = lineStart
	}
}

// flushName hashes the name read so far and c, unless the field is a trace
// field.
func (d *digester) flushName(c byte) {
	if !d.trace {
		d.h.Write(d.name)
		d.h.Write(byteOf(c))
	}
	d.name = d.name[:0]
}

// Sum returns the digest, in hexadecimal.
func (d *digester) Sum() string {
	return hex.EncodeToString(d.h.Sum(nil))
}
