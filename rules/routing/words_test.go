package routing

import (
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/fold"
)

// TestInWord holds inWord to unicode's classes of every rune.
func TestInWord(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := inWord(r), unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r); got != want {
			t.Fatalf("inWord(%U) = %v, want %v", r, got, want)
		}
	}
}

// splitWithTables is split as it was written before its ASCII fast path:
// every rune decoded and classed by unicode's tables.
func splitWithTables(s string) (ws []string, stop []bool) {
	s = fold.Tone(fold.NFC(fold.Lower(s)))
	inWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	punct := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !inWord(r) {
			if len(ws) > 0 && !softSeparator(r, ws[len(ws)-1], s[:i]) {
				punct = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
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

// FuzzSplit holds split to splitWithTables.
func FuzzSplit(f *testing.F) {
	f.Add(typical.Subject)
	f.Add(typical.Text)
	for _, s := range []string{"TP. Vị Thanh, 1 căn nhà", "P.1 H. Châu Thành", "mất-điện\tHOÀ AN", "a\xffb \u00a0c\u0301", "x1y2 ỵ;z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ws, stop := split(s)
		wantWS, wantStop := splitWithTables(s)
		if !slices.Equal(ws, wantWS) || !slices.Equal(stop, wantStop) {
			t.Fatalf("split(%q) = %q %v, want %q %v", s, ws, stop, wantWS, wantStop)
		}
	})
}
