package form

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/fold"
)

// TestWordStartsAsPattern: the patterns matched from the words' starts
// (wordStart) match exactly the texts that scanning the whole pattern
// matches, with diacritics and without: the time cases, each cut at every
// byte, and random texts of the words, spaces, digits, punctuation and
// broken bytes (runes cut short among them) the patterns turn on.
func TestWordStartsAsPattern(t *testing.T) {
	starts := 0
	for _, patterns := range [][]timePattern{exact, folded} {
		for _, p := range patterns {
			if p.starts == nil {
				continue
			}
			starts++
			if !p.starts.known {
				t.Errorf("%s: the runes its words start with are unknown", p.re)
			}
			if p.starts.prefixes == nil {
				t.Errorf("%s: the texts its matches start with are unknown", p.re)
			}
			check := func(text string) {
				t.Helper()
				if got, want := p.starts.MatchString(text), p.re.MatchString(text); got != want {
					t.Fatalf("%s on %q: %v from the words' starts, %v scanned", p.re, text, got, want)
				}
			}
			for _, c := range timeCases {
				text := strings.ToLower(norm.NFC.String(c.text))
				for _, s := range []string{text, fold.String(text)} {
					for i := range len(s) + 1 {
						check(s[:i])
						check(s[i:])
					}
				}
			}
			pieces := []string{"hôm", "hom", "bữa", "bua", "nay", "qua", "kia", "sáng", "sang", "trưa", "chiều", "tối", "toi",
				"đêm", "khuya", "ngày", "ngay", "mùng", "mồng", "lúc", "từ", "vào", "on", "since", "at", "x", "ấp", "a",
				" ", "  ", "\t", "\n", ",", ".", "/", "-", "5", "23", "11", "2026", "\xff", "\u0301", "_",
				"\xc3", "\xe1\xbb", "\xbb", "\xf0\x9f"} // bytes of runes cut short, before a word or in it
			r := rand.New(rand.NewPCG(5, 6))
			for range 20000 {
				var b strings.Builder
				for range r.IntN(12) {
					b.WriteString(pieces[r.IntN(len(pieces))])
				}
				check(b.String())
			}
		}
	}
	if starts != 6 {
		t.Errorf("%d patterns matched from the words' starts, want the three of each set", starts)
	}
}
