package intake

import (
	"fmt"
	"mime"
	"path/filepath"
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/intake/mask"
	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/rules/lifecycle"
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
// phone number, every run of nine digits or more (an identity card), every
// street address (a house number and its street, or what follows "nhà ở",
// "địa chỉ" …) and the name they sign or introduce themselves with
// (mask.Identity, which the public results use too). What the citizen
// declared as the place of the problem (Địa điểm) and the administrative
// unit stay: the agency must find it.

// seesCitizen says whether a role may see a confidential report's citizen:
// the Center's staff may (Art 6.4: the Center keeps the identity secret);
// the agency and outside addresses may not.
func seesCitizen(role string) bool {
	return lifecycle.Role(role).Center()
}

// hidden replaces what identifies the citizen in a confidential report's
// text.
const hidden = "[giữ bí mật]"

// maskIdentity masks in the citizen's words of a confidential report what
// could tell who wrote them (mask.Identity).
func maskIdentity(text string, c store.Citizen) string {
	return mask.Identity(text, mask.Citizen(c), hidden)
}

// masked replaces the contact details an unverified third person's
// follow-up gives, in the agency's copy (maskStranger).
const masked = "[đã che]"

// maskStranger masks, in the text of a follow-up from another address than
// the report's, what could tell who wrote it (mask.Identity: the name,
// phone numbers, email and street addresses it gives, a signature's
// included, and the sender's own name and address), for an agency holding
// a report that is not confidential. SPEC 10.2 lets such an agency see the
// report's citizen, whose contact it needs; the sender of such a mail is
// not the citizen, nor verified as anyone — any address may write a
// report's code — and what it writes of itself is a third person's
// personal data that the agency's work does not need. The Center's staff
// read the text whole, with the sender's address, and pass on what the
// agency must know (/note); the agency's notice says so
// (templates.Notice.SenderMasked). A follow-up from the report's own
// address is the citizen's as far as anyone can tell, verified or not:
// its details are the citizen's, which the agency already sees.
func maskStranger(text string, from sender) string {
	return mask.Identity(text, mask.Citizen{Email: from.addr, Name: from.name}, masked)
}

// strangersNote reports whether a notice is an agency's of a follow-up
// from another address than the report's, on a report that is not
// confidential: its text is masked (maskStranger), and its files go as a
// confidential report's do (anonymousFiles: renamed by their position, a
// document kept at the Center), a file's name being often its owner's
// name or phone, and a document's properties its author's; the agency's
// work does not need an unverified third person's identity. The Center's
// own notice carries them as sent.
func strangersNote(kind lifecycle.NoticeKind, st step, role string) bool {
	return kind == lifecycle.NoticeCitizenNote && st.followUp != nil && !st.followUp.citizen && !seesCitizen(role)
}

// hideCitizen masks in the Center's words what the report recorded of its
// citizen (mask.Recorded).
func hideCitizen(text string, c store.Citizen) string {
	return mask.Recorded(text, mask.Citizen(c), hidden)
}

// anonymousFiles renames files by their position ("tep-1.jpg"), keeping
// the extension their type gives: a citizen's file names often carry a
// name or a phone number. Only the photos and videos whose metadata the
// mailer removes (JPEG, PNG, WebP, GIF, HEIC and other HEIF, MP4, MOV and
// 3GP: strip.Cleans) are sent on, stripped as they are sent (a file that
// cannot be read as its type is then left out); every other file stays at
// the Center (its reference cleared, so that no mail carries it), since
// what it carries may name its owner where no renaming reaches — Word
// writes its user's name into a .docx and into the PDF it exports, a
// camera its owner's into a TIFF.
func anonymousFiles(as []store.Attachment) []store.Attachment {
	out := neutralNames(as)
	for i, a := range out {
		if withheld(a) {
			out[i].BlobKey = ""
		}
	}
	return out
}

// neutralNames renames files by their position ("tep-1.jpg"), keeping the
// extension their type gives, and nothing else: the names anonymousFiles
// gives. The Center keeps the names sent.
func neutralNames(as []store.Attachment) []store.Attachment {
	out := make([]store.Attachment, len(as))
	for i, a := range as {
		a.Name = fmt.Sprintf("tep-%d%s", i+1, extension(a))
		out[i] = a
	}
	return out
}

// withheld reports whether a confidential report's file, or a third
// person's (strangersNote), stays at the Center: a kept file whose
// metadata the mailer does not remove.
func withheld(a store.Attachment) bool {
	return a.Refused == "" && !strip.Cleans(a.Type)
}

// listWithheld lists files as anonymousFiles left them, saying which stay
// at the Center, and why (how: fileWithheld for a confidential report's,
// fileStranger for a third person's).
func listWithheld(as []store.Attachment, how string) []templates.File {
	out := listFiles(as)
	for i, a := range as {
		if withheld(a) {
			out[i].Mail = how
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
