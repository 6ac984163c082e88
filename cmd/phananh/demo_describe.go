package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"text/tabwriter"

	gomessage "github.com/emersion/go-message/mail"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// describe says in one line what the demo's message became.
func describe(ctx context.Context, d *daemon, table *routing.Table, o intake.Outcome) string {
	switch o.Kind {
	case intake.KindReport:
		return describeReport(ctx, d, table, o.Code)
	case intake.KindQuarantine, intake.KindJunk:
		return "moved to " + d.cfg.IMAP.QuarantineMailbox + ": " + o.Reason + "; the receivers are told"
	case intake.KindAutoreply:
		return "recorded, never answered: " + o.Reason
	default:
		return o.Reason
	}
}

func describeReport(ctx context.Context, d *daemon, table *routing.Table, code string) string {
	var r store.Report
	var deadlines []store.Deadline
	var files []store.Attachment
	err := d.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.Report(code); err != nil {
			return err
		}
		if deadlines, err = tx.Deadlines(r.ID); err != nil {
			return err
		}
		files, err = tx.Attachments(r.ID, "report")
		return err
	})
	if err != nil {
		return err.Error()
	}
	var parts []string
	route, agency := "?", "?"
	if f, ok := table.Field(r.Routing.Field); ok {
		route = f.Name
	}
	if u, ok := table.Unit(r.Routing.Unit); ok {
		route += ", " + u.Name
	}
	if a, ok := table.Agency(r.Routing.Agency); ok {
		agency = a.Name
	}
	parts = append(parts, route+" → "+agency)
	if r.Urgent {
		parts = append(parts, "URGENT")
	}
	if r.Confidential {
		parts = append(parts, "confidential")
	}
	if r.Lang == "en" {
		parts = append(parts, "answered in English")
	}
	for _, f := range files {
		p := f.Type
		if f.Photo != nil && f.Photo.HasGPS {
			p += " with GPS"
		}
		parts = append(parts, p)
	}
	for _, dl := range deadlines {
		if dl.State == "open" && !dl.Due.IsZero() {
			parts = append(parts, dl.Kind+" due "+dl.Due.In(calendar.Vietnam).Format("15:04 02/01"))
		}
	}
	if r.State != "received" {
		parts = append(parts, "now "+r.State)
	}
	return strings.Join(parts, "; ")
}

// headlineOf is a mail's decoded Subject and the first line of its text,
// which says what happened: a staff member's mail about a report has the
// subject of their conversation about it.
func headlineOf(raw []byte) string {
	subject := subjectOf(raw)
	r, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return subject
	}
	for {
		p, err := r.NextPart()
		if err != nil {
			return subject
		}
		if h, ok := p.Header.(*gomessage.InlineHeader); ok {
			if t, _, _ := h.ContentType(); t == "text/plain" {
				line, _ := bufio.NewReader(p.Body).ReadString('\n')
				if line = strings.TrimSpace(line); line != "" && line != subject {
					return subject + " — " + line
				}
				return subject
			}
		}
	}
}

// subjectOf is a mail's decoded Subject.
func subjectOf(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "?"
	}
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return m.Header.Get("Subject")
	}
	return s
}

// printWalk says what the walk did to its report: each event of its log,
// and the mail the report had.
func printWalk(ctx context.Context, w io.Writer, d *daemon, code string) error {
	var r store.Report
	var events []store.Event
	var mails []store.Mail
	err := d.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if r, err = tx.Report(code); err != nil {
			return err
		}
		if events, err = tx.Events(r.ID); err != nil {
			return err
		}
		mails, err = tx.ReportMail(r.ID)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nThe lifecycle of %s (%s), walked by mail:\n", code, demoWalkSample)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range events {
		fmt.Fprintf(tw, "  %s\t%s\t%s → %s\n", e.Command, e.Actor, first(e.From, "—"), e.To)
	}
	tw.Flush()
	var kinds []string
	for _, m := range mails {
		kinds = append(kinds, m.Kind+" to "+m.Role)
	}
	fmt.Fprintf(w, "  now %s, rated %q; its mail: %s\n", r.State, r.Rating, strings.Join(kinds, ", "))
	return nil
}

func first(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
