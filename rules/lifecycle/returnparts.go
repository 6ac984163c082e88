package lifecycle

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// ReturnLabels are the labels of the three parts Art 8.1 asks of a return
// ("ghi rõ cụ thể nguyên nhân, căn cứ và đề xuất"), as a handler writes
// them, in order: the cause, the legal basis, and the proposal (which
// agency has the authority).
var ReturnLabels = []string{"Nguyên nhân", "Căn cứ", "Đề xuất"}

// returnLabelWords are the labels folded (lower case, no diacritics), with
// the longer spellings that name the same part; each maps to its index in
// ReturnLabels. Longer spellings come first, so that "căn cứ pháp lý:" is
// read whole.
var returnLabelWords = []struct {
	words string
	part  int
}{
	{"nguyen nhan", 0}, {"can cu phap ly", 1}, {"can cu", 1}, {"de xuat", 2},
}

// MissingReturnParts lists, in the order of ReturnLabels, the labels of the
// parts that the text of a /return lacks. A part is a label — with or
// without diacritics, in any case — followed by a colon and some text: the
// text runs to the next label or the end, so that the three parts may be
// written on three lines or on one ("Nguyên nhân: … Căn cứ: … Đề xuất:
// …"). A label begins a line or follows a space or punctuation; a label
// whose text is empty is missing.
func MissingReturnParts(text string) []string {
	found := make([]bool, len(ReturnLabels))
	parts := labelledParts(fold.String(text))
	for _, p := range parts {
		if hasWord(p.value) {
			found[p.part] = true
		}
	}
	var out []string
	for i, ok := range found {
		if !ok {
			out = append(out, ReturnLabels[i])
		}
	}
	return out
}

// labelled is one labelled part of a folded text.
type labelled struct {
	part  int
	value string
}

// labelledParts splits a folded text at its labels.
func labelledParts(s string) []labelled {
	type hit struct{ part, start, end int } // end: after the colon
	var hits []hit
	for i := 0; i < len(s); i++ {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			continue // inside a word
		}
		for _, l := range returnLabelWords {
			if !strings.HasPrefix(s[i:], l.words) {
				continue
			}
			rest := strings.TrimLeft(s[i+len(l.words):], " \t")
			colon := ""
			for _, c := range []string{":", "："} {
				if strings.HasPrefix(rest, c) {
					colon = c
				}
			}
			if colon == "" {
				continue
			}
			end := len(s) - len(rest) + len(colon)
			hits = append(hits, hit{l.part, i, end})
			i = end - 1
			break
		}
	}
	out := make([]labelled, len(hits))
	for k, h := range hits {
		stop := len(s)
		if k+1 < len(hits) {
			stop = hits[k+1].start
		}
		out[k] = labelled{part: h.part, value: s[h.end:stop]}
	}
	return out
}

// hasWord reports whether s holds a letter or a digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}
