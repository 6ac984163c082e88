package mimewriter

import (
	"io"
	"strconv"
)

// A Multipart writes the parts of a multipart body (RFC 2046) to a
// writer: each part's delimiter line and header, then its body, which the
// caller writes.
type Multipart struct {
	w       io.Writer
	subtype string
	// delimiter is the line before each part, after the CRLF that ends
	// the part before: "\r\n--" boundary "\r\n".
	delimiter string
	parts     int
}

// NewMultipart starts a multipart body of a subtype ("mixed", "related",
// "alternative") on w. Its boundary is made from seed (the message's
// Message-ID: the same mail is written as the same bytes) and the
// subtype, which the multipart bodies nested in one message do not share.
// It starts with "=_", which neither quoted-printable nor base64 ever
// writes, so it cannot occur in a body this package encodes, whatever
// the text.
func NewMultipart(w io.Writer, subtype, seed string) *Multipart {
	return &Multipart{w: w, subtype: subtype, delimiter: "\r\n--=_" + strconv.FormatUint(fnv64a(seed), 36) + "_" + subtype + "\r\n"}
}

// fnv64a is the 64-bit FNV-1a hash of s (hash/fnv's New64a), without
// a hash.Hash to allocate.
func fnv64a(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// boundary is the multipart body's boundary.
func (m *Multipart) boundary() string { return m.delimiter[4 : len(m.delimiter)-2] }

// ContentType is the value of the multipart body's Content-Type field;
// params are more parameters, such as multipart/related's type (RFC 2387).
func (m *Multipart) ContentType(params ...string) string {
	s := "multipart/" + m.subtype + "; boundary=\"" + m.boundary() + "\""
	for _, p := range params {
		s += "; " + p
	}
	return s
}

// Part starts a part with the header h: its delimiter line and its
// header, with the empty line that ends it, in one write.
func (m *Multipart) Part(h *Header) error {
	delimiter := m.delimiter
	if m.parts == 0 {
		delimiter = delimiter[2:]
	}
	m.parts++
	_, err := m.w.Write(h.framed(delimiter))
	return err
}

// Close ends the multipart body.
func (m *Multipart) Close() error {
	if _, err := io.WriteString(m.w, m.delimiter[:len(m.delimiter)-2]); err != nil {
		return err
	}
	_, err := io.WriteString(m.w, "--\r\n")
	return err
}
