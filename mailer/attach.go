package mailer

import (
	"errors"
	"fmt"
	"io"

	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/rules/lifecycle"
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
// (strip.File). A file that cannot be read as its type is returned in
// left, for the notice to say what became of it (templates.WithoutFiles):
// in mail to the Center's own staff (asReceived) it is attached as the
// citizen or the agency sent it, never shown inline, and listed as not
// cleaned of its metadata; in any other mail it is left out rather than
// sent with what it may hold, and listed as staying at the Center. A file
// gone from the data folder (store.ErrNoBlob) is left out of any mail and
// returned in left as Missing, for the notice to name it as unavailable:
// what the mail says is still owed to its reader (SPEC 8.2), and the file
// will not come back by waiting. The mail goes even when every file it
// carries is gone — a periodic report's workbook, CSV and chart among
// them, since its body holds the figures. Any other error reading a file
// (an I/O error) is returned: the mail waits and is tried again. The
// returned function releases the files.
func (w *Worker) spoolFiles(m store.Mail) (files []spooled, left []templates.LeftOut, release func(), err error) {
	release = func() {
		for _, f := range files {
			f.spill.close()
		}
	}
	for i, file := range m.Attachments {
		f, l, err := w.spoolFile(m, i, file)
		if err != nil {
			release()
			return nil, nil, nil, fmt.Errorf("mail %d: file %d: %w", m.ID, i+1, err)
		}
		if l != nil {
			left = append(left, *l)
		}
		if f != nil {
			files = append(files, *f)
		}
	}
	return files, left, release, nil
}

// spoolFile makes file, the i-th of m, ready to add to m (spoolFiles): it
// returns the file spooled, nil when it is left out, and what the notice
// says of it, nil when it is sent as listed.
func (w *Worker) spoolFile(m store.Mail, i int, file store.MailFile) (*spooled, *templates.LeftOut, error) {
	f, err := spool(w.DB.Blobs(), file, strip.File)
	var unreadable strip.FormatError
	var left *templates.LeftOut
	switch {
	case errors.As(err, &unreadable) && asReceived(m):
		w.Log.Info("file sent as received to the Center's staff: not readable as its type", "mail", m.ID, "kind", m.Kind, "file", i+1, "type", file.Type)
		left = &templates.LeftOut{Name: file.Name, CID: file.CID, Uncleaned: true}
		file.Inline, file.CID = false, ""
		f, err = spool(w.DB.Blobs(), file, copyFile)
	case errors.As(err, &unreadable):
		w.Log.Warn("file left out of a mail: not readable as its type", "mail", m.ID, "kind", m.Kind, "file", i+1, "type", file.Type)
		return nil, &templates.LeftOut{Name: file.Name, CID: file.CID}, nil
	}
	if errors.Is(err, store.ErrNoBlob) {
		w.missing(m, i, file)
		return nil, &templates.LeftOut{Name: file.Name, CID: file.CID, Missing: true}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &spooled{file: file, spill: f}, left, nil
}

// missing tells the IT team that a mail's file is gone from the data
// folder and that the mail goes without it: an error in the log, naming
// the mail, its report and the file by its position and type, never by its
// name (a citizen's file name may name them or their street), and one more
// in FilesMissing, which the daemon's metrics expose for an alert.
func (w *Worker) missing(m store.Mail, i int, file store.MailFile) {
	w.filesMissing.Add(1)
	w.Log.Error("mail's file missing from the data folder: mail sent without it, its notice names it unavailable",
		"mail", m.ID, "kind", m.Kind, "report", m.ReportCode, "file", i+1, "type", file.Type)
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

// asReceived reports whether a mail may carry a file that strip cannot
// clean as it was received: a mail has one recipient, and only the
// Center's own staff — receivers, approvers, the IT team — are entitled to
// the whole report, which includes what the file says of where and by
// whom it was made (SPEC 4.6 shows them the photos' positions). An
// agency's staff or mailbox, the Dept. of I&C, the citizen and the
// periodic reports' readers never get one.
func asReceived(m store.Mail) bool {
	return lifecycle.Role(m.Role).Center()
}

// copyFile copies a file as it is, whatever its type.
func copyFile(dst io.Writer, src io.Reader, _ string) error {
	_, err := io.Copy(dst, src)
	return err
}

// spool decrypts a blob through through (strip.File, or copyFile), into
// memory when it is small, otherwise into an encrypted temporary file
// (tempFile).
func spool(blobs *store.Blobs, file store.MailFile, through func(dst io.Writer, src io.Reader, typ string) error) (*spill, error) {
	r, err := blobs.Open(file.BlobKey)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f := &spill{dir: blobs.TempDir(), limit: spoolChunk}
	if err := through(f, r, file.Type); err != nil {
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
