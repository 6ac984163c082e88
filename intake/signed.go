package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"
	"strings"
	"sync"

	"haugiang.gov.vn/phananh/rules/fold"
)

// A command mail is recognised a second way (SPEC 7.3): by what its DKIM
// signature covers in practice and a legitimate operator never repeats.
// Anyone holding a copy can change what the signature does not cover — a
// Message-ID the signer left out of h=, a header field of their own, a
// Date or Subject above the signed one (a verifier reads the last), text
// appended past a body length l= — and have it authenticate again. The
// signed key of a mail is a hash of:
//
//   - the sender, folded (ASCII case);
//   - the last Date field and the last Subject field, the ones a verifier
//     reads, in DKIM's relaxed form (unfolded, runs of white space as one
//     space): an operator's client writes a new Date, to the second, on
//     every mail it sends;
//   - a digest of the body as each DKIM signature covers it: canonicalised
//     as its c= says, and only the first l= octets when it has l=. A mail
//     has one key per signature (a relay may add its own, a replayer any
//     number of forged ones: the key of the one that verifies is among
//     them, wherever it stands), or one over its whole body in the relaxed
//     form when it has no signature. The body is read once per form
//     (simple, relaxed), its digest taken at each l= on the way.
//
// A mail without a Date has no signed key: nothing then tells a second
// mail from a copy.

// maxCoverages bounds the different coverages (c= and l=) read: a header
// with more fields than this is refused by the parser anyway
// (parse.Limits.MaxHeaderFields).
const maxCoverages = 2000

// maxRecordedKeys bounds the signed keys recorded of one command mail:
// an operator's mail carries a signature or two.
const maxRecordedKeys = 16

// maxSignedField bounds the bytes kept of a Date, Subject or
// DKIM-Signature field; a longer one is dropped.
const maxSignedField = 16 << 10

// signedReader reads, from the raw message in writes of any size, what
// its signed keys are made of: the Date and Subject fields and the body's
// digests. The header is read field by field; no more than maxSignedField
// bytes are kept of one field. It reads a command mail's raw copy again
// when its keys are asked for (incoming.signedParts), not every message
// as it is spooled.
type signedReader struct {
	line    []byte     // the header line being read
	long    bool       // the line passed maxSignedField
	field   []byte     // the field being read, its lines joined
	keep    bool       // the field is one of ours
	date    string     // the last Date, relaxed
	subject string     // the last Subject, relaxed
	covers  []coverage // what each signature covers of the body, each once
	inBody  bool
	forms   map[bool]*bodyCanon // by relaxed
}

// A coverage is what a DKIM signature covers of the body: its
// canonicalisation and its l= (-1 for the whole body).
type coverage struct {
	relaxed bool
	limit   int64
}

func newSignedReader() *signedReader { return &signedReader{} }

// Write reads p; it never fails.
func (s *signedReader) Write(p []byte) (int, error) {
	for i := 0; i < len(p); i++ {
		if s.inBody {
			for _, b := range s.forms {
				b.Write(p[i:])
			}
			return len(p), nil
		}
		c := p[i]
		if c != '\n' {
			if len(s.line) < maxSignedField {
				s.line = append(s.line, c)
			} else {
				s.long = true
			}
			continue
		}
		s.headerLine()
	}
	return len(p), nil
}

// headerLine takes the header line read: a field's first line, a folded
// continuation, or the blank line that ends the header.
func (s *signedReader) headerLine() {
	line := strings.TrimSuffix(string(s.line), "\r")
	long := s.long
	s.line, s.long = s.line[:0], false
	switch {
	case line == "" && !long:
		s.endField()
		s.startBody()
	case line[0] == ' ' || line[0] == '\t':
		if s.keep && !long && len(s.field)+len(line) <= maxSignedField {
			s.field = append(s.field, line...)
		} else {
			s.keep = false
		}
	default:
		s.endField()
		name, _, ok := strings.Cut(line, ":")
		switch strings.ToLower(strings.TrimRight(name, " \t")) {
		case "date", "subject", "dkim-signature":
			s.keep = ok && !long
			s.field = append(s.field[:0], line...)
		}
	}
}

