// Package mimewriter writes Internet mail (RFC 5322, MIME) as a stream,
// with no copy of a body between the text and the writer: header fields
// encoded (RFC 2047) and folded, bodies in quoted-printable or base64
// lines, and multipart bodies whose boundaries cannot occur in what they
// enclose. Every line ends with CRLF and is at most 76 characters long,
// but for a header field's single word that is longer (an address, a
// message identifier), which an unstructured field (Subject) keeps on the
// line of its name.
//
// It is ours rather than go-message's writer (message.CreateWriter),
// which the mailer would otherwise use, for three reasons. The same mail
// is written as the same bytes: boundaries come from the Message-ID,
// where go-message draws them at random. A file's name is written by RFC
// 2231 (FileParams), where go-message writes encoded words inside the
// quotes of filename=, which RFC 2047 forbids and mime/multipart does not
// decode. And it costs less: BenchmarkRenderWriters (package mailer, a
// report's two mails rendered and written as DATA; three runs each on 2
// cores at a load of 11–13) measured 318–358 µs of CPU, 58.5 KB and 888
// allocations a report with this package against 518–580 µs, 111.6 KB
// and 1 363 allocations with go-message's writer.
package mimewriter

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxLine is the length lines are kept within: RFC 5322 asks at most 78
// characters; 76 is what encoded bodies use (RFC 2045).
const maxLine = 76

// A Header is a message's or a part's header fields, kept as the bytes
// they are written as, after room for a part's delimiter line (framed).
type Header struct {
	b     []byte
	front int // the room before the fields: b[front:] are the fields
}

// front is the room a header keeps before its fields, for a part's
// delimiter line: "\r\n--" and a boundary NewMultipart makes (at most
// 13 characters of hash and a subtype), "\r\n".
const front = 48

// Add adds a structured field (an address, identifiers, a date, a
// parameter list) as given, folded at its spaces. The value must be
// ASCII without line breaks.
func (h *Header) Add(name, value string) {
	h.fold(name, value, false)
}

// AddText adds an unstructured field, such as Subject: as it is when it
// is printable ASCII that folds into lines of 76 characters and holds no
// "=?" (which readers would take for the start of an encoded word),
// otherwise as encoded words (RFC 2047, UTF-8, Q-encoding), the first
// short enough to stay on the line of the field's name and the others at
// most 75 characters; folded between them.
func (h *Header) AddText(name, value string) {
	if plainText(name, value) {
		h.fold(name, value, true)
		return
	}
	h.fold(name, encodedWords(value, maxLine-len(name)-2, maxLine-1), true)
}

// plainText reports whether an unstructured field's value can be written
// as it is: printable ASCII, no "=?", every word short enough for a line.
func plainText(name, value string) bool {
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < ' ' || c > '~') && c != '\t' {
			return false // what mime.QEncoding would encode
		}
	}
	if strings.Contains(value, "=?") {
		return false
	}
	limit := maxLine - len(name) - 2 // the first word, after "Name: "
	for word := range strings.SplitSeq(value, " ") {
		if len(word) > limit {
			return false
		}
		limit = maxLine - 1
	}
	return true
}

// encodedWords writes text as Q-encoded words (RFC 2047) separated by
// spaces, the first at most first characters long and the others at most
// rest, each made of whole characters: the same encoding as
// mime.QEncoding, cut where the lines need it.
func encodedWords(text string, first, rest int) string {
	const open, end = "=?UTF-8?q?", "?="
	var b strings.Builder
	limit := max(first, len(open)+len(end)+12) // room for one character
	n := 0                                     // the current word's length
	for _, r := range text {
		var c [utf8.UTFMax]byte
		enc := c[:utf8.EncodeRune(c[:], r)]
		size := 3 * len(enc)
		if len(enc) == 1 && (enc[0] == ' ' || qPlain(enc[0])) {
			size = 1
		}
		if n > 0 && n+size+len(end) > limit {
			b.WriteString(end + " ")
			n, limit = 0, rest
		}
		if n == 0 {
			b.WriteString(open)
			n = len(open)
		}
		for _, x := range enc {
			switch {
			case x == ' ':
				b.WriteByte('_')
			case qPlain(x):
				b.WriteByte(x)
			default:
				b.WriteByte('=')
				b.WriteByte(upperhex[x>>4])
				b.WriteByte(upperhex[x&0x0f])
			}
		}
		n += size
	}
	if n > 0 {
		b.WriteString(end)
	}
	return b.String()
}

