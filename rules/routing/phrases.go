package routing

import (
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
)

// A phraseSet finds the table's phrases (keywords, unit aliases) in a text in
// one pass over its words, whatever the number of phrases: the phrases form a
// trie of words, and each word of the text only looks up the children of the
// few trie nodes reached so far. The cost of a lookup is the text's length
// times the length of the longest phrase that matches there, never the size
// of the table.
type phraseSet struct {
	root  trieNode
	words []int // length in words, by phrase id
}

type trieNode struct {
	word   string                 // the word that leads here, as the table writes it
	exact  map[string]*trieNode   // children by the word as the table writes it
	folded map[string][]*trieNode // children by that word without diacritics
	phrase int                    // 1 + the id of the phrase that ends here; 0 if none
}

// add puts the phrase ws (from words, not empty) in the set and returns its
// id; adding the same words again returns the same id.
func (s *phraseSet) add(ws []string) int {
	n := &s.root
	for _, w := range ws {
		child := n.exact[w]
		if child == nil {
			child = &trieNode{word: w}
			if n.exact == nil {
				n.exact = map[string]*trieNode{}
				n.folded = map[string][]*trieNode{}
			}
			n.exact[w] = child
			f := fold.String(w)
			n.folded[f] = append(n.folded[f], child)
		}
		n = child
	}
	if n.phrase == 0 {
		s.words = append(s.words, len(ws))
		n.phrase = len(s.words)
	}
	return n.phrase - 1
}

// text is a report's text split into words. A word is plain when it was
// typed without diacritics, and loose when, besides, fewer than half of the
// words around it (up to three on each side, counting only words with
// letters) carry diacritics: the citizen was typing without them there.
type text struct {
	words []string
	plain []bool
	loose []bool
}

// contextWords is how many words on each side decide whether a plain word is
// loose.
const contextWords = 3

func newText(s string) text {
	t := text{words: words(s)}
	n := len(t.words)
	t.plain = make([]bool, n)
	t.loose = make([]bool, n)
	lettered := make([]bool, n)
	for i, w := range t.words {
		t.plain[i] = fold.Plain(w)
		lettered[i] = strings.IndexFunc(w, unicode.IsLetter) >= 0
	}
	for i := range t.words {
		if !t.plain[i] {
			continue
		}
		total, marked := 0, 0
		for j := max(0, i-contextWords); j <= min(n-1, i+contextWords); j++ {
			if j != i && lettered[j] {
				total++
				if !t.plain[j] {
					marked++
				}
			}
		}
		t.loose[i] = 2*marked < total || total == 0
	}
	return t
}

// find calls found with the id of every phrase of the set that occurs in t,
// once per occurrence, with the index of the occurrence's first word.
//
// A word typed with diacritics must equal the phrase's word: "chạy" never
// matches "cháy". A plain word matches the phrase's word with its diacritics
// folded ("mat dien" matches "mất điện", "duong" matches "đường"), with one
// restriction that keeps correctly written words from standing for others:
// a phrase of a single word matched that way counts only where the word is
// loose. In "nguy hiểm cho người", "cho" is a word of its own, not "chợ"
// typed without diacritics; in "ban hang o cho dem" it is "chợ".
func (s *phraseSet) find(t text, found func(id, start int)) {
	var cur, next []*trieNode
	for i := range t.words {
		cur = append(cur[:0], &s.root)
		for j := i; j < len(t.words) && len(cur) > 0; j++ {
			w := t.words[j]
			next = next[:0]
			for _, n := range cur {
				if t.plain[j] {
					next = append(next, n.folded[w]...)
				} else if c := n.exact[w]; c != nil {
					next = append(next, c)
				}
			}
			for _, n := range next {
				if n.phrase > 0 && (j > i || n.word == w || t.loose[i]) {
					found(n.phrase-1, i)
				}
			}
			cur, next = next, cur
		}
	}
}
