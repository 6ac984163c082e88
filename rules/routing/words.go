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
	punct := false
	for i := 0; i < len(s); {
		r, size := nextRune(s, i)
		if !inWord(r) {
			if len(ws) > 0 && !softSeparator(r, ws[len(ws)-1], s[:i]) {
				punct = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := nextRune(s, j)
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

// nextRune is the rune at s[i] and its size, an ASCII byte read as it is.
func nextRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// wordRunes tells, of each rune below U+0370 (ASCII, Latin-1, Latin
// Extended, the combining marks) and of Latin Extended Additional (where
// Vietnamese letters with two marks are), whether it is a letter, a digit
// or a combining mark: what inWord asks, without unicode's searches of
// its ranges.
var wordRunes, wordRunesExtended = func() (w *[0x370]bool, e *[0x1F00 - 0x1E00]bool) {
	w, e = new([0x370]bool), new([0x1F00 - 0x1E00]bool)
	for r := range rune(len(w)) {
		w[r] = inWordTables(r)
	}
	for r := range rune(len(e)) {
		e[r] = inWordTables(0x1E00 + r)
	}
	return w, e
}()

// inWord reports whether r belongs to a word: a letter, a digit or a
// combining mark.
func inWord(r rune) bool {
	switch {
	case r < 0x370:
		return wordRunes[r]
	case r >= 0x1E00 && r < 0x1F00:
		return wordRunesExtended[r-0x1E00]
	}
	return inWordTables(r)
}

// inWordTables is inWord from unicode's tables.
func inWordTables(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
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
