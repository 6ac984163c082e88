package templates

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestLineStarts: the set's starts of lines are the lines of its
// templates' text — of the plain text and the escaped HTML, with the
// constants' actions folded — whole, "\n" included, or up to the action,
// branch or call that cuts them; a line that begins where an action ends
// is not one of them; and each begins a line the samples of the kinds
// write, or is in a template's file (a branch no sample takes).
func TestLineStarts(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]bool{}
	for _, l := range s.LineStarts() {
		if nl := strings.IndexByte(l, '\n'); l == "" || nl >= 0 && nl != len(l)-1 {
			t.Errorf("%q: not a line's start", l)
		}
		lines[l] = true
	}
	center := routing.Default().Bodies().Center
	for _, c := range []struct {
		line string
		want bool
	}{
		{"Kính gửi Quý Ông/Bà,\n", true},
		{"<p>Kính gửi Quý Ông/Bà,</p>\n", true},
		{center + " đã tiếp nhận phản ánh của Quý Ông/Bà.\n", true},
		{"<table style=\"border-collapse: collapse;\">\n", true},
		{"Mã phản ánh: ", true},
		{"<tr><td style=\"padding: 2px 12px 2px 0;\">Mã phản ánh</td><td><strong>", true},
		{"Mã phản ánh: \n", false},
		{"Mã phản ánh: PA-2026-000042\n", false},
		{"Phản ánh được xử lý khẩn cấp.\n", false}, // after {{if .Urgent}}
		{"", false},
	} {
		if lines[c.line] != c.want {
			t.Errorf("%q among the lines: %v, want %v", c.line, lines[c.line], c.want)
		}
	}
	var written []string
	for name, k := range kinds {
		for _, lang := range k.langs {
			data, _ := json.Marshal(sampleIn(k, lang))
			r, err := s.Render(name, lang, data)
			if err != nil {
				t.Fatal(err)
			}
			for _, body := range []string{r.Text, r.HTML} {
				written = append(written, strings.SplitAfter(body, "\n")...)
			}
		}
	}
	var sources strings.Builder
	entries, _ := embedded.ReadDir(".")
	for _, e := range entries {
		b, _ := embedded.ReadFile(e.Name())
		sources.Write(b)
	}
	for l := range lines {
		// A line of a branch no sample takes is in a template's file.
		if !slices.ContainsFunc(written, func(w string) bool { return strings.HasPrefix(w, l) }) &&
			!strings.Contains(sources.String(), l) {
			t.Errorf("%q: begins no line a sample writes, and is in no template's file", l)
		}
	}
}
