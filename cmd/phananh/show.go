package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
	"haugiang.gov.vn/phananh/store"
)

// shownReport is the JSON of `phananh show` (SPEC 12.1). It carries the
// report's process, never the citizen's personal data: not the routing's
// explanation either, which quotes the field the citizen declared.
type shownReport struct {
	Code   string `json:"code"`
	State  string `json:"state"`
	Field  string `json:"field"`
	Unit   string `json:"unit"`
	Agency string `json:"agency"`
	// CoAgencies are the agencies working with the lead (Agency), Art 7.1.
	CoAgencies   []string `json:"co_agencies"`
	Urgent       bool     `json:"urgent"`
	Complex      bool     `json:"complex"`
	Confidential bool     `json:"confidential"`
	// Secret: the result holds state secrets (Art 9.1c); it is neither
	// published nor mailed.
	Secret bool `json:"secret"`
	// Undeliverable: mail to the citizen bounced; call them.
	Undeliverable bool                     `json:"undeliverable"`
	ReceivedAt    string                   `json:"received_at"`
	Rating        string                   `json:"rating"`
	Lang          string                   `json:"lang"`
	Rule          string                   `json:"rule"`
	Ruleset       string                   `json:"ruleset"`
	Edition       string                   `json:"edition"`     // of the routing table that routed it
	FormerUnit    string                   `json:"former_unit"` // the old unit whose name the citizen wrote
	Missing       []string                 `json:"missing"`
	DuplicateOf   string                   `json:"duplicate_of"`
	Deadlines     map[string]shownDeadline `json:"deadlines"`
	Events        []shownEvent             `json:"events"`
	Mail          []shownMail              `json:"mail"`
	// Held and ErasedAt are the personal data law's (SPEC 10.5): an admin's
	// hold keeps the report past its retention; its personal data was
	// destroyed at ErasedAt.
	Held     bool   `json:"held"`
	ClosedAt string `json:"closed_at"`
	ErasedAt string `json:"erased_at"`

	id int64
}

type shownDeadline struct {
	Due   string `json:"due"`
	State string `json:"state"`
}

type shownEvent struct {
	At      string `json:"at"`
	Actor   string `json:"actor"`
	Command string `json:"command"`
	From    string `json:"from"`
	To      string `json:"to"`
}

type shownMail struct {
	Kind      string `json:"kind"`
	Role      string `json:"role"`
	State     string `json:"state"`
	MessageID string `json:"message_id"`
	Attempts  int    `json:"attempts"`
	CreatedAt string `json:"created_at"`
	SentAt    string `json:"sent_at"`
}

func runShow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("show", "show --config FILE CODE [--reason TEXT]\n\nRecorded, with the OS user and the reason, in the access log.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	reason := fs.String("reason", "", "why the report is read, for the access log")
	ok, code, rest := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if p := usageFault(fs, rest, "CODE", 1, "config"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "show", *configPath, stderr, func(a *app) error {
		var out shownReport
		now := time.Now()
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			if out, err = showReport(tx, a.calendar, rest[0], now); err != nil {
				return err
			}
			return tx.LogAccess(store.Access{At: now, Action: store.AccessShow, ReportID: out.id, OSUser: osUser(), Reason: *reason})
		})
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no report %s", rest[0])
		}
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	})
}

func showReport(tx *store.Tx, cal *calendar.Calendar, code string, now time.Time) (shownReport, error) {
	r, err := tx.Report(code)
	if err != nil {
		return shownReport{}, err
	}
	out := shownReport{
		Code: r.Code, State: r.State, Field: r.Routing.Field, Unit: r.Routing.Unit, Agency: r.Routing.Agency, CoAgencies: nonNil(r.CoAgencies),
		Urgent: r.Urgent, Complex: r.Complex, Confidential: r.Confidential, Secret: r.Secret, Undeliverable: r.Undeliverable, ReceivedAt: rfc3339(r.ReceivedAt),
		Rating: r.Rating, Lang: r.Lang, Rule: r.Routing.Rule, Ruleset: r.Routing.Ruleset,
		Edition: r.Routing.Edition, FormerUnit: r.Routing.Former,
		Missing: nonNil(r.Missing), DuplicateOf: r.DuplicateOf, Deadlines: map[string]shownDeadline{},
		Events: []shownEvent{}, Mail: []shownMail{},
		Held: !r.HeldAt.IsZero(), ClosedAt: rfc3339(r.ClosedAt), ErasedAt: rfc3339(r.ErasedAt), id: r.ID,
	}
	deadlines, err := tx.Deadlines(r.ID)
	if err != nil {
		return out, err
	}
	for _, d := range deadlines {
		out.Deadlines[d.Kind] = shownDeadline{Due: rfc3339(d.Due), State: deadlineState(cal, d, now)}
	}
	events, err := tx.Events(r.ID)
	if err != nil {
		return out, err
	}
	for _, e := range events {
		out.Events = append(out.Events, shownEvent{At: rfc3339(e.At), Actor: e.Actor, Command: e.Command, From: e.From, To: e.To})
	}
	mails, err := tx.ReportMail(r.ID)
	if err != nil {
		return out, err
	}
	for _, m := range mails {
		out.Mail = append(out.Mail, shownMail{Kind: m.Kind, Role: m.Role, State: m.State, MessageID: m.MessageID,
			Attempts: m.Attempts, CreatedAt: rfc3339(m.CreatedAt), SentAt: rfc3339(m.SentAt)})
	}
	return out, nil
}

// deadlineState is a closed deadline's outcome, or an open one's state now.
func deadlineState(cal *calendar.Calendar, d store.Deadline, now time.Time) string {
	if d.State != "open" {
		return d.State
	}
	if d.Due.IsZero() {
		return string(deadline.OnTime) // open-ended until a date is set
	}
	dl := deadline.Deadline{Kind: deadline.Kind(d.Kind), Start: d.Start, Due: d.Due, Clock: d.Clock}
	return string(dl.State(cal, now))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
