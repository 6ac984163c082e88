package form

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

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
	text = fold.Lower(fold.NFC(text))
	plain := fold.Plain(text)
	if plain {
		text = fold.String(text)
	}
	patterns := exact
	if plain {
		patterns = folded
	}
	for _, p := range patterns {
		if !p.may(text) {
			continue
		}
		if p.starts != nil {
			if p.starts.MatchString(text) {
				return true // no group: no hour that may be a duration
			}
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			if !isDuration(text, m, plain) {
				return true
			}
		}
	}
	return false
}

// timePattern is a pattern of dates or hours, and what a text must hold for
// it to match: a quick test that spares most texts the pattern's scan, the
// dearest part of reading a report's form.
type timePattern struct {
	re  *regexp.Regexp
	may func(text string) bool // false only when re cannot match
	// starts, when set, matches as re does, from the words' starts: a
	// pattern with no group that starts where a word does.
	starts *wordStart
}

// timePatterns are the patterns of dates and hours; w writes their
// Vietnamese words as the text is compared: as written, or folded. A
// pattern's first group, when it has one, is an hour whose context
// isDuration checks.
func timePatterns(w func(string) string) []timePattern {
	datePrefix := `(?:` + w("ngày|hôm|lúc|từ|vào|sáng|trưa|chiều|tối|đêm") + `|on|since|at)`
	monthNames := []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	months := `(?:` + strings.Join(monthNames, "|") + `)`
	weekdays := []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	relative := []string{"today", "yesterday", "tonight", "this morning", "this afternoon", "this evening", "last night"}
	words := func(s string) []string { return strings.Split(w(s), "|") }
	patterns := []struct {
		re  string
		may func(string) bool
	}{
		// A full date: day, month and a year; or the ISO order.
		{`\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*(?:19|20)?\d{2}\b`, dayMonth},
		{`\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b`, dayMonth},
		// A day and month after a word that introduces a date.
		{afterNonLetter + datePrefix + `\s+(?:` + w("ngày") + `\s+)?\d{1,2}\s*[/.\-]\s*\d{1,2}\b`, dayMonth},
		// "ngày 23", "ngày 23 tháng 11", "mùng 5".
		{afterNonLetter + `(?:` + w("ngày|mùng|mồng") + `)\s+\d{1,2}\b`, containsAny(words("ngày|mùng|mồng"))},
		// Days named by their distance from today, and their parts.
		{afterNonLetter + `(?:` + w("hôm nay|hôm qua|hôm kia|bữa nay|bữa qua") + `|(?:` + w("sáng|trưa|chiều|tối|đêm|khuya") +
			`)\s+(?:` + w("nay|qua|hôm qua|hôm nay|hôm kia") + `))(?:$|[^\pL])`, containsAny(words("nay|qua|kia"))},
		// Hours: "9h", "9h30", "9 giờ 30", "21g15".
		{`\b(\d{1,2})\s*(?:h|g|` + w("giờ") + `)(?:\s*\d{1,2}(?:\s*(?:p|` + w("phút") + `|'))?)?(?:$|[^\pL])`,
			digitBefore(words("h|g|giờ"))},
		{`\b(\d{1,2}):\d{2}\b`, digitBefore([]string{":"})},
		// English.
		{`\b(?:` + strings.Join(relative, "|") + `)\b`, containsAny(relative)},
		{`\b(\d{1,2})(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)`, containsAny([]string{"am", "pm", "a.m.", "p.m.", "o'clock"})},
		{`\b(?:` + strings.Join(weekdays, "|") + `)\b`, containsAny(weekdays)},
		{`\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + months + `\b`, containsAny(monthNames)},
		{`\b` + months + `\s+\d{1,2}\b`, containsAny(monthNames)},
	}
	out := make([]timePattern, len(patterns))
	for i, p := range patterns {
		out[i] = timePattern{regexp.MustCompile(p.re), p.may, newWordStart(p.re)}
	}
	return out
}

// containsAny returns a test of whether a text holds one of words.
func containsAny(words []string) func(string) bool {
	return func(text string) bool {
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(text, w) })
	}
}

// digitBefore returns a test of whether a text holds a digit followed,
// after spaces, by one of words.
func digitBefore(words []string) func(string) bool {
	return func(text string) bool {
		for i := range len(text) {
			if !isDigit(text[i]) {
				continue
			}
			rest := strings.TrimLeftFunc(text[i+1:], unicode.IsSpace)
			if slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(rest, w) }) {
				return true
			}
		}
		return false
	}
}

// dayMonth reports whether a text holds two numbers with a date's
// separator between them, spaces around it or not: "23/11", "23 - 11".
func dayMonth(text string) bool {
	for i := range len(text) {
		if !isDigit(text[i]) {
			continue
		}
		rest := strings.TrimLeftFunc(text[i+1:], unicode.IsSpace)
		if rest != "" && strings.IndexByte("/.-", rest[0]) >= 0 {
			rest = strings.TrimLeftFunc(rest[1:], unicode.IsSpace)
			if rest != "" && isDigit(rest[0]) {
				return true
			}
		}
	}
	return false
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
