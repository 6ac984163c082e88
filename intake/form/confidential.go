package form

import (
	"slices"
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Confidential reports whether a text asks to keep its writer's identity
// confidential, as a report's form or free text would (see
// confidentialLines):
// the citizen may ask it in a later reply or follow-up.
func Confidential(text string) bool {
	lines := strings.Split(text, "\n")
	return confidentialLines(lines, readLabels(lines))
}

// confidentialLines reads whether the citizen asks to stay anonymous
// (SPEC 4.4, Art 6.4), in a text's lines whose labels are labs
// (readLabels). The form's explicit answer wins ("Giữ bí mật: không", with
// or without the rest of the form); a label left as the form shows it
// ("có/ không") or empty is no answer. Without an answer, a request in the
// text counts ("xin giấu tên", "đề nghị không công khai", "keep my name
// confidential") unless a word before it in its clause negates it ("tôi
// không giấu tên", "không cần giữ bí mật", "no need to …").
func confidentialLines(lines []string, labs []labelled) bool {
	var prose []string
	for i, line := range lines {
		if labs[i].field != fieldConfidential {
			prose = append(prose, line)
			continue
		}
		if yes, given := answer(labs[i].value); given {
			return yes
		}
	}
	return asksAnonymity(strings.Join(prose, "\n"))
}

// answer reads a yes/no answer: có, yes, x, đồng ý… are yes; không, no… are
// no. An empty answer, both choices ("có/không", "yes/no") or anything
// else is no answer.
func answer(v string) (yes, given bool) {
	words := words(v)
	if len(words) == 0 {
		return false, false
	}
	no, ok := slices.Contains(noWords, words[0]), slices.Contains(yesWords, words[0])
	for _, w := range words[1:] {
		if slices.Contains(noWords, w) && ok || slices.Contains(yesWords, w) && no {
			return false, false // "có/không" as the form shows it
		}
	}
	return ok, ok || no
}

var (
	yesWords = []string{"co", "yes", "x", "true", "1", "dong", "can", "muon", "y", "ok"}
	noWords  = []string{"khong", "ko", "k", "kg", "hong", "no", "false", "0", "chua", "n"}
)

// words folds s and splits it into words; an apostrophe stays inside a
// word ("don't").
func words(s string) []string {
	return strings.FieldsFunc(fold.String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// anonymityPhrases are requests to stay anonymous, as folded words.
var anonymityPhrases = [][]string{
	{"giau", "ten"}, {"giu", "bi", "mat"}, {"khong", "cong", "khai"}, {"dung", "cong", "khai"}, {"an", "danh"},
	{"bao", "mat", "danh", "tinh"}, {"bao", "mat", "thong", "tin"}, {"giu", "kin"}, {"dung", "tiet", "lo"},
	{"keep", "my", "name"}, {"keep", "my", "identity"}, {"anonymous"}, {"do", "not", "publish", "my"},
	{"don't", "publish", "my"},
}

// negators are the words that, among the four before a request in its
// clause, negate it.
var negators = []string{"khong", "ko", "k", "kg", "chang", "chua", "khoi", "dung", "not", "don't", "dont", "never",
	"without", "doesn't", "didn't"}

// asksAnonymity reports a request in free text to stay anonymous that no
// word before it in its clause negates.
func asksAnonymity(text string) bool {
	return mayAskAnonymity(fold.String(text)) && clauseAsksAnonymity(text)
}

// clauseAsksAnonymity is asksAnonymity read clause by clause.
func clauseAsksAnonymity(text string) bool {
	for _, clause := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".,;!?:\n", r) }) {
		w := words(clause)
		for i := range w {
			for _, p := range anonymityPhrases {
				if len(w)-i >= len(p) && slices.Equal(w[i:i+len(p)], p) && !negated(w[max(0, i-4):i]) {
					return true
				}
			}
		}
	}
	return false
}

// mayAskAnonymity reports whether a folded text holds, somewhere, each
// word of one of the anonymity phrases: a clause's words are pieces of the
// whole text folded, so a text that lacks a word of every phrase asks
// nothing, and its clauses need not be folded and split one by one.
func mayAskAnonymity(folded string) bool {
	return slices.ContainsFunc(anonymityPhrases, func(p []string) bool {
		return !slices.ContainsFunc(p, func(w string) bool { return !strings.Contains(folded, w) })
	})
}

// negated reports whether the words before a request negate it: "không",
// "chưa", "đừng", "not", …, and "hông cần", "no need".
func negated(before []string) bool {
	for i, w := range before {
		next := ""
		if i+1 < len(before) {
			next = before[i+1]
		}
		if slices.Contains(negators, w) || (w == "hong" || w == "no") && (next == "can" || next == "need" || next == "muon") {
			return true
		}
	}
	return false
}
