package lifecycle

import (
	"slices"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Rating is a citizen's rating of a result (Art 10, SPEC 7.4). The strings
// are those stored and printed (SPEC 12.1).
type Rating string

// The three levels of Art 10.
const (
	VerySatisfied Rating = "rat-hai-long"   // 1, Rất hài lòng
	Satisfied     Rating = "hai-long"       // 2, Hài lòng
	Dissatisfied  Rating = "khong-hai-long" // 3, Không hài lòng
)

// Valid reports whether r is one of the three levels.
func (r Rating) Valid() bool {
	return r == VerySatisfied || r == Satisfied || r == Dissatisfied
}

// Label returns the level as the regulation words it.
func (r Rating) Label() string {
	switch r {
	case VerySatisfied:
		return "Rất hài lòng"
	case Satisfied:
		return "Hài lòng"
	case Dissatisfied:
		return "Không hài lòng"
	}
	return string(r)
}

// ratingPhrases are the words of each level, folded (lower case, no
// diacritics), longest first: the whole rest of the line must be one of
// them, so "không hài lòng" is never read as "hài lòng". The English ones
// answer the English result notice.
var ratingPhrases = []struct {
	words  []string
	rating Rating
}{
	{[]string{"khong", "hai", "long"}, Dissatisfied},
	{[]string{"chua", "hai", "long"}, Dissatisfied},
	{[]string{"rat", "hai", "long"}, VerySatisfied},
	{[]string{"very", "satisfied"}, VerySatisfied},
	{[]string{"not", "satisfied"}, Dissatisfied},
	{[]string{"hai", "long"}, Satisfied},
	{[]string{"dissatisfied"}, Dissatisfied},
	{[]string{"unsatisfied"}, Dissatisfied},
	{[]string{"satisfied"}, Satisfied},
}

var ratingDigits = map[string]Rating{"1": VerySatisfied, "2": Satisfied, "3": Dissatisfied}

// ratingPrefixes may open the line: "Đánh giá: …", "Mức 1", "Tôi rất hài
// lòng", and the polite "Dạ," and "Vâng,".
var ratingPrefixes = [][]string{{"danh", "gia"}, {"muc", "do"}, {"muc"}, {"chung", "toi"}, {"toi"}, {"em"}, {"rating"},
	{"da"}, {"vang"}}

// ratingParticles may close the line: the polite "ạ", "nhé", "nha".
var ratingParticles = []string{"a", "nhe", "nha", "ah"}

// ParseRating reads a rating from the first new line of a citizen's reply
// to the result notice (SPEC 7.4): "1" or "Rất hài lòng", "2" or "Hài
// lòng", "3" or "Không hài lòng" (also "Chưa hài lòng"), with or without
// diacritics, in any case, with punctuation and emoji ignored. The line may
// copy the notice's list ("1 – Rất hài lòng"), when the digit and the words
// agree, may open with "Đánh giá:", "Mức", "Tôi" or a polite "Dạ," and
// close with a polite "ạ" or "nhé" ("Dạ, rất hài lòng ạ."). Any other word
// makes it no rating: "Hài lòng nhưng …" is a question for the agency,
// not a rating, and the reply is a clarification (SPEC 3).
func ParseRating(firstLine string) (Rating, bool) {
	words := fold.Words(firstLine)
	for {
		i := slices.IndexFunc(ratingPrefixes, func(p []string) bool { return hasPrefix(words, p) })
		if i < 0 {
			break
		}
		words = words[len(ratingPrefixes[i]):]
	}
	for len(words) > 1 && slices.Contains(ratingParticles, words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	var byDigit Rating
	if len(words) > 0 {
		if r, ok := ratingDigits[words[0]]; ok {
			byDigit, words = r, words[1:]
		}
	}
	if len(words) == 0 {
		return byDigit, byDigit != ""
	}
	for _, p := range ratingPhrases {
		if slices.Equal(words, p.words) {
			if byDigit != "" && byDigit != p.rating {
				return "", false
			}
			return p.rating, true
		}
	}
	return "", false
}

func hasPrefix(words, prefix []string) bool {
	return len(words) > len(prefix) && slices.Equal(words[:len(prefix)], prefix)
}