// qPlain reports the bytes a Q-encoded word holds as they are: not the
// quote and the backslash either, so that a word can be quoted (FileParams).
func qPlain(c byte) bool {
	return c >= '!' && c <= '~' && c != '=' && c != '?' && c != '_' && c != '"' && c != '\\'
}

// fold writes "name: value" and a line break, breaking the line before a
// word that would take it past maxLine (RFC 5322 folding: the break goes
// before the space, which stays). With keepFirst, never before the first
// word: an unstructured field's first line holds it whatever its length,
// since a line of the name alone unfolds to a text with a leading space,
// which Python's email package and some clients then show (AddText's
// encoded words make the first short enough to fit anyway). A structured
// field may break there: the space is no part of its value.
func (h *Header) fold(name, value string, keepFirst bool) {
	if h.b == nil {
		h.Grow(256) // a part's header: a type, an encoding, a file's name
	}
	h.b = append(h.b, name...)
	h.b = append(h.b, ':')
	n := len(name) + 1
	first := keepFirst
	for word := range strings.SplitSeq(value, " ") {
		if n+1+len(word) > maxLine && !first {
			h.b = append(h.b, "\r\n"...)
			n = 0
		}
		h.b = append(h.b, ' ')
		h.b = append(h.b, word...)
		n += 1 + len(word)
		first = false
	}
	h.b = append(h.b, "\r\n"...)
}

// Grow makes room for n more bytes of fields (a message's header, say,
// about a kilobyte), so that adding them allocates no more.
func (h *Header) Grow(n int) {
	if h.b == nil {
		h.b = make([]byte, front, front+n)
		h.front = front
		return
	}
	h.b = slices.Grow(h.b, n)
}

// UseMemory empties the header and has it keep its fields in b's memory
// (b's bytes are not kept), grown as Grow and Add need: a buffer of a
// pool, which TakeMemory gives back once the header is written.
func (h *Header) UseMemory(b []byte) {
	h.b = slices.Grow(b[:0], front)[:front]
	h.front = front
}

// TakeMemory returns the memory the header keeps its fields in, emptied,
// and leaves the header without it: the header is not to be read after,
// and no bytes it returned before (Bytes, Fields) are to be read once
// the memory is used again.
func (h *Header) TakeMemory() []byte {
	b := h.b[:0]
	h.b, h.front = nil, 0
	return b
}

// Fields returns the fields, each ended by CRLF.
func (h *Header) Fields() []byte { return h.b[h.front:] }

// Bytes returns the fields and the empty line that ends them, valid
// until the header changes.
func (h *Header) Bytes() []byte {
	b := append(h.b, "\r\n"...)
	h.b = b[:len(h.b)]
	return b[h.front:]
}

// framed returns the fields after a delimiter line and before the empty
// line that ends them, valid until the header changes: written before
// the fields when the room kept for it holds it, else with them copied.
func (h *Header) framed(delimiter string) []byte {
	fields := h.b[h.front:]
	if len(delimiter) > h.front {
		b := make([]byte, 0, len(delimiter)+len(fields)+2)
		return append(append(append(b, delimiter...), fields...), "\r\n"...)
	}
	start := h.front - len(delimiter)
	copy(h.b[start:], delimiter)
	b := append(h.b, "\r\n"...)
	h.b = b[:len(h.b)]
	return b[start:]
}

// Reset empties the header, keeping its memory.
func (h *Header) Reset() { h.b = h.b[:h.front] }
