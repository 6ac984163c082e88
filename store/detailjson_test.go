package store

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDetailAsMarshal holds appendDetail to json.Marshal's bytes for the
// details the writer records and for every kind of character Marshal
// escapes.
func TestDetailAsMarshal(t *testing.T) {
	for _, d := range []map[string]string{
		{"rule": "field", "why": "lĩnh vực điện", "ruleset": "appendix1"},
		{"message_id": "<a.b@mail.example.com>", "references": "<x@y> <z@w>", "rule": "keyword"},
		{"reason": "quote \" backslash \\ slash / tab \t newline \n return \r"},
		{"html": "<b>a & b</b>", "ctl": "\x00\x01\x08\x0c\x1f\x7f"},
		{"invalid": "a\xffb\xc3", "separators": "x\u2028y\u2029z", "emoji": "😀 Nguyễn"},
		{"": "", "z": "", "a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8"},
		{"ä": "key not ASCII", "A": "upper", "a": "lower"},
	} {
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDetail(nil, d); string(got) != string(want) {
			t.Errorf("%q:\n got %s\nwant %s", d, got, want)
		}
	}
}

// FuzzDetailJSON holds appendDetail to json.Marshal for any keys and
// values.
func FuzzDetailJSON(f *testing.F) {
	f.Add("rule", "field", "why", "lĩnh vực <điện> & \"nước\"\n")
	f.Add("a\xff", "\u2028", "\x00", "\\")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		d := map[string]string{k1: v1, k2: v2}
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendDetail(nil, d); string(got) != string(want) {
			t.Errorf("%q:\n got %s\nwant %s", d, got, want)
		}
	})
}

// BenchmarkEventDetail encodes an ingest event's detail — routing's rule,
// reason and table, the citizen's Message-ID — as AppendEvent does.
func BenchmarkEventDetail(b *testing.B) {
	d := map[string]string{"rule": "field", "why": "lĩnh vực điện: " + strings.Repeat("cúp điện ", 4), "ruleset": "appendix1",
		"message_id": "<CAFx7=abc123@mail.gmail.com>"}
	b.Run("appendDetail", func(b *testing.B) {
		for b.Loop() {
			appendDetail(nil, d)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(d)
		}
	})
}
