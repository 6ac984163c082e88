package form

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/fold"
)

// MentionsTime reports whether a text says when the event happened (Art
// 6.2, SPEC 4.5): a date ("23/11/2026", "ngày 23/11", "ngày 23",
// "2026-11-23", "hôm qua", "sáng nay", "yesterday", "23 November") or an
// hour ("9h30", "9 giờ", "21g", "09:30", "9 am"). A day and month without a
// year count only after a word that introduces a date ("ngày", "hôm",
// "lúc", "từ", "vào", "sáng", "on", "since"): Vietnamese house numbers are
// written "45/2". A number of hours that is a duration — "trong 2 giờ",
// "2 giờ đồng hồ", "for 2 hours" — is no hour. Words are compared as
// routing compares them (SPEC 6.2): exactly when the text has diacritics
// ("tôi qua nhà" is no "tối qua"), folded when it has none.
func MentionsTime(text string) bool {
	text = strings.ToLower(norm.NFC.String(text))
	plain := fold.Plain(text)
	if plain {
		text = fold.String(text)
	}
	patterns := exact
	if plain {
		patterns = folded
	}
	for _, p := range patterns {
		for _, m := range p.FindAllStringSubmatchIndex(text, -1) {
			if !isDuration(text, m, plain) {
				return true
			}
		}
	}
	return false
}

// timePatterns are the patterns of dates and hours; w writes their
// Vietnamese words as the text is compared: as written, or folded. A
// pattern's first group, when it has one, is an hour whose context
// isDuration checks.
func timePatterns(w func(string) string) []*regexp.Regexp {
	datePrefix := `(?:` + w("ngày|hôm|lúc|từ|vào|sáng|trưa|chiều|tối|đêm") + `|on|since|at)`
	months := `(?:january|february|march|april|may|june|july|august|september|october|november|december)`
	patterns := []string{
		// A full date: day, month and a year; or the ISO order.
		`\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19|20)?\d{2}\b`,
		`\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b`,
		// A day and month after a word that introduces a date.
		`(?:^|[^\pL])` + datePrefix + `\s+(?:` + w("ngày") + `\s+)?\d{1,2}\s*[/.\-]\s*\d{1,2}\b`,
		// "ngày 23", "ngày 23 tháng 11", "mùng 5".
		`(?:^|[^\pL])(?:` + w("ngày|mùng|mồng") + `)\s+\d{1,2}\b`,
		// Days named by their distance from today, and their parts.
		`(?:^|[^\pL])(?:` + w("hôm nay|hôm qua|hôm kia|bữa nay|bữa qua") + `|(?:` + w("sáng|trưa|chiều|tối|đêm|khuya") +
			`)\s+(?:` + w("nay|qua|hôm qua|hôm nay|hôm kia") + `))(?:$|[^\pL])`,
		// Hours: "9h", "9h30", "9 giờ 30", "21g15".
		`\b(\d{1,2})\s*(?:h|g|` + w("giờ") + `)(?:\s*\d{1,2}(?:\s*(?:p|` + w("phút") + `|'))?)?(?:$|[^\pL])`,
		`\b(\d{1,2}):\d{2}\b`,
		// English.
		`\b(?:today|yesterday|tonight|this morning|this afternoon|this evening|last night)\b`,
		`\b(\d{1,2})(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)`,
		`\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`,
		`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\b`,
		`\b` + months + `\s+\d{1,2}\b`,
	}
	out := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		out[i] = regexp.MustCompile(p)
	}
	return out
}

// The patterns for texts with diacritics, and for texts without.
var (
	exact  = timePatterns(func(s string) string { return s })
	folded = timePatterns(fold.String)
)

// durations are words before or after a number of hours that make it a
// duration, not an hour of the day; as written and folded.
var (
	durationBefore = []string{"trong", "hơn", "suốt", "gần", "mất", "kéo dài", "for", "about", "over"}
	durationAfter  = []string{"đồng hồ", "liền", "liên tục", "hours", "hour"}
)

// isDuration reports whether the hour of a match (its first group) is a
// number of hours: "trong 2 giờ", "2 giờ đồng hồ". plain says the text was
// folded.
func isDuration(text string, m []int, plain bool) bool {
	if len(m) < 4 || m[2] < 0 {
		return false
	}
	write := func(s string) string {
		if plain {
			return fold.String(s)
		}
		return s
	}
	before := strings.Fields(text[:m[2]])
	for _, w := range durationBefore {
		words := strings.Fields(write(w))
		if len(before) >= len(words) && slices.Equal(before[len(before)-len(words):], words) {
			return true
		}
	}
	after := strings.TrimSpace(text[m[1]:])
	for _, w := range durationAfter {
		if strings.HasPrefix(after, write(w)) {
			return true
		}
	}
	return false
}
