package form

import (
	"regexp"
	"strings"
)

var phonePattern = regexp.MustCompile(`(\(?\+?84\)?|0)[ .\-]?\d(?:[ .\-]?\d){7,9}`)

// Phone returns the first Vietnamese phone number in s in its 0… form,
// digits only ("0912345678"), or "" when there is none. It reads
// 0xxx xxx xxx with spaces, dots or dashes, +84…, (+84)… and 84…: mobile
// numbers have 10 digits, landlines (02xx area codes) 11.
func Phone(s string) string {
	for _, loc := range phonePattern.FindAllStringIndex(s, -1) {
		if loc[0] > 0 && isDigit(s[loc[0]-1]) || loc[1] < len(s) && isDigit(s[loc[1]]) {
			continue
		}
		if p := normalizePhone(s[loc[0]:loc[1]]); p != "" {
			return p
		}
	}
	return ""
}

func normalizePhone(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		if isDigit(raw[i]) {
			b.WriteByte(raw[i])
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && !strings.HasPrefix(raw, "0") {
		d = "0" + d[2:]
	}
	switch {
	case len(d) == 10 && strings.IndexByte("35789", d[1]) >= 0:
		return d
	case len(d) == 11 && d[1] == '2':
		return d
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
