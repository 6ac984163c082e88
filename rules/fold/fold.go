// Package fold compares Vietnamese written with and without its
// diacritics: tone marks and vowel marks go, "đ" becomes "d", and letters
// are lower-cased ("Đường Nguyễn Trãi" folds to "duong nguyen trai").
//
// Folding loses meaning ("chạy", to run, and "cháy", fire, both fold to
// "chay"), so callers fold only where the regulation allows it: labels,
// command names, ratings, and a citizen's word typed without any marks
// (SPEC 6.2).
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// String lower-cases s and removes its diacritics; compatibility forms
// fold too (a full-width "１" is "1"). It is safe for
// concurrent use and does not allocate for ASCII text already in lower case.
func String(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Words folds s and splits it into words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(String(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Plain reports whether s was typed without diacritics: every Vietnamese
// letter without its marks is an ASCII letter.
func Plain(s string) bool { return isASCII(s) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
