package intake

import (
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/store"
)

// seesCitizen says whether a role may see a confidential report's citizen:
// the Center's staff may (Art 6.4: the Center keeps the identity secret);
// the agency and outside addresses may not.
func seesCitizen(role string) bool {
	return role == "receiver" || role == "approver" || role == "admin"
}

// hidden replaces what identifies the citizen in a confidential report's
// text.
const hidden = "[giữ bí mật]"

var phonePattern = regexp.MustCompile(`\+?\d[\d .\-]{7,}\d`)

// hideCitizen removes from a confidential report's text what the citizen
// wrote of themselves — their name, phone number, email and home address —
// as the form read them, for recipients who may not know who reported
// (Art 6.4). Text written without a form keeps what the form could not
// recognise; the Center reads such reports before forwarding them.
func hideCitizen(text string, c store.Citizen) string {
	for _, v := range []string{c.Email, c.Address, c.Workplace, c.Name} {
		if len([]rune(strings.TrimSpace(v))) >= 3 {
			text = replaceFold(text, strings.TrimSpace(v), hidden)
		}
	}
	if digits := phoneKey(c.Phone); digits != "" {
		text = phonePattern.ReplaceAllStringFunc(text, func(m string) string {
			if phoneKey(m) == digits {
				return hidden
			}
			return m
		})
	}
	return text
}

// replaceFold replaces every occurrence of old in s, in any case.
func replaceFold(s, old, repl string) string {
	lower, lowOld := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || len(lowOld) != len(old) {
		return strings.ReplaceAll(s, old, repl) // case mapping changed the lengths: exact matches only
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lowOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

// phoneKey reduces a phone number to its national digits.
func phoneKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && len(d) >= 11 {
		d = "0" + d[2:]
	}
	return d
}
