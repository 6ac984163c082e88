package routing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// words splits s into the words that matching compares (see split).
func words(s string) []string {
	ws, _ := split(s)
	return ws
}

// split splits s into the words that matching compares, and tells where
// punctuation stands between them. s is lower-cased, normalised to NFC and
// to one place of the tone mark (fold.Tone: "hoà" is "hòa"); a word is a run
// of letters, digits and combining marks. stop[i] is true when punctuation
// separates word i from the word before it, since a phrase never matches
// across it ("TP Vị Thanh, 1 căn nhà" holds no "Vị Thanh 1", SPEC 6.2).
// Spaces, line breaks and hyphens are not punctuation here ("mất-điện" is
// "mất điện", and a phrase may be wrapped onto the next line), and neither
// is the full stop of an abbreviation: a stop right after a word of one or
// two letters ("TP. Vị Thanh", "P.1", "H. Châu Thành").
func split(s string) (ws []string, stop []bool) {
	s = fold.Tone(fold.NFC(fold.Lower(s)))
	// Room for the words of a text of short words (a word and the space
	// after it take four bytes or more): growing the lists word by word
	// cost routing a tenth of its time.
	ws, stop = make([]string, 0, len(s)/4+1), make([]bool, 0, len(s)/4+1)
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	punct := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !inWord(r) {
			if len(ws) > 0 && !softSeparator(r, ws[len(ws)-1], s[:i]) {
				punct = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if !inWord(r) {
				break
			}
			j += size
		}
		ws = append(ws, s[i:j])
		stop = append(stop, punct && len(ws) > 1)
		punct = false
		i = j
	}
	return ws, stop
}

// softSeparator reports whether r, found after the word last (which ends
// before, the text so far), separates words without being punctuation: a
// space, a hyphen, or the one full stop of an abbreviation of one or two
// letters.
func softSeparator(r rune, last, before string) bool {
	switch {
	case unicode.IsSpace(r) || r == '-':
		return true
	case r == '.':
		return strings.HasSuffix(before, last) && utf8.RuneCountInString(last) <= 2 &&
			strings.IndexFunc(last, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsMark(c) }) < 0
	}
	return false
}

// Words returns the words that matching compares in s: lower case, NFC, one
// place of the tone mark. Two aliases with the same words are the same
// alias; tools that write tables use it to find them.
func Words(s string) []string { return words(s) }
