package mailer

import (
	"errors"
	"fmt"

	gomail "github.com/wneessen/go-mail"

	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/store"
)

// attach adds the stored files a mail carries (the result's documents and
// photos, SPEC 8.3) without holding any but small ones in memory: each blob
// is decrypted into memory when it fits in one of the blob store's chunks
// (which the store reads whole anyway), otherwise into a temporary file of
// the data folder, encrypted under a key of its own and unlinked at once
// (tempFile), and handed to go-mail as a ReadSeeker, which it copies when
// the mail is written out. JPEG, PNG and WebP photos are copied without
// their metadata (strip.File); a photo that cannot be read as its type is left
// out rather than sent with what it may hold. An inline file (a report's
// chart, the citizen's photos in the triage notice) is embedded with the
// Content-ID <CID>, or <NAME> when it has no CID, for the HTML's "cid:"
// reference. The returned function releases the files.
func (w *Worker) attach(msg *gomail.Msg, m store.Mail) (func(), error) {
	var open []*spill
	release := func() {
		for _, f := range open {
			f.close()
		}
	}
	for i, file := range m.Attachments {
		f, err := spool(w.DB.Blobs(), file)
		var unreadable strip.FormatError
		if errors.As(err, &unreadable) {
			w.Log.Warn("photo left out of a mail: not readable as its type", "mail", m.ID, "kind", m.Kind, "file", i+1, "type", file.Type)
			continue
		}
		if err != nil {
			release()
			return nil, fmt.Errorf("mail %d: file %d: %w", m.ID, i+1, err)
		}
		open = append(open, f)
		r, err := f.reader()
		if err != nil {
			release()
			return nil, fmt.Errorf("mail %d: file %d: %w", m.ID, i+1, err)
		}
		typ := gomail.WithFileContentType(gomail.ContentType(contentType(file.Type)))
		if file.Inline {
			cid := file.CID
			if cid == "" {
				cid = file.Name
			}
			msg.EmbedReadSeeker(file.Name, r, typ, gomail.WithFileContentID("<"+cid+">"))
			continue
		}
		msg.AttachReadSeeker(file.Name, r, typ)
	}
	return release, nil
}

// spoolChunk is the size of file held in memory: one chunk of the blob
// store.
const spoolChunk = 64 << 10

// spool decrypts a blob, into memory when it is small, otherwise into an
// encrypted temporary file (tempFile).
func spool(blobs *store.Blobs, file store.MailFile) (*spill, error) {
	r, err := blobs.Open(file.BlobKey)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f := &spill{dir: blobs.TempDir(), limit: spoolChunk}
	if err := strip.File(f, r, file.Type); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

// contentType is the type a file is sent with: the sniffed type, or
// application/octet-stream when none was found.
func contentType(t string) string {
	if t == "" {
		return "application/octet-stream"
	}
	return t
}
