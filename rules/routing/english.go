package routing

// englishWords are frequent English words that are no Vietnamese syllable
// written without its marks ("a", "an", "to", "no" and "can" are, and are
// left out).
var englishWords = map[string]bool{
	"the": true, "is": true, "are": true, "was": true, "were": true, "of": true, "in": true, "on": true,
	"at": true, "there": true, "this": true, "that": true, "it": true, "for": true, "with": true, "from": true,
	"have": true, "has": true, "not": true, "be": true, "been": true, "please": true, "near": true,
	"street": true, "road": true, "since": true, "would": true, "could": true, "my": true, "we": true,
	"our": true, "you": true, "and": true, "by": true, "its": true, "very": true, "city": true, "big": true,
	"here": true, "some": true, "help": true, "broken": true, "report": true,
}

// english reports whether words (lower case, before folding), of which
// marked carry diacritics, read as English that quotes a few Vietnamese
// terms: at least two English words making up a fifth of the text, and
// diacritics on at most a third of it. Vietnamese written with its marks
// carries them on most of its words.
func english(words []string, marked int) bool {
	n := 0
	for _, w := range words {
		if englishWords[w] {
			n++
		}
	}
	return n >= 2 && 5*n >= len(words) && 3*marked <= len(words)
}