// endField keeps the field read, if it is one of ours.
func (s *signedReader) endField() {
	if !s.keep {
		return
	}
	s.keep = false
	name, value, _ := strings.Cut(string(s.field), ":")
	switch strings.ToLower(strings.TrimRight(name, " \t")) {
	case "date":
		s.date = relaxed(value)
	case "subject":
		s.subject = relaxed(value)
	case "dkim-signature":
		if c := coverageOf(value); len(s.covers) < maxCoverages && !slices.Contains(s.covers, c) {
			s.covers = append(s.covers, c)
		}
	}
}

// startBody sets up a body digest for each form of canonicalisation the
// signatures use, or one of the whole body in the relaxed form when there
// is no signature.
func (s *signedReader) startBody() {
	s.inBody = true
	if len(s.covers) == 0 {
		s.covers = []coverage{{relaxed: true, limit: -1}}
	}
	s.forms = map[bool]*bodyCanon{}
	for _, c := range s.covers {
		b := s.forms[c.relaxed]
		if b == nil {
			b = &bodyCanon{h: sha256.New(), relaxed: c.relaxed, sums: map[int64]string{}}
			s.forms[c.relaxed] = b
		}
		if c.limit >= 0 {
			b.marks = append(b.marks, c.limit)
		}
	}
	for _, b := range s.forms {
		slices.Sort(b.marks)
		b.marks = slices.Compact(b.marks)
	}
}

// parts returns what the keys are made of besides the sender: one per
// coverage, none without a Date (or when the header never ended).
func (s *signedReader) parts() []string {
	if s.date == "" || !s.inBody {
		return nil
	}
	var parts []string
	for _, c := range s.covers {
		p := s.date + "\n" + s.subject + "\n" + s.forms[c.relaxed].digest(c.limit)
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return parts
}

// signedKeys returns the signed keys of a command mail from sender, given
// the parts its raw message gave (signedReader.parts).
func signedKeys(sender string, parts []string) []string {
	if sender == "" {
		return nil
	}
	keys := make([]string, len(parts))
	for i, p := range parts {
		keys[i] = fold.Address(sender) + "\n" + p
	}
	return keys
}

// relaxed returns a header field's value in DKIM's relaxed form (RFC 6376
// 3.4.2): unfolded, each run of white space one space, none at the ends.
func relaxed(v string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n'
	}), " ")
}

// coverageOf returns what a DKIM-Signature's c= and l= tags say it covers
// of the body.
func coverageOf(sig string) coverage {
	c := coverage{limit: -1}
	for _, tag := range strings.Split(sig, ";") {
		name, value, _ := strings.Cut(tag, "=")
		value = strings.Join(strings.Fields(value), "")
		switch strings.TrimSpace(name) {
		case "c":
			_, body, _ := strings.Cut(value, "/")
			c.relaxed = body == "relaxed"
		case "l":
			if n, err := strconv.ParseInt(value, 10, 64); err == nil && n >= 0 {
				c.limit = n
			}
		}
	}
	return c
}

// bodyCanon hashes a body as DKIM canonicalises it (RFC 6376 3.4.3, 3.4.4):
// lines end in CRLF (a bare LF counts as one), empty lines at the end go,
// and in the relaxed form runs of white space in a line are one space and
// none ends a line. The digest of the first l octets is taken on the way
// for each l of marks, as a body length l= says; digest gives them, and
// that of the whole body.
type bodyCanon struct {
	h       hash.Hash
	relaxed bool
	marks   []int64          // the l= still ahead, ascending
	sums    map[int64]string // the digests at the l= passed
	n       int64            // octets hashed
	crlfs   int              // empty lines held back: they count only if text follows
	space   bool             // white space held back (relaxed)
	cr      bool             // a CR held back: it may end a line
	content bool             // the current line has text
	buf     []byte           // what is to be hashed, in blocks of bufSize
	pooled  *[]byte          // where buf came from
	whole   string           // the digest of the whole body, once read
}

