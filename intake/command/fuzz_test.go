package command_test

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/command"
)

// FuzzParse: any text parses without panicking, into commands and refusals
// on distinct lines of the text, in order, each with what it needs.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"/accept", "/assign so-gtvt\n/urgent", "Chào\n/resolve\nĐã xong\n-- \nB", "/extend 5 ngày lý do",
		"/report quý 11/2026", "/status [PA-2026-000042]", "> /approve", "- /duyet\n*/khancap*", "／tiếp-nhận",
		"/\xff\xfe", "1. /note\n2) /x", "/confirm-extension 9999999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmds, refusals := command.Parse(text)
		lines := strings.Count(text, "\n") + strings.Count(text, "\r") + 1
		seen := map[int]bool{}
		last := 0
		for _, c := range cmds {
			if c.Line <= last || c.Line > lines || c.Action == "" {
				t.Fatalf("command %+v out of order or range (%d lines)", c, lines)
			}
			last, seen[c.Line] = c.Line, true
			if c.Days < 0 || c.Days > command.MaxDays {
				t.Fatalf("days %d", c.Days)
			}
		}
		last = 0
		for _, r := range refusals {
			if r.Line < last || r.Line < 1 || r.Line > lines || seen[r.Line] || r.Code == "" || r.Reason == "" {
				t.Fatalf("refusal %+v out of order or range, or on a command's line", r)
			}
			last = r.Line
		}
	})
}
