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

// Tone marks and the vowels they may sit on in the syllables whose two
// spellings Tone unifies.
const (
	grave, acute, tilde, hook, dotBelow = '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'
)

func isTone(r rune) bool {
	switch r {
	case grave, acute, tilde, hook, dotBelow:
		return true
	}
	return false
}

// Tone writes the tone mark of each word of s in one place. Vietnamese has
// two spellings of the open syllables ending in "oa", "oe" and "uy": the
// mark on the second vowel ("hoà", "khoẻ", "thuỷ") or on the first ("hòa",
// "khỏe", "thủy"); both are in official use, and place names are written
// both ways ("Vị Thuỷ", "Vị Thủy"). Tone moves the mark to the first vowel,
// so that the two compare equal; every other word is left as it is (the
// result is NFC). "quý" keeps its mark, since its "u" belongs to the "qu".
func Tone(s string) string {
	if isASCII(s) {
		return s
	}
	d := []rune(norm.NFD.String(s))
	changed := false
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && (unicode.IsLetter(d[i]) || unicode.Is(unicode.Mn, d[i])) {
			continue
		}
		if moveTone(d[start:i]) {
			changed = true
		}
		start = i + 1
	}
	if !changed {
		return norm.NFC.String(s)
	}
	return norm.NFC.String(string(d))
}

// moveTone rewrites one decomposed word in place, and reports whether it
// changed: a word that ends in o-a, o-e or u-y with the tone mark after the
// last vowel, and has only consonants before them, gets the mark after the
// first vowel.
func moveTone(w []rune) bool {
	n := len(w)
	if n < 3 || !isTone(w[n-1]) {
		return false
	}
	first, second := unicode.ToLower(w[n-3]), unicode.ToLower(w[n-2])
	switch {
	case first == 'o' && (second == 'a' || second == 'e'):
	case first == 'u' && second == 'y':
		if n >= 4 && unicode.ToLower(w[n-4]) == 'q' {
			return false
		}
	default:
		return false
	}
	for _, r := range w[:n-3] {
		if !unicode.IsLetter(r) || strings.ContainsRune("aăâeêioôơuưy", unicode.ToLower(r)) {
			return false
		}
	}
	w[n-2], w[n-1] = w[n-1], w[n-2]
	return true
}
