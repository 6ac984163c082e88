package parse

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// englishWords are frequent English function words and words citizens use
// in reports.
var englishWords = map[string]bool{
	"the": true, "and": true, "is": true, "are": true, "was": true, "were": true, "to": true, "of": true, "in": true,
	"on": true, "at": true, "a": true, "an": true, "i": true, "my": true, "we": true, "our": true, "you": true,
	"there": true, "this": true, "that": true, "it": true, "for": true, "with": true, "from": true, "have": true,
	"has": true, "not": true, "be": true, "please": true, "near": true, "street": true, "road": true, "been": true,
	"since": true, "would": true, "could": true, "can": true, "hello": true, "dear": true, "thank": true,
	"thanks": true, "regards": true, "report": true, "by": true, "its": true, "very": true, "no": true,
}

// isEnglish decides that a citizen wrote in English, so the replies go out
// in English: at least three words, at least two English function words,
// such words making up at least a fifth of it, and fewer than half its
// words written with Vietnamese letters (ă â đ ê ô ơ ư or a tone mark) —
// English mail names Vietnamese streets, places and people as they are
// written ("a pothole on Trần Hưng Đạo street"). Anything else (Vietnamese
// without diacritics included) is answered in Vietnamese, the default.
func isEnglish(s string) bool {
	words, english, vietnamese := 0, 0, 0
	var buf [32]byte
	word := buf[:0] // the word being read, lower-cased
	inWord, marked := false, false
	end := func() {
		words++
		switch {
		case marked:
			vietnamese++
		case englishWords[string(bytes.Trim(word, "'"))]:
			english++
		}
		word, inWord, marked = word[:0], false, false
	}
	for _, r := range s {
		if r < utf8.RuneSelf { // ASCII: the letters, lower-cased, are a to z
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if ('a' <= r && r <= 'z') || r == '\'' {
				inWord = true
				if !marked {
					word = append(word, byte(r))
				}
			} else if inWord {
				end()
			}
			continue
		}
		r = unicode.ToLower(r)
		if vietnameseLetter(r) { // a letter, and one that marks its word
			inWord, marked = true, true
			continue
		}
		if !unicode.IsLetter(r) && r != '\'' {
			if inWord {
				end()
			}
			continue
		}
		inWord = true
		// A letter past Latin-1 marks its word too (a combining mark is
		// no letter: it ended the word above).
		marked = marked || r > unicode.MaxLatin1
		if !marked {
			word = utf8.AppendRune(word, r)
		}
	}
	if inWord {
		end()
	}
	return words >= 3 && english >= 2 && english*5 >= words && vietnamese*2 < words
}

// vietnameseLetter reports the letters only Vietnamese uses among Latin
// scripts: ă â đ ê ô ơ ư and the precomposed tone-marked vowels.
func vietnameseLetter(r rune) bool {
	switch r {
	case 'ă', 'â', 'đ', 'ê', 'ô', 'ơ', 'ư', 'Ă', 'Â', 'Đ', 'Ê', 'Ô', 'Ơ', 'Ư', 'à', 'ả', 'ã', 'á', 'ạ', 'ì', 'ỉ', 'ĩ', 'í',
		'ị', 'ò', 'ỏ', 'õ', 'ó', 'ọ', 'ù', 'ủ', 'ũ', 'ú', 'ụ', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', 'è', 'ẻ', 'ẽ', 'é', 'ẹ':
		return true
	}
	return r >= 0x1EA0 && r <= 0x1EF9
}
