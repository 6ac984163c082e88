package form

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// afterNonLetter begins the patterns that match where a word starts: at
// the start of the text, or after a rune that is no letter.
const afterNonLetter = `(?:^|[^\pL])`

// wordStart matches a pattern `(?:^|[^\pL])REST` with no group, as the
// pattern would, only faster: REST is matched, anchored, at each word
// start whose first rune a match of REST can begin with. Scanning the
// whole pattern tries every alternative of REST at every rune of the
// text, which made the pattern of days named by their distance from today
// ("tối qua") the dearest part of reading a report that has one.
type wordStart struct {
	rest  *regexp.Regexp // ^(?:REST)
	first []rune         // the ranges, in pairs, that REST's first rune is in
	known bool           // false: REST's first rune could be any
	// prefixes, when set, are the texts one of which every match of
	// REST starts with ("hôm ", "sáng", …): a word start without one is
	// not tried.
	prefixes []string
}

// newWordStart returns the matcher of pattern, or nil when pattern is no
// `(?:^|[^\pL])REST` with no group.
func newWordStart(pattern string) *wordStart {
	rest, ok := strings.CutPrefix(pattern, afterNonLetter)
	if !ok || regexp.MustCompile(pattern).NumSubexp() > 0 {
		return nil
	}
	w := &wordStart{rest: regexp.MustCompile(`^(?:` + rest + `)`)}
	if re, err := syntax.Parse(rest, syntax.Perl); err == nil {
		w.first, w.known = firstRunes(re.Simplify())
		if prefixes, ok := literalPrefixes(re.Simplify()); ok {
			w.prefixes = prefixes
		}
	}
	return w
}

// MatchString reports whether the pattern matches text: whether REST
// matches from a rune that starts the text or follows a rune that is no
// letter, decoded as package regexp decodes them (an invalid byte is one
// rune, no letter).
func (w *wordStart) MatchString(text string) bool {
	if w.prefixes != nil {
		return w.matchPrefixed(text)
	}
	after := true // at the start of the text, or after a rune that is no letter
	for i := 0; i <= len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if after && (!w.known || i < len(text) && inRanges(w.first, r)) && w.prefixed(text[i:]) {
			if w.rest.MatchString(text[i:]) {
				return true
			}
		}
		if i == len(text) {
			break
		}
		after = !unicode.IsLetter(r)
		i += n
	}
	return false
}

// matchPrefixed is MatchString of a pattern whose every match starts
// with one of the prefixes: REST is tried only where one of them occurs
// (found by strings.Index, not rune by rune), at a word start. A prefix
// begins with an ASCII byte or a rune's first byte, which package regexp
// never reads as part of the rune before it: where it occurs a rune
// starts, and the rune before it is the one DecodeLastRuneInString reads.
func (w *wordStart) matchPrefixed(text string) bool {
	for _, p := range w.prefixes {
		for from := 0; from < len(text); {
			j := strings.Index(text[from:], p)
			if j < 0 {
				break
			}
			i := from + j
			if w.startsWord(text, i) && w.rest.MatchString(text[i:]) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// startsWord reports whether REST may match from text[i:], a rune's start
// short of the text's end: the text starts there or the rune before is no
// letter, and the rune there may begin a match.
func (w *wordStart) startsWord(text string, i int) bool {
	if before, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && unicode.IsLetter(before) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return !w.known || inRanges(w.first, r)
}

// prefixed reports whether s starts with one of the prefixes, when there
// are.
func (w *wordStart) prefixed(s string) bool {
	if w.prefixes == nil {
		return true
	}
	for _, p := range w.prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// literalPrefixes returns texts one of which every match of re starts
// with; false when it cannot tell: a part that is no literal, a literal
// compared without case, or one holding U+FFFD, which matches an invalid
// byte that no prefix does.
func literalPrefixes(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 || re.Flags&syntax.FoldCase != 0 || slices.Contains(re.Rune, utf8.RuneError) {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return literalPrefixes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return literalPrefixes(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return literalPrefixes(re.Sub[0])
		}
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			prefixes, ok := literalPrefixes(sub)
			if !ok {
				return nil, false
			}
			all = append(all, prefixes...)
		}
		return all, true
	}
	return nil, false
}

// firstRunes returns the ranges, in pairs, that the first rune of every
// match of re is in; false when re may match from any rune, or match
// nothing at all, as far as it can tell.
func firstRunes(re *syntax.Regexp) ([]rune, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return nil, false
		}
		r := re.Rune[0]
		ranges := []rune{r, r}
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				ranges = append(ranges, f, f)
			}
		}
		return ranges, true
	case syntax.OpCharClass:
		return re.Rune, true
	case syntax.OpCapture, syntax.OpPlus:
		return firstRunes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return firstRunes(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return firstRunes(re.Sub[0])
		}
	case syntax.OpAlternate:
		var all []rune
		for _, sub := range re.Sub {
			ranges, ok := firstRunes(sub)
			if !ok {
				return nil, false
			}
			all = append(all, ranges...)
		}
		return all, true
	}
	return nil, false
}

// inRanges reports whether r is in one of ranges, in pairs.
func inRanges(ranges []rune, r rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= r && r <= ranges[i+1] {
			return true
		}
	}
	return false
}
