package intake

import (
	"fmt"
	"mime"
	"path/filepath"
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// A confidential report shows the agency no identity (SPEC 10.2, Art 6.4):
// not in notices, not in attachment names, not in the citizen's later
// replies, follow-ups and rating reasons. The Center's staff see everything
// and decide what the agency must know: their own words (a note, a reason)
// lose only the citizen's name, phone, email and addresses as the report
// recorded them, so that a receiver can still tell the agency where the
// problem is. The citizen's words lose, besides, every email address and
// phone number, every street address (a house number and its street, or
// what follows "nhà ở", "địa chỉ" …) and the name they sign or introduce
// themselves with. What the citizen declared as the place of the problem
// (Địa điểm) and the administrative unit stay: the agency must find it.

// seesCitizen says whether a role may see a confidential report's citizen:
// the Center's staff may (Art 6.4: the Center keeps the identity secret);
// the agency and outside addresses may not.
func seesCitizen(role string) bool {
	return role == "receiver" || role == "approver" || role == "admin"
}

// hidden replaces what identifies the citizen in a confidential report's
// text.
const hidden = "[giữ bí mật]"

var (
	emailPattern = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	// phonePattern: Vietnamese numbers, mobile and fixed, as people write
	// them: 0912 345 678, 0912.345.678, +84 912 345 678, 0293 3876 543.
	phonePattern = regexp.MustCompile(`(?:\+\s?84|\b84|\b0)(?:[ .\-]?\d){8,10}\b`)
	// streetPattern: a house number (12, 12A, 5/3) and the capitalised
	// street after it, through an alley or street word ("12 Trần Hưng
	// Đạo", "số 5/3 hẻm 7 đường Nguyễn Trãi"). A hamlet's or a group's
	// number ("ấp 3", "tổ 5") is followed by no capitalised name and stays.
	streetPattern = regexp.MustCompile(`(?:(?i:số nhà|nhà số|số)[ \t]+)?\b\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?)*[ \t]+` +
		`(?:(?i:đường|phố|hẻm|ngõ|ngách|kiệt)[ \t]+(?:\d{1,4}[ \t]+(?:(?i:đường|phố)[ \t]+)?)?)?\p{Lu}\p{L}*(?:[ \t]+\p{Lu}\p{L}*){0,4}`)
	// homePhrase: a phrase that gives one's home; homePattern: one and
	// the rest of its clause.
	homePhrase = `(?i:nhà ở|nhà tại|ngụ tại|ngụ ở|cư trú tại|thường trú tại|tạm trú tại|sống ở|sống tại|` +
		`địa chỉ(?: nhà)?(?: là)?[ \t]*:?|i live at|my address is|address[ \t]*:)`
	homePattern = regexp.MustCompile(homePhrase + `[ \t]*[^,.;\n]+`)
	homeWords   = regexp.MustCompile(`^` + homePhrase)
)

// maskIdentity masks in the citizen's words of a confidential report what
// could tell who wrote them: what hideCitizen masks, every email address,
// phone number and street address, and the name, phone, address and
// workplace the words themselves give (a labelled line, a "Tôi là …", a
// signature).
func maskIdentity(text string, c store.Citizen) string {
	if strings.TrimSpace(text) == "" {
		return text
	}
	f := form.Read(text)
	text = hideValues(hideCitizen(text, c), f.Name, f.Address, f.Workplace)
	text = emailPattern.ReplaceAllString(text, hidden)
	text = phonePattern.ReplaceAllString(text, hidden)
	text = homePattern.ReplaceAllStringFunc(text, maskTail)
	return streetPattern.ReplaceAllString(text, hidden)
}

// maskTail keeps the words of a home phrase ("nhà ở") and masks what
// follows them.
func maskTail(m string) string {
	loc := homeWords.FindStringIndex(m)
	return m[:loc[1]] + " " + hidden
}

// hideCitizen removes from a text what the report recorded of its
// citizen — their name, phone number, email, home address and workplace —
// with or without diacritics and in any case.
func hideCitizen(text string, c store.Citizen) string {
	text = hideValues(text, c.Email, c.Address, c.Workplace, c.Name)
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

// hideValues masks each value of three characters or more wherever it
// occurs in text, with or without diacritics, in any case.
func hideValues(text string, values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); len([]rune(v)) >= 3 {
			text = fold.ReplaceAll(text, v, hidden)
		}
	}
	return text
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

// anonymousFiles renames files by their position ("tep-1.jpg"), keeping
// the extension their type gives: a citizen's file names often carry a
// name or a phone number. Only the photos and videos are sent on (the
// mailer strips a JPEG's metadata; the position of the others stays, as
// the place of the problem does): every other file stays at the Center
// (its reference cleared, so that no mail carries it), since a document's
// properties name its author where no renaming reaches — Word writes its
// user's name into a .docx and into the PDF it exports.
func anonymousFiles(as []store.Attachment) []store.Attachment {
	out := make([]store.Attachment, len(as))
	for i, a := range as {
		a.Name = fmt.Sprintf("tep-%d%s", i+1, extension(a))
		if withheld(a) {
			a.BlobKey = ""
		}
		out[i] = a
	}
	return out
}

// withheld reports whether a confidential report's file stays at the
// Center: a kept file that is neither a photo nor a video.
func withheld(a store.Attachment) bool {
	media := strings.HasPrefix(a.Type, "image/") && a.Type != "image/tiff" || strings.HasPrefix(a.Type, "video/")
	return a.Refused == "" && !media
}

// listAnonymous lists a confidential report's files as anonymousFiles
// left them, saying which stay at the Center.
func listAnonymous(as []store.Attachment) []templates.File {
	out := listFiles(as)
	for i, a := range as {
		if withheld(a) {
			out[i].Mail = fileWithheld
		}
	}
	return out
}

// extension is the extension of an attachment's name when it is short and
// plain (".jpg"), else the first one its type has, else "".
func extension(a store.Attachment) string {
	if ext := strings.ToLower(filepath.Ext(a.Name)); plainExtension.MatchString(ext) {
		return ext
	}
	if exts, _ := mime.ExtensionsByType(a.Type); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

var plainExtension = regexp.MustCompile(`^\.[a-z0-9]{1,5}$`)
