// Package mimewriter writes Internet mail (RFC 5322, MIME) as a stream,
// with no copy of a body between the text and the writer: header fields
// encoded (RFC 2047) and folded, bodies in quoted-printable or base64
// lines, and multipart bodies whose boundaries cannot occur in what they
// enclose. Every line ends with CRLF and is at most 76 characters long,
// but for a header field's single word that is longer (an address, a
// message identifier).
package mimewriter

import (
	"mime"
	"strings"
)

// maxLine is the length lines are kept within: RFC 5322 asks at most 78
// characters; 76 is what encoded bodies use (RFC 2045).
const maxLine = 76

// A Header is a message's or a part's header fields, kept as the bytes
// they are written as.
type Header struct {
	b []byte
}

// Add adds a structured field (an address, identifiers, a date, a
// parameter list) as given, folded at its spaces. The value must be
// ASCII without line breaks.
func (h *Header) Add(name, value string) {
	h.fold(name, value)
}

// AddText adds an unstructured field, such as Subject: as it is when it
// is printable ASCII, otherwise as encoded words (RFC 2047, UTF-8,
// Q-encoding, each at most 75 characters); folded at its spaces.
func (h *Header) AddText(name, value string) {
	h.fold(name, mime.QEncoding.Encode("UTF-8", value))
}

// fold writes "name: value" and a line break, breaking the line before a
// word that would take it past maxLine (RFC 5322 folding: the break goes
// before the space, which stays), the first word too: "Subject:" then a
// line of encoded words.
func (h *Header) fold(name, value string) {
	h.b = append(h.b, name...)
	h.b = append(h.b, ':')
	n := len(name) + 1
	for word := range strings.SplitSeq(value, " ") {
		if n+1+len(word) > maxLine {
			h.b = append(h.b, "\r\n"...)
			n = 0
		}
		h.b = append(h.b, ' ')
		h.b = append(h.b, word...)
		n += 1 + len(word)
	}
	h.b = append(h.b, "\r\n"...)
}

// Fields returns the fields, each ended by CRLF.
func (h *Header) Fields() []byte { return h.b }

// Bytes returns the fields and the empty line that ends them.
func (h *Header) Bytes() []byte {
	return append(h.b[:len(h.b):len(h.b)], "\r\n"...)
}

// Reset empties the header, keeping its memory.
func (h *Header) Reset() { h.b = h.b[:0] }
