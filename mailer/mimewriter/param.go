package mimewriter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FileParams returns the parameters that name a file in a part's
// header: name, for its Content-Type, and filename, for its
// Content-Disposition. A name of printable ASCII that fits a line, with
// no quote, backslash or "=?", is quoted as it is in both. Any other is
// written as Apple Mail and Thunderbird write it: filename by RFC 2231
// (UTF-8, percent-encoded, in sections that fit lines), which readers
// such as mime/multipart and Python's email package read and RFC 2047
// forbids encoded words in; name as encoded words in quotes, which the
// mail programs that read no RFC 2231 need and every reader decodes.
// Both fold into lines of at most 76 characters.
func FileParams(file string) (name, filename string) {
	if quotable(file) {
		return `name="` + file + `"`, `filename="` + file + `"`
	}
	// The encoded words leave room for the quotes around them.
	words := encodedWords(file, maxLine-1-len(`name="`), maxLine-2)
	return `name="` + words + `"`, sections("filename", file)
}

// quotable reports whether a file's name can be a quoted parameter as it
// is: `filename="NAME"` fits a line after the space that folds it.
func quotable(s string) bool {
	if len(s) > maxLine-1-len(`filename=""`) || strings.Contains(s, "=?") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// sections writes a parameter's value as RFC 2231 sections
// (attr*0*=UTF-8”…; attr*1*=…), each of whole characters and short
// enough to fit a line with the space before it and the ";" after it.
func sections(attr, value string) string {
	var b strings.Builder
	n, line, empty := 0, 0, true // the next section's number; its line's length; whether it holds nothing yet
	start := func() {
		if n > 0 {
			b.WriteString("; ")
		}
		head := attr + "*" + strconv.Itoa(n) + "*="
		if n == 0 {
			head += "UTF-8''"
		}
		b.WriteString(head)
		line, empty = 1+len(head), true
		n++
	}
	start()
	for i := 0; i < len(value); {
		_, size := utf8.DecodeRuneInString(value[i:])
		var e [3 * utf8.UTFMax]byte
		m := 0
		for _, c := range []byte(value[i : i+size]) {
			if attrChar(c) {
				e[m], m = c, m+1
			} else {
				e[m], e[m+1], e[m+2], m = '%', upperhex[c>>4], upperhex[c&0x0f], m+3
			}
		}
		if line+m+1 > maxLine && !empty {
			start()
		}
		b.Write(e[:m])
		line, empty = line+m, false
		i += size
	}
	return b.String()
}

// attrChar reports the bytes RFC 2231's attribute-char holds: printable
// ASCII but the tspecials of RFC 2045, '*', '\” and '%'.
func attrChar(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=*'%`, rune(c))
}
