package store

import (
	"slices"
	"unicode/utf8"
)

// appendDetail appends an event's detail as json.Marshal writes a
// map[string]string — its keys sorted, each key and value escaped as
// encoding/json escapes a string, HTML's characters included — without
// reflection: the writer records one detail a report at least
// (TestDetailAsMarshal, FuzzDetailJSON). d must not be empty (Marshal
// writes null for a nil map; AppendEvent stores no detail then).
func appendDetail(b []byte, d map[string]string) []byte {
	var buf [8]string
	keys, n := buf[:0], 2
	for k, v := range d {
		keys, n = append(keys, k), n+len(k)+len(v)+6
	}
	slices.Sort(keys)
	b = slices.Grow(b, n) // once, unless a value needs escaping
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, d[k])
	}
	return append(b, '}')
}

// appendJSONString appends s quoted as encoding/json quotes a string with
// HTML escaping: '"' and '\\' escaped, \b \f \n \r \t by name, the other
// control characters and '<', '>', '&' as \u00XX, each byte of invalid
// UTF-8 as \ufffd, and U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonPlain(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonPlain reports whether encoding/json writes the ASCII byte c as it
// is in a string, HTML escaping on.
func jsonPlain(c byte) bool {
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}
