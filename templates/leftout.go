package templates

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"slices"
)

// FileUnsafe is what File.Mail says of a file its mail was to carry and
// that the mailer left out: a photo that cannot be read as its type, which
// could hide metadata the mailer cannot remove. It stays at the Center,
// and the notice says so.
const FileUnsafe = "unsafe"

// FileUncleaned is what File.Mail says of a file that cannot be read as
// its type and that a mail to the Center's own staff carries as it was
// received, attached, its metadata not removed: the notice tells its
// reader not to forward it to the agency.
const FileUncleaned = "uncleaned"

// FileMissing is what File.Mail says of a file its mail was to carry and
// that is gone from the data folder: the mail goes without it, and the
// notice names it as unavailable — not as kept at the Center, which no
// longer holds it.
const FileMissing = "missing"

// LeftOut is a file a mail was to carry and does not carry as the notice
// says: a photo or video that cannot be read as its type (package
// mailer/strip), left out rather than sent with what it may hide, or, in
// mail to the Center's own staff, attached as it was received (Uncleaned);
// or a file gone from the data folder (Missing).
type LeftOut struct {
	Name string
	// CID is the Content-ID of a photo shown in the mail, "" for an
	// attachment.
	CID string
	// Uncleaned is set when the mail carries the file as received,
	// attached rather than shown, its metadata not removed.
	Uncleaned bool
	// Missing is set when the file is gone from the data folder: the
	// notice names it as unavailable.
	Missing bool
}

// WithoutFiles returns the data of a mail of kind as it reads without the
// files left out: each is listed as kept at the Center because it could
// not be attached safely, as the files over the mail's size limit are
// (the triage notice, the staff notices' lists of files, the result
// notice's list of files kept), or, when Uncleaned, as attached without
// its metadata removed; a Missing one is listed in the same place as
// unavailable, gone from the data folder (the result notice's and the
// periodic reports' lists of files unavailable, a periodic report's
// chart no longer shown). carried is how many files the mail carries,
// uncleaned ones included. Files are found by Content-ID, else by name: the n-th file of
// a name left out is the n-th of that name the notice lists as sent. The
// data of a kind that lists no files is returned as it is.
func WithoutFiles(kind string, data json.RawMessage, left []LeftOut, carried int) (json.RawMessage, error) {
	k, ok := kinds[kind]
	if !ok || len(left) == 0 {
		return data, nil
	}
	v := k.new()
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("templates: %s data: %w", kind, err)
	}
	switch d := v.(type) {
	case *Triage:
		leaveOut(d.Attachments, left)
	case *Notice:
		switch kind {
		case "assignment", "coordination":
			leaveOut(d.Files, left)
		case "review":
			leaveOut(d.ResultFiles, left)
		case "citizen-reply", "citizen-note":
			leaveOut(d.ReplyFiles, left)
		}
		d.Attached = carried > 0
	case *Result:
		for _, f := range left {
			if i := slices.Index(d.Files, f.Name); i >= 0 {
				d.Files = slices.Delete(d.Files, i, i+1)
				if f.Missing {
					d.Unavailable = append(d.Unavailable, f.Name)
				} else {
					d.Withheld = append(d.Withheld, f.Name)
				}
			}
		}
	case *PeriodicReport:
		d.leaveOut(left)
	default:
		return data, nil
	}
	return json.Marshal(v)
}

// leaveOut marks the files of a list that were left out as FileUnsafe,
// those sent as received as FileUncleaned, and those gone from the data
// folder as FileMissing.
func leaveOut(files []File, left []LeftOut) {
	for _, l := range left {
		i := slices.IndexFunc(files, func(f File) bool { return l.CID != "" && f.CID == l.CID })
		if i < 0 {
			i = slices.IndexFunc(files, func(f File) bool { return f.Name == l.Name && sent(f) })
		}
		if i >= 0 {
			files[i].Mail, files[i].CID = FileUnsafe, ""
			switch {
			case l.Missing:
				files[i].Mail = FileMissing
			case l.Uncleaned:
				files[i].Mail = FileUncleaned
			}
		}
	}
}

// notCarried are the File.Mail values of a file its mail does not carry.
var notCarried = []string{"kept", "withheld", "stranger", FileUnsafe, FileUncleaned, FileMissing}

// sent reports whether a listed file may be one its mail carries.
func sent(f File) bool { return f.Refused == "" && !slices.Contains(notCarried, f.Mail) }

// leaveOut moves the report's files left out — only ever gone from the
// data folder: its workbook, CSV and chart are ours and read as their
// types — from the files it names as attached, or from its chart, to
// those it names as unavailable. The mail still goes when every one is
// gone: its body holds the figures, and `phananh report` writes the files
// of the period again.
func (d *PeriodicReport) leaveOut(left []LeftOut) {
	for _, f := range left {
		switch i := slices.Index(d.Attached, f.Name); {
		case i >= 0:
			d.Attached = slices.Delete(d.Attached, i, i+1)
		case d.Chart != "" && (d.Chart == "cid:"+htmltemplate.URL(f.Name) || f.CID != "" && d.Chart == "cid:"+htmltemplate.URL(f.CID)):
			d.Chart = ""
		default:
			continue
		}
		d.Unavailable = append(d.Unavailable, f.Name)
	}
}
