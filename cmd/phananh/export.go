package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/folder"
)

// exported is record.json of `phananh export` (SPEC 10.4): the report's
// whole record, decrypted, with the files beside it named.
type exported struct {
	ExportedAt  string             `json:"exported_at"`
	ExportedBy  string             `json:"exported_by"`
	Reason      string             `json:"reason"`
	Report      exportedReport     `json:"report"`
	Events      []exportedEvent    `json:"events"`
	Messages    []exportedMessage  `json:"messages"`
	Attachments []exportedFile     `json:"attachments"`
	Mail        []exportedMail     `json:"mail"`
	Erasures    []exportedErasure  `json:"erasures"`
	Deadlines   []exportedDeadline `json:"deadlines"`
}

type exportedReport struct {
	Code          string   `json:"code"`
	State         string   `json:"state"`
	ReceivedAt    string   `json:"received_at"`
	Lang          string   `json:"lang"`
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	Phone         string   `json:"phone"`
	Address       string   `json:"address"`
	Workplace     string   `json:"workplace"`
	Location      string   `json:"location"`
	IncidentTime  string   `json:"incident_time"`
	DeclaredField string   `json:"declared_field"`
	Subject       string   `json:"subject"`
	Content       string   `json:"content"`
	Field         string   `json:"field"`
	Unit          string   `json:"unit"`
	Agency        string   `json:"agency"`
	Rule          string   `json:"rule"`
	Why           string   `json:"why"`
	Urgent        bool     `json:"urgent"`
	Complex       bool     `json:"complex"`
	Confidential  bool     `json:"confidential"`
	Missing       []string `json:"missing"`
	DuplicateOf   string   `json:"duplicate_of"`
	Rating        string   `json:"rating"`
	Result        string   `json:"result"`
	ResolvedAt    string   `json:"resolved_at"`
	PublishedAt   string   `json:"published_at"`
	RatedAt       string   `json:"rated_at"`
	ClosedAt      string   `json:"closed_at"`
	Hold          string   `json:"hold"`
	HeldAt        string   `json:"held_at"`
	ErasedAt      string   `json:"erased_at"`
}

type exportedEvent struct {
	At      string            `json:"at"`
	Actor   string            `json:"actor"`
	Command string            `json:"command"`
	From    string            `json:"from"`
	To      string            `json:"to"`
	Agency  string            `json:"agency"`
	Detail  map[string]string `json:"detail"`
}

type exportedMessage struct {
	Kind       string `json:"kind"`
	ReceivedAt string `json:"received_at"`
	Size       int64  `json:"size"`
	File       string `json:"file"` // "" when the raw message is not kept
}

type exportedFile struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Size    int64  `json:"size"`
	Refused string `json:"refused"`
	File    string `json:"file"`
}

type exportedMail struct {
	Kind      string          `json:"kind"`
	Role      string          `json:"role"`
	To        string          `json:"to"`
	State     string          `json:"state"`
	MessageID string          `json:"message_id"`
	CreatedAt string          `json:"created_at"`
	SentAt    string          `json:"sent_at"`
	Data      json.RawMessage `json:"data"`
	File      string          `json:"file"` // the bytes the SMTP server accepted
}

type exportedErasure struct {
	At     string `json:"at"`
	Cause  string `json:"cause"`
	Reason string `json:"reason"`
}

