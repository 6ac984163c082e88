package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// pooledCase is what one transaction of TestPooledSealsOpenAsWritten
// writes: a report, an event, an attachment and a mail, each value
// distinct, of a size that the pooled buffers keep (a few bytes), grow
// (kilobytes) or leave to the collector (past maxSealBuffer).
type pooledCase struct {
	report  Report
	event   Event
	attach  Attachment
	mail    Mail
	id      int64
	mailID  int64
	code    string
	content string
}

func newPooledCase(g, i int) *pooledCase {
	tag := fmt.Sprintf("g%d-i%d", g, i)
	sizes := []int{1, 300, 5000, 70000}
	body := strings.Repeat("Hẻm "+tag+" ", sizes[(g+i)%len(sizes)]/len(tag)+1)
	r := sample(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC).Add(time.Duration(g*1000+i) * time.Second))
	r.Citizen.Email = tag + "@example.com"
	r.Citizen.Name = "Nguyễn " + tag
	r.Content = body
	r.Subject = "Chủ đề " + tag
	return &pooledCase{
		report:  r,
		content: body,
		event: Event{At: r.ReceivedAt, Actor: "op-" + tag + "@haugiang.gov.vn", Command: "/accept " + tag,
			From: "received", To: "accepted", Detail: map[string]string{"note": body[:min(len(body), 2000)]}},
		attach: Attachment{Role: "report", Name: "anh-" + tag + ".jpg", Type: "image/jpeg", Refused: "too large"},
		mail: Mail{Kind: "ack", To: tag + "@example.com", Role: "citizen", InReplyTo: "in-" + tag + "@example.com",
			References: []string{"ref-" + tag + "@example.com"}},
	}
}

// write stores c in tx.
func (c *pooledCase) write(tx *Tx) error {
	r, err := tx.CreateReport(c.report)
	if err != nil {
		return err
	}
	c.id, c.code = r.ID, r.Code
	if err := tx.AppendEvent(r.ID, c.event); err != nil {
		return err
	}
	if _, err := tx.AddAttachment(r.ID, c.attach); err != nil {
		return err
	}
	data, err := json.Marshal(map[string]string{"code": r.Code, "text": c.content})
	if err != nil {
		return err
	}
	m := c.mail
	m.ReportID, m.ReportCode, m.Data = r.ID, r.Code, data
	if m, err = tx.Enqueue(m, c.report.ReceivedAt); err != nil {
		return err
	}
	c.mailID = m.ID
	return nil
}

// check reads c back and reports what differs from what was written.
func (c *pooledCase) check(tx *Tx) error {
	r, err := tx.Report(c.code)
	if err != nil {
		return err
	}
	if r.Citizen != c.report.Citizen || r.Content != c.report.Content || r.Subject != c.report.Subject {
		return fmt.Errorf("report %s reads %q %q, want %q %q", c.code, r.Citizen.Email, r.Subject, c.report.Citizen.Email, c.report.Subject)
	}
	events, err := tx.Events(c.id)
	if err != nil {
		return err
	}
	if len(events) != 1 || events[0].Actor != c.event.Actor || events[0].Command != c.event.Command ||
		events[0].Detail["note"] != c.event.Detail["note"] {
		return fmt.Errorf("report %s: events %+v, want one of %q %q", c.code, events, c.event.Actor, c.event.Command)
	}
	as, err := tx.Attachments(c.id, "")
	if err != nil {
		return err
	}
	if len(as) != 1 || as[0].Name != c.attach.Name {
		return fmt.Errorf("report %s: attachments %+v, want %q", c.code, as, c.attach.Name)
	}
	m, err := tx.MailByID(c.mailID)
	if err != nil {
		return err
	}
	var data map[string]string
	if err := json.Unmarshal(m.Data, &data); err != nil {
		return fmt.Errorf("mail %d data %.40q: %w", c.mailID, m.Data, err)
	}
	if m.To != c.mail.To || m.InReplyTo != c.mail.InReplyTo || data["code"] != c.code || data["text"] != c.content {
		return fmt.Errorf("mail %d reads %q %q %q, want %q %q %q", c.mailID, m.To, m.InReplyTo, data["code"], c.mail.To, c.mail.InReplyTo, c.code)
	}
	return nil
}

// TestPooledSealsOpenAsWritten: reports, events, attachments and mails
// written by several callers at once into two stores — whose values are
// sealed into buffers of one pool, given back as each statement has run,
// while readers open values into the pool of their own — each read back
// as written once all are, those of transactions run again after another
// of their group failed too: no value was sealed into memory that another
// statement used after.
func TestPooledSealsOpenAsWritten(t *testing.T) {
	const stores, callers, each = 2, 4, 12
	// The failed case of each caller's group has those before it run
	// again, their values sealed again.
	const failed = each / 2
	errRefused := errors.New("refused")
	ctx := context.Background()
	var wg sync.WaitGroup
	var checks []func()
	for s := range stores {
		db := openTest(t, t.TempDir(), testKey)
		cases := make([][]*pooledCase, callers)
		for g := range callers {
			for i := range each {
				cases[g] = append(cases[g], newPooledCase(s*callers+g, i))
			}
		}
		for g := range callers {
			wg.Go(func() {
				fns := make([]func(*Tx) error, each)
				for i, c := range cases[g] {
					fns[i] = c.write
					if i == failed {
						fns[i] = func(tx *Tx) error { c.write(tx); return errRefused }
					}
				}
				for i, err := range db.WriteEach(ctx, fns...) {
					if (err != nil) != (i == failed) {
						t.Errorf("store %d, caller %d, case %d: %v", s, g, i, err)
					}
				}
				// Reads between the writes open values while others are
				// sealed.
				if err := db.Read(ctx, func(tx *Tx) error { return cases[g][0].check(tx) }); err != nil {
					t.Errorf("store %d, caller %d: %v", s, g, err)
				}
			})
		}
		checks = append(checks, func() {
			err := db.Read(ctx, func(tx *Tx) error {
				for _, cs := range cases {
					for i, c := range cs {
						if i == failed {
							continue
						}
						if err := c.check(tx); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Errorf("store %d: %v", s, err)
			}
		})
	}
	wg.Wait()
	for _, check := range checks {
		check()
	}
}
