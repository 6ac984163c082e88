// Package mask hides who a citizen is in text that others read: the
// agency, in a confidential report's notices (SPEC 10.2, Art 6.4), and the
// public, in the published results (SPEC 9.6). Both use Identity, so that
// publishing never hides less than a confidential report's notices do;
// what the public may not read beyond it — the place, finer than the
// administrative unit — the publisher masks on its own, since the agency
// must find the place.
package mask

import (
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/rules/fold"
)

// Citizen is what a report recorded of its citizen; it converts from
// store.Citizen.
type Citizen struct {
	Email, Name, Phone, Address, Workplace string
}

var (
	emailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	// phonePattern: Vietnamese numbers, mobile and fixed, as people write
	// them: 0912 345 678, 0912.345.678, +84 912 345 678, 0293 3876 543.
	phonePattern = regexp.MustCompile(`(?:\+\s?84|\b84|\b0)(?:[ .\-]?\d){8,10}\b`)
	// numberPattern: a number written with spaces, dots or dashes, which
	// identifies a person when it has nine digits or more (a phone number
	// written another way, an identity card's 9 or 12 digits).
	numberPattern = regexp.MustCompile(`\+?\(?\d[\d .\-()]{7,}\d`)
	// streetPattern: a house number (12, 12A, 5/3) and the capitalised
	// street after it, through an alley or street word ("12 Trần Hưng
	// Đạo", "số 5/3 hẻm 7 đường Nguyễn Trãi"), or a house number alone
	// ("số nhà 15", "nhà số 15A", "sn 7/2"). A hamlet's or a group's
	// number ("ấp 3", "tổ 5") is followed by no capitalised name and stays.
	streetPattern = regexp.MustCompile(`(?:(?i:số nhà|nhà số|số)[ \t]+)?\b\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)*[ \t]+` +
		`(?:(?i:đường|phố|hẻm|ngõ|ngách|kiệt)[ \t]+(?:\d{1,4}[ \t]+(?:(?i:đường|phố)[ \t]+)?)?)?\p{Lu}\p{L}*(?:[ \t]+\p{Lu}\p{L}*){0,4}|` +
		`(?i:số nhà|nhà số|\bsn)[ \t]*\d+[\p{L}\d/\-]*`)
	// homePhrase: a phrase that gives one's home; homePattern: one and
	// the rest of its clause.
	homePhrase = `(?i:nhà ở|nhà tại|ngụ tại|ngụ ở|cư trú tại|thường trú tại|tạm trú tại|sống ở|sống tại|` +
		`địa chỉ(?: nhà)?(?: là)?[ \t]*:?|i live at|my address is|address[ \t]*:)`
	homePattern = regexp.MustCompile(homePhrase + `[ \t]*[^,.;\n]+`)
	homeWords   = regexp.MustCompile(`^` + homePhrase)
)

// Identity replaces with marker, in words a citizen wrote (or words that
// may quote them), what could tell who wrote them: what Recorded masks;
// the name, address and workplace the words themselves give (a labelled
// line, a "Tôi là …", a signature); every email address and phone number;
// every run of nine digits or more; what follows a phrase giving one's
// home ("nhà ở …", "địa chỉ: …"); and every street address. What they
// report stays: the hamlet and the unit, times, amounts, a pole's number.
func Identity(text string, c Citizen, marker string) string {
	if strings.TrimSpace(text) == "" {
		return text
	}
	f := form.Read(text)
	text = values(Recorded(text, c, marker), marker, f.Name, f.Address, f.Workplace)
	text = emailPattern.ReplaceAllString(text, marker)
	text = numberPattern.ReplaceAllStringFunc(text, func(m string) string {
		if len(digits(m)) >= 9 {
			return marker
		}
		return m
	})
	text = phonePattern.ReplaceAllString(text, marker)
	text = homePattern.ReplaceAllStringFunc(text, func(m string) string {
		return m[:homeWords.FindStringIndex(m)[1]] + " " + marker
	})
	return streetPattern.ReplaceAllString(text, marker)
}

// Recorded replaces with marker what the report recorded of its citizen —
// their name, phone number, email, home address and workplace — with or
// without diacritics and in any case. It is for the Center's own words (a
// note, a reason), which must still tell the agency where the problem is.
func Recorded(text string, c Citizen, marker string) string {
	text = values(text, marker, c.Email, c.Address, c.Workplace, c.Name)
	if key := phoneKey(c.Phone); key != "" {
		text = phonePattern.ReplaceAllStringFunc(text, func(m string) string {
			if phoneKey(m) == key {
				return marker
			}
			return m
		})
	}
	return text
}

// values masks each value of three characters or more wherever it occurs
// in text, with or without diacritics, in any case.
func values(text, marker string, vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 {
			text = fold.ReplaceAll(text, v, marker)
		}
	}
	return text
}

// phoneKey reduces a phone number to its national digits.
func phoneKey(s string) string {
	d := digits(s)
	if strings.HasPrefix(d, "84") && len(d) >= 11 {
		d = "0" + d[2:]
	}
	return d
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
