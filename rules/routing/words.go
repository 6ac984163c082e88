package routing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// words splits s into the words that matching compares: s is lower-cased and
// normalised to NFC, and every run of characters that are not letters, digits
// or combining marks separates two words ("H. Châu Thành" is "h", "châu",
// "thành").
func words(s string) []string {
	s = norm.NFC.String(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// fold removes the diacritics of a word: tone and vowel marks go and "đ"
// becomes "d" ("điện" is "dien"). Only the table's side is ever folded: a
// citizen's word is compared with a folded keyword only when the citizen typed
// no diacritics at all (see plain).
func fold(w string) string {
	if isASCII(w) {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// plain reports whether a word was typed without diacritics, so that it may
// match a keyword's word with its diacritics folded away. Every Vietnamese
// letter without its marks is an ASCII letter, so a plain word is an ASCII
// one; words of other scripts are compared as written.
func plain(w string) bool { return isASCII(w) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
