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

// TestTidyAsByLines: tidy writes what the line-by-line version wrote
// (but for the last line end), for blank lines, trailing spaces and tabs,
// CRLF and lone CR anywhere.
func TestTidyAsByLines(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "Mã", " ", "\t", "\n", "\r\n", "\r", "\n\n\n"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if got, want := string(tidy([]byte(b.String())))+"\n", tidyLines(b.String()); got != want {
			t.Fatalf("%q: %q, want %q", b.String(), got, want)
		}
	}
}

// reproducedLines is Reproduced.String as it was first written, through
// a replacer, a split and a join: the reference of the one-pass version.
func reproducedLines(r Reproduced) string {
	if r == "" {
		return ""
	}
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(r)), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(Mark+l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestReproducedAsByLines: Reproduced.String writes what the line-by-line
// version wrote, for every kind of line end, blank and spaced lines.
func TestReproducedAsByLines(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "/reject", " ", "\t", "\n", "\r\n", "\r", "| ", "\n\n"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(30) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		in := Reproduced(b.String())
		if got, want := in.String(), reproducedLines(in); got != want {
			t.Fatalf("%q: %q, want %q", in, got, want)
		}
	}
}
