package templates

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// tidyLines is tidy as it was first written, a line at a time through
// slices: the reference the one-pass tidy must agree with.
func tidyLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n"
}

// TestTidyAsByLines: tidy writes what the line-by-line version wrote, for
// blank lines, trailing spaces and tabs, CRLF and lone CR anywhere.
func TestTidyAsByLines(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Mã", " ", "\t", "\n", "\r\n", "\r", "\n\n\n"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if got, want := tidy(b.String()), tidyLines(b.String()); got != want {
			t.Fatalf("%q: %q, want %q", b.String(), got, want)
		}
	}
}