var (
	crlf  = []byte("\r\n")
	space = []byte(" ")
	cr    = []byte("\r")
)

// Write hashes p; it never fails. Runs of text go to the hash whole.
func (b *bodyCanon) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := p[0]
		if b.cr && c != '\n' {
			b.cr = false
			b.text(cr)
		}
		switch {
		case c == '\r':
			b.cr = true
		case c == '\n':
			b.cr, b.space = false, false
			if b.content {
				b.emit(crlf)
			} else {
				b.crlfs++
			}
			b.content = false
		case b.relaxed && (c == ' ' || c == '\t'):
			b.space = true
		default:
			run := 1
			for run < len(p) && !b.special(p[run]) {
				run++
			}
			b.text(p[:run])
			p = p[run:]
			continue
		}
		p = p[1:]
	}
	return n, nil
}

// special reports whether an octet is one that canonicalisation looks at:
// a line end, or white space in the relaxed form.
func (b *bodyCanon) special(c byte) bool {
	return c == '\r' || c == '\n' || b.relaxed && (c == ' ' || c == '\t')
}

// text hashes a run of a line's text, after what was held back.
func (b *bodyCanon) text(run []byte) {
	for ; b.crlfs > 0; b.crlfs-- {
		b.emit(crlf)
	}
	if b.space {
		b.space = false
		b.emit(space)
	}
	b.emit(run)
	b.content = true
}

// emit hashes p, taking the digest at each mark it passes.
func (b *bodyCanon) emit(p []byte) {
	for len(b.marks) > 0 && b.n+int64(len(p)) >= b.marks[0] {
		cut := b.marks[0] - b.n
		b.write(p[:cut])
		p = p[cut:]
		b.sums[b.marks[0]] = b.sum()
		b.marks = b.marks[1:]
	}
	b.write(p)
}

// write hashes p through the buffer.
func (b *bodyCanon) write(p []byte) {
	b.n += int64(len(p))
	if len(b.buf)+len(p) > bufSize {
		b.h.Write(b.buf)
		b.buf = b.buf[:0]
		if len(p) >= bufSize {
			b.h.Write(p)
			return
		}
	}
	if b.buf == nil {
		b.pooled = hashBuffers.Get().(*[]byte)
		b.buf = (*b.pooled)[:0]
	}
	b.buf = append(b.buf, p...)
}

// sum returns the digest of what was hashed so far, in hexadecimal.
func (b *bodyCanon) sum() string {
	b.h.Write(b.buf)
	b.buf = b.buf[:0]
	return hex.EncodeToString(b.h.Sum(nil))
}

// bufSize is the size of the blocks hashed: short writes cost a hash
// little this way.
const bufSize = 4096

// hashBuffers are the buffers of the blocks hashed, given back once the
// whole body is hashed.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 0, bufSize); return &b }}

// digest returns the digest of the first limit octets of the body, or of
// all of it when limit < 0 or the body is shorter (a signature then fails
// anyway). A body that does not end in a line end is hashed as if it did.
// Nothing may be written after.
func (b *bodyCanon) digest(limit int64) string {
	if b.whole == "" {
		if b.cr {
			b.cr = false
			b.text(cr)
		}
		if b.content {
			b.content = false
			b.emit(crlf)
		}
		b.whole = b.sum()
		if b.pooled != nil {
			*b.pooled = b.buf[:0]
			hashBuffers.Put(b.pooled)
			b.buf, b.pooled = nil, nil
		}
	}
	if d, ok := b.sums[limit]; ok && limit >= 0 {
		return d
	}
	return b.whole
}