type exportedDeadline struct {
	Kind   string `json:"kind"`
	Start  string `json:"start"`
	Due    string `json:"due"`
	State  string `json:"state"`
	DoneAt string `json:"done_at"`
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("export", `export --config FILE CODE --out DIR --reason TEXT

Writes a report's whole record, decrypted, into DIR (a new folder in one that exists, or an empty
one), for a lawful request (SPEC 10.4) or a data subject's copy (10.5): record.json (the report,
its events, deadlines, messages, files and mail), messages/ (the raw messages), attachments/ and
mail/ (the mail as sent). Readable by its owner only. Recorded, with the reason, in the access log.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	out := fs.String("out", "", "the `folder` to write")
	reason := fs.String("reason", "", "the lawful request or the data subject's request it answers; required")
	ok, code, rest := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if p := usageFault(fs, rest, "CODE", 1, "config", "out", "reason"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "export", *configPath, stderr, func(a *app) error {
		err := exportReport(ctx, a, rest[0], *out, *reason, osUser(), time.Now())
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no report %s", rest[0])
		}
		if err == nil {
			fmt.Fprintf(stdout, "%s exported to %s\n", rest[0], *out)
		}
		return err
	})
}

// exportReport records the export in the access log, then writes the
// record: an export that fails half-way is still on the record.
func exportReport(ctx context.Context, a *app, code, dir, reason, user string, now time.Time) error {
	made, err := newPrivateDir(dir)
	if err != nil {
		return err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		return tx.LogAccess(store.Access{At: now, Action: store.AccessExport, ReportID: r.ID, OSUser: user, Reason: reason})
	})
	if err != nil {
		if made {
			os.Remove(dir) // nothing was written: a mistyped code leaves no folder
		}
		return err
	}
	rec := exported{ExportedAt: rfc3339(now), ExportedBy: user, Reason: reason}
	w := &exportWriter{dir: dir, blobs: a.db.Blobs()}
	err = a.db.Read(ctx, func(tx *store.Tx) error { return w.record(tx, code, &rec) })
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "record.json"), append(b, '\n'), 0o600)
}

// newPrivateDir makes dir in a folder that exists, or checks that it is
// empty, readable by its owner only; made says whether it made it.
func newPrivateDir(dir string) (made bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := folder.Parent(dir, 0o700); err != nil {
			return false, err
		}
		return true, os.Mkdir(dir, 0o700)
	}
	if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s is not empty", dir)
	}
	return false, os.Chmod(dir, 0o700)
}

// exportWriter writes a record's files.
type exportWriter struct {
	dir   string
	blobs *store.Blobs
}

func (w *exportWriter) record(tx *store.Tx, code string, rec *exported) error {
	r, err := tx.Report(code)
	if err != nil {
		return err
	}
	rec.Report = exportedReport{Code: r.Code, State: r.State, ReceivedAt: rfc3339(r.ReceivedAt), Lang: r.Lang,
		Email: r.Citizen.Email, Name: r.Citizen.Name, Phone: r.Citizen.Phone, Address: r.Citizen.Address,
		Workplace: r.Citizen.Workplace, Location: r.Location, IncidentTime: r.IncidentTime, DeclaredField: r.DeclaredField,
		Subject: r.Subject, Content: r.Content, Field: r.Routing.Field, Unit: r.Routing.Unit, Agency: r.Routing.Agency,
		Rule: r.Routing.Rule, Why: r.Routing.Why, Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential,
		Missing: nonNil(r.Missing), DuplicateOf: r.DuplicateOf, Rating: r.Rating, Result: r.Result,
		ResolvedAt: rfc3339(r.ResolvedAt), PublishedAt: rfc3339(r.PublishedAt), RatedAt: rfc3339(r.RatedAt),
		ClosedAt: rfc3339(r.ClosedAt), Hold: r.Hold, HeldAt: rfc3339(r.HeldAt), ErasedAt: rfc3339(r.ErasedAt)}
	rec.Events, rec.Messages, rec.Attachments = []exportedEvent{}, []exportedMessage{}, []exportedFile{}
	rec.Mail, rec.Erasures, rec.Deadlines = []exportedMail{}, []exportedErasure{}, []exportedDeadline{}
	events, err := tx.Events(r.ID)
	if err != nil {
		return err
	}
	for _, e := range events {
		rec.Events = append(rec.Events, exportedEvent{At: rfc3339(e.At), Actor: e.Actor, Command: e.Command, From: e.From,
			To: e.To, Agency: e.Agency, Detail: e.Detail})
	}
	ds, err := tx.Deadlines(r.ID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		rec.Deadlines = append(rec.Deadlines, exportedDeadline{Kind: d.Kind, Start: rfc3339(d.Start), Due: rfc3339(d.Due),
			State: d.State, DoneAt: rfc3339(d.DoneAt)})
	}
	if err := w.messages(tx, r.ID, rec); err != nil {
		return err
	}
	if err := w.attachments(tx, r.ID, rec); err != nil {
		return err
	}
	if err := w.mail(tx, r.ID, rec); err != nil {
		return err
	}
	es, err := tx.Erasures(r.ID)
	for _, e := range es {
		rec.Erasures = append(rec.Erasures, exportedErasure{At: rfc3339(e.At), Cause: e.Cause, Reason: e.Reason})
	}
	return err
}

func (w *exportWriter) messages(tx *store.Tx, reportID int64, rec *exported) error {
	ms, err := tx.ReportMessages(reportID)
	if err != nil {
		return err
	}
	for i, m := range ms {
		file, err := w.file("messages", fmt.Sprintf("%02d-%s.eml", i+1, m.Kind), m.RawKey)
		if err != nil {
			return err
		}
		rec.Messages = append(rec.Messages, exportedMessage{Kind: m.Kind, ReceivedAt: rfc3339(m.ReceivedAt), Size: m.RawSize, File: file})
	}
	return nil
}

func (w *exportWriter) attachments(tx *store.Tx, reportID int64, rec *exported) error {
	as, err := tx.Attachments(reportID, "")
	if err != nil {
		return err
	}
	for i, a := range as {
		name := filepath.Base(strings.ReplaceAll(a.Name, `\`, "/"))
		if name == "." || name == "/" || name == "" {
			name = "file"
		}
		file, err := w.file("attachments", fmt.Sprintf("%02d-%s", i+1, name), a.BlobKey)
		if err != nil {
			return err
		}
		rec.Attachments = append(rec.Attachments, exportedFile{Role: a.Role, Name: a.Name, Type: a.Type, Size: a.Size,
			Refused: a.Refused, File: file})
	}
	return nil
}

func (w *exportWriter) mail(tx *store.Tx, reportID int64, rec *exported) error {
	ms, err := tx.ReportMail(reportID)
	if err != nil {
		return err
	}
	for i, m := range ms {
		file, err := w.file("mail", fmt.Sprintf("%02d-%s.eml", i+1, m.Kind), m.SentKey)
		if err != nil {
			return err
		}
		data := m.Data
		if len(data) == 0 {
			data = json.RawMessage("null")
		}
		rec.Mail = append(rec.Mail, exportedMail{Kind: m.Kind, Role: m.Role, To: m.To, State: m.State, MessageID: m.MessageID,
			CreatedAt: rfc3339(m.CreatedAt), SentAt: rfc3339(m.SentAt), Data: data, File: file})
	}
	return nil
}

// file decrypts a blob into sub/name and returns that path relative to the
// record; "" when there is no blob (an erased report's, a refused file's).
func (w *exportWriter) file(sub, name, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	r, err := w.blobs.Open(ref)
	if errors.Is(err, store.ErrNoBlob) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Join(w.dir, sub), 0o700); err != nil {
		return "", err
	}
	rel := filepath.Join(sub, name)
	f, err := os.OpenFile(filepath.Join(w.dir, rel), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return "", err
	}
	return filepath.ToSlash(rel), f.Close()
}
