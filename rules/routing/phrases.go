package routing

import (
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
	exact  map[string]*trieNode   // children by the word as the table writes it
	folded map[string][]*trieNode // children by that word without diacritics
	phrase int                    // 1 + the id of the phrase that ends here; 0 if none
	// punct: a phrase through here has punctuation before this word (a
	// field's name, "Văn hóa, thể thao, du lịch"), so the text may too.
	punct bool
}

// add puts a phrase (from split, not empty) in the set and returns its id;
// adding the same words again returns the same id.
func (s *phraseSet) add(ws []string, stop []bool) int {
	n := &s.root
	for i, w := range ws {
		child := n.exact[w]
		if child == nil {
			child = &trieNode{}
			if n.exact == nil {
				n.exact = map[string]*trieNode{}
				n.folded = map[string][]*trieNode{}
			}
			n.exact[w] = child
			f := fold.String(w)
			n.folded[f] = append(n.folded[f], child)
		}
		child.punct = child.punct || stop[i]
		n = child
	}
	if n.phrase == 0 {
		s.words = append(s.words, len(ws))
		n.phrase = len(s.words)
	}
	return n.phrase - 1
}

// addText puts the phrase written s in the set; ok is false when s has no
// word.
func (s *phraseSet) addText(p string) (id int, ok bool) {
	ws, stop := split(p)
	if len(ws) == 0 {
		return 0, false
	}
	return s.add(ws, stop), true
}

// text is one text of a report (its subject, its content, a line of its
// form) split into words for matching.
//
// SPEC 6.2: a text written in Vietnamese with its diacritics — any word
// carrying one — is compared exactly, word for word with the table; a text
// written entirely without them ("mat dien o xa Vi Dong"), or written in
// English (which quotes Vietnamese terms but writes place names bare), is
// compared with the table's words folded (fold.String). Folding a text
// that has diacritics would make "ăn chay" (vegetarian) "cháy" (fire) and
// "hàng cam" (oranges) "hàng cấm" (contraband), so it is never done.
type text struct {
	words  []string // as compared: folded when folded is set
	stop   []bool   // punctuation before the word (see split)
	folded bool
}

func newText(s string) text {
	t := text{}
	t.words, t.stop = split(s)
	marked := 0
	for _, w := range t.words {
		if !fold.Plain(w) {
			marked++
		}
	}
	if marked == 0 || english(t.words, marked) {
		t.folded = true
		for i, w := range t.words {
			t.words[i] = fold.String(w)
		}
	}
	return t
}

// find calls found with the id of every phrase of the set that occurs in t,
// once per occurrence, with the index of the occurrence's first word. An
// occurrence never spans punctuation that the phrase does not have.
func (s *phraseSet) find(t text, found func(id, start int)) {
	var cur, next []*trieNode
	for i := range t.words {
		cur = append(cur[:0], &s.root)
		for j := i; j < len(t.words) && len(cur) > 0; j++ {
			w := t.words[j]
			next = next[:0]
			for _, n := range cur {
				if t.folded {
					next = append(next, n.folded[w]...)
				} else if c := n.exact[w]; c != nil {
					next = append(next, c)
				}
			}
			if j > i && t.stop[j] {
				next = dropUnpunctuated(next)
			}
			for _, n := range next {
				if n.phrase > 0 {
					found(n.phrase-1, i)
				}
			}
			cur, next = next, cur
		}
	}
}

// dropUnpunctuated keeps the nodes that may follow punctuation.
func dropUnpunctuated(nodes []*trieNode) []*trieNode {
	out := nodes[:0]
	for _, n := range nodes {
		if n.punct {
			out = append(out, n)
		}
	}
	return out
}
