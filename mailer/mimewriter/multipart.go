package mimewriter

import (
	"hash/fnv"
	"io"
	"strconv"
)

// A Multipart writes the parts of a multipart body (RFC 2046) to a
// writer: each part's delimiter line and header, then its body, which the
// caller writes.
type Multipart struct {
	w        io.Writer
	subtype  string
	boundary string
	parts    int
	scratch  []byte // the delimiter and header of a part, as written
}

// NewMultipart starts a multipart body of a subtype ("mixed", "related",
// "alternative") on w. Its boundary is made from seed (the message's
// Message-ID: the same mail is written as the same bytes) and the
// subtype, which the multipart bodies nested in one message do not share.
// It starts with "=_", which neither quoted-printable nor base64 ever
// writes, so it cannot occur in a body this package encodes, whatever
// the text.
func NewMultipart(w io.Writer, subtype, seed string) *Multipart {
	h := fnv.New64a()
	io.WriteString(h, seed)
	return &Multipart{w: w, subtype: subtype, boundary: "=_" + strconv.FormatUint(h.Sum64(), 36) + "_" + subtype}
}

// ContentType is the value of the multipart body's Content-Type field;
// params are more parameters, such as multipart/related's type (RFC 2387).
func (m *Multipart) ContentType(params ...string) string {
	s := "multipart/" + m.subtype + "; boundary=\"" + m.boundary + "\""
	for _, p := range params {
		s += "; " + p
	}
	return s
}

// Part starts a part with the header h.
func (m *Multipart) Part(h *Header) error {
	b := m.scratch[:0]
	if m.parts > 0 {
		b = append(b, "\r\n"...)
	}
	m.parts++
	b = append(b, "--"...)
	b = append(b, m.boundary...)
	b = append(b, "\r\n"...)
	b = append(b, h.b...)
	b = append(b, "\r\n"...)
	m.scratch = b
	_, err := m.w.Write(b)
	return err
}

// Close ends the multipart body.
func (m *Multipart) Close() error {
	_, err := io.WriteString(m.w, "\r\n--"+m.boundary+"--\r\n")
	return err
}
