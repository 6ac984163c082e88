package intake

import (
	"fmt"
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// storeAttachment is a parsed attachment as the store records it on a
// report, in a role ("report", "reply", "result"), with the message that
// carried it.
func storeAttachment(a parse.Attachment, role string, msgID int64) store.Attachment {
	sa := store.Attachment{MessageID: msgID, Role: role, Name: a.Name, Type: a.Type, DeclaredType: a.DeclaredType,
		Size: a.Size, BlobKey: a.Key, Refused: a.Refused, Inline: a.Inline}
	if a.Photo != nil {
		sa.Photo = &store.Photo{Taken: a.Photo.Taken, HasGPS: a.Photo.HasGPS, Lat: a.Photo.Lat, Lon: a.Photo.Lon}
	}
	return sa
}

// keptAttachments returns the attachments that were stored.
func keptAttachments(m *parse.Message) []parse.Attachment {
	var out []parse.Attachment
	for _, a := range m.Attachments {
		if a.Refused == "" {
			out = append(out, a)
		}
	}
	return out
}

// refused lists the refused attachments for the acknowledgement, by
// position and type, never by the citizen's file name.
func refused(m *parse.Message) []templates.Refused {
	var out []templates.Refused
	for i, a := range m.Attachments {
		if a.Refused != "" {
			out = append(out, templates.Refused{Index: i + 1, Type: a.Type, Reason: refusalCode(a.Refused)})
		}
	}
	return out
}

// refusalCode reduces the parser's refusal reason to the codes the
// templates word in each language.
func refusalCode(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case r == "":
		return ""
	case strings.Contains(r, "type"):
		return "type"
	case strings.Contains(r, "total") || strings.Contains(r, "message"):
		return "total"
	case strings.Contains(r, "many") || strings.Contains(r, "count"):
		return "count"
	case strings.Contains(r, "large") || strings.Contains(r, "size"):
		return "size"
	}
	return reason
}

// signatureImage is the size under which an inline image is taken for a
// signature's logo, not a photo of the result (SPEC 8.3).
const signatureImage = 10 << 10

func isSignatureImage(a parse.Attachment) bool {
	return a.Inline && strings.HasPrefix(a.Type, "image/") && a.Size < signatureImage
}

// resultFileCount counts the attachments a /resolve takes as the result's.
func resultFileCount(m *parse.Message) int {
	n := 0
	for _, a := range keptAttachments(m) {
		if !isSignatureImage(a) {
			n++
		}
	}
	return n
}

func listFiles(as []store.Attachment) []templates.File {
	var out []templates.File
	for _, a := range as {
		f := templates.File{Name: a.Name, Type: a.Type, Size: a.Size, Refused: refusalCode(a.Refused)}
		if a.Photo != nil {
			f.Taken = a.Photo.Taken
			if a.Photo.HasGPS {
				f.GPS = fmt.Sprintf("%.6f, %.6f", a.Photo.Lat, a.Photo.Lon)
			}
		}
		out = append(out, f)
	}
	return out
}

// MaxMailFiles is the most file data one mail carries: base64 makes it a
// third larger, and mail servers commonly refuse messages over 25 MB. The
// files beyond it stay at the Center and the mail says so.
const MaxMailFiles = 15 << 20

// mailFiles are the stored files of as that a mail can carry, in order,
// up to MaxMailFiles in all; kept are the positions in as of those that
// did not fit, which stay at the Center.
func mailFiles(as []store.Attachment) (files []store.MailFile, kept []int) {
	var total int64
	for i, a := range as {
		if a.BlobKey == "" || a.Refused != "" {
			continue
		}
		if total+a.Size > MaxMailFiles {
			kept = append(kept, i)
			continue
		}
		total += a.Size
		files = append(files, store.MailFile{BlobKey: a.BlobKey, Name: a.Name, Type: a.Type})
	}
	return files, kept
}

// markKept marks the files of a notice's list, listed from the
// attachments given to mailFiles in their order, that mailFiles kept at
// the Center.
func markKept(list []templates.File, kept []int) {
	for _, i := range kept {
		list[i].Mail = fileKept
	}
}
