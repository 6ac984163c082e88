package routing

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// words splits s into the words that matching compares: s is lower-cased and
// normalised to NFC, and every run of characters that are not letters, digits
// or combining marks separates two words ("H. Châu Thành" is "h", "châu",
// "thành"). Only the table's side of a comparison is ever folded
// (fold.String): a citizen's word is compared with a folded keyword only
// when the citizen typed no diacritics at all (fold.Plain). Folding both
// sides would make "chạy" (run) match "cháy" (fire).
func words(s string) []string {
	s = norm.NFC.String(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}
