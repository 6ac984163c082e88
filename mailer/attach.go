package mailer

import (
	"errors"
	"fmt"

	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// A spooled file is one of a mail's files made ready to be added to it.
type spooled struct {
	file  store.MailFile
	spill *spill
}

// spoolFiles makes the stored files a mail carries (the result's
// documents and photos, SPEC 8.3) ready to add to it, without holding any
// but small ones in memory: each blob is decrypted into memory when it
// fits in one of the blob store's chunks (which the store reads whole
// anyway), otherwise into a temporary file of the data folder, encrypted
// under a key of its own and unlinked at once (tempFile). Photos and
// videos of the types strip cleans are copied without their metadata
// (strip.File); a file that cannot be read as its type is left out rather
// than sent with what it may hold, and returned in left, for the notice to say that it stays
// at the Center (templates.WithoutFiles). The returned function releases
// the files.
func (w *Worker) spoolFiles(m store.Mail) (files []spooled, left []templates.LeftOut, release func(), err error) {
	release = func() {
		for _, f := range files {
			f.spill.close()
		}
	}
	for i, file := range m.Attachments {
		f, err := spool(w.DB.Blobs(), file)
		var unreadable strip.FormatError
		if errors.As(err, &unreadable) {
			w.Log.Warn("photo left out of a mail: not readable as its type", "mail", m.ID, "kind", m.Kind, "file", i+1, "type", file.Type)
			left = append(left, templates.LeftOut{Name: file.Name, CID: file.CID})
			continue
		}
		if err != nil {
			release()
			return nil, nil, nil, fmt.Errorf("mail %d: file %d: %w", m.ID, i+1, err)
		}
		files = append(files, spooled{file: file, spill: f})
	}
	return files, left, release, nil
}

// attach adds spooled files to a mail, each read when the mail is
// written out. An inline file (a report's chart, the citizen's photos in
// the triage notice) is embedded with the Content-ID <CID>, or <NAME>
// when it has no CID, for the HTML's "cid:" reference.
func attach(msg *Message, files []spooled) error {
	for _, f := range files {
		r, err := f.spill.reader()
		if err != nil {
			return fmt.Errorf("file %s: %w", f.file.Name, err)
		}
		file := f.file
		if file.Inline {
			cid := file.CID
			if cid == "" {
				cid = file.Name
			}
			msg.Embed(file.Name, contentType(file.Type), cid, r)
			continue
		}
		msg.Attach(file.Name, contentType(file.Type), r)
	}
	return nil
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
