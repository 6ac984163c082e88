package mimewriter

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"strings"
)

// QPLines are the starts of lines encoded as quoted-printable once, for
// AppendQuotedPrintableLines to copy: the texts a mail's template begins
// a line with whatever its data (templates.Set.LineStarts) — whole lines,
// their "\n" included, and lines' first words, up to where the data
// comes.
type QPLines struct {
	// groups are the starts by their first eight bytes (a little-endian
	// word), in a table of open addressing: a group at the slot its
	// word hashes to (slot), or at the next free one.
	groups []startGroup
	shift  uint // 64 less the bits of a slot's index
}

// startGroup are the starts that begin with the same eight bytes, key.
// Many begin with more (an HTML line's tags, a plain text's label): those
// are found by the eight bytes after what they all begin with (prefix).
type startGroup struct {
	key    uint64
	prefix string        // what the group's starts all begin with; "" for a free slot
	after  []startsAfter // the starts as long as prefix and eight bytes more
	short  []lineStart   // the others, shorter, the longest first
}

// startsAfter are a group's starts with the same eight bytes after its
// prefix, the longest first.
type startsAfter struct {
	key    uint64
	starts []lineStart
}

// lineStart is the start of a line and its encoding.
type lineStart struct {
	text    string
	encoded string
	// line is the length of the encoded line after it: 0 after a line's
	// end.
	line int
}

// minStart is the shortest start kept: a shorter one would take longer
// to find than to encode.
const minStart = 8

// NewQPLines encodes the starts of lines: each, from a line's start, runs
// to its line's end, "\n" included, or ends before it. Those shorter than
// minStart, those holding a "\n" before their end, and those holding a CR
// (whose encoding depends on what follows it) are left out.
func NewQPLines(starts []string) *QPLines {
	byKey := map[uint64][]lineStart{}
	for _, s := range starts {
		if nl := strings.IndexByte(s, '\n'); len(s) < minStart || nl >= 0 && nl < len(s)-1 || strings.IndexByte(s, '\r') >= 0 {
			continue
		}
		enc, line := appendQP(nil, s, 0)
		key := le64(s, 0)
		byKey[key] = append(byKey[key], lineStart{text: s, encoded: string(enc), line: line})
	}
	bits := uint(4)
	for 1<<bits < 4*len(byKey) {
		bits++
	}
	q := &QPLines{groups: make([]startGroup, 1<<bits), shift: 64 - bits}
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		i := q.slot(key)
		for q.groups[i].prefix != "" {
			i = (i + 1) & (len(q.groups) - 1)
		}
		q.groups[i] = newStartGroup(key, byKey[key])
	}
	return q
}

// slot is the slot of the table key hashes to (Fibonacci hashing).
func (q *QPLines) slot(key uint64) int { return int((key * 0x9e3779b97f4a7c15) >> q.shift) }

// newStartGroup groups starts that begin with the same eight bytes, key.
func newStartGroup(key uint64, ls []lineStart) startGroup {
	prefix := ls[0].text
	for _, l := range ls[1:] {
		n := 0
		for n < min(len(prefix), len(l.text)) && prefix[n] == l.text[n] {
			n++
		}
		prefix = prefix[:n]
	}
	g := startGroup{key: key, prefix: prefix}
	for _, l := range ls {
		if len(l.text) < len(prefix)+8 {
			g.short = append(g.short, l)
			continue
		}
		k := le64(l.text, len(prefix))
		i := slices.IndexFunc(g.after, func(a startsAfter) bool { return a.key == k })
		if i < 0 {
			i = len(g.after)
			g.after = append(g.after, startsAfter{key: k})
		}
		g.after[i].starts = append(g.after[i].starts, l)
	}
	longestFirst := func(a, b lineStart) int { return cmp.Compare(len(b.text), len(a.text)) }
	for _, a := range g.after {
		slices.SortFunc(a.starts, longestFirst)
	}
	slices.SortFunc(g.short, longestFirst)
	return g
}

// le64 is the eight bytes of s at i, as a little-endian word.
func le64[T string | []byte](s T, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// find returns the longest start text begins with, nil when none.
func (q *QPLines) find(text []byte) *lineStart {
	if len(text) < minStart {
		return nil
	}
	key := le64(text, 0)
	i := q.slot(key)
	for q.groups[i].key != key || q.groups[i].prefix == "" {
		if q.groups[i].prefix == "" {
			return nil
		}
		i = (i + 1) & (len(q.groups) - 1)
	}
	g := &q.groups[i]
	if n := len(g.prefix); len(text) >= n+8 && string(text[:n]) == g.prefix {
		after := le64(text, n)
		for _, a := range g.after {
			if a.key == after {
				if l := longestOf(text, a.starts); l != nil {
					return l
				}
				break
			}
		}
	}
	return longestOf(text, g.short)
}

// longestOf returns the first of ls text begins with, nil when none.
func longestOf(text []byte, ls []lineStart) *lineStart {
	for i := range ls {
		if bytes.HasPrefix(text, []byte(ls[i].text)) {
			return &ls[i]
		}
	}
	return nil
}

// AppendQuotedPrintableLines appends text encoded as quoted-printable to
// dst, as AppendQuotedPrintable does, copying the encoding of the start of
// each of its lines that lines holds (nil holds none) rather than encoding
// it again.
//
// At a line's start the encoder is in one state, with no CR pending,
// whatever came before: so a start's encoding, and the length of the
// encoded line after it, depend on the start alone, and the rest is
// encoded on from there as it would have been.
func AppendQuotedPrintableLines(dst, text []byte, lines *QPLines) []byte {
	if lines == nil || len(lines.groups) == 0 {
		return AppendQuotedPrintable(dst, text)
	}
	line := 0
	run := 0 // the start of the text not yet encoded
	for start := 0; start < len(text); {
		if s := lines.find(text[start:]); s != nil {
			dst, line = appendQP(dst, text[run:start], line)
			dst = append(dst, s.encoded...)
			line, run = s.line, start+len(s.text)
		}
		end := bytes.IndexByte(text[start:], '\n')
		if end < 0 {
			break
		}
		start += end + 1
	}
	dst, line = appendQP(dst, text[run:], line)
	return endQP(dst, line)
}
