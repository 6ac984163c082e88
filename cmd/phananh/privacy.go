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
	"haugiang.gov.vn/phananh/rules/privacy"
	"haugiang.gov.vn/phananh/store"
)

// The data-subject requests and the records of SPEC 10.5: subject, erase,
// hold and access-log. Each one that reads or changes a report's personal
// data writes an entry of the access log with the OS user and the reason.

type subjectLine struct {
	Code       string `json:"code"`
	State      string `json:"state"`
	ReceivedAt string `json:"received_at"`
	ClosedAt   string `json:"closed_at"`
	Held       bool   `json:"held"`
}

func runSubject(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("subject", `subject --config FILE --email ADDR | --phone N [--reason TEXT]

Lists the reports of a person, found by their email address or phone number through the HMAC
indexes, one JSON line each: code, state, received_at, closed_at, held. The search is recorded in
the access log.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	email := fs.String("email", "", "the person's email `address`")
	phone := fs.String("phone", "", "the person's phone `number`, in any Vietnamese format")
	reason := fs.String("reason", "", "why the search is made (a request's reference), for the access log")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	switch {
	case *email == "" && *phone == "":
		return badUsage(fs, "--email or --phone is required")
	case *email != "" && *phone != "":
		return badUsage(fs, "--email or --phone, not both")
	}
	query := "email " + *email
	if *phone != "" {
		query = "phone " + *phone
	}
	return withApp(ctx, "subject", *configPath, stderr, func(a *app) error {
		var found []store.SubjectReport
		now, user := time.Now(), osUser()
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			if found, err = tx.SubjectReports(*email, *phone); err != nil {
				return err
			}
			if len(found) == 0 {
				return tx.LogAccess(store.Access{At: now, Action: store.AccessSubject, OSUser: user, Reason: *reason, Query: query})
			}
			for _, s := range found {
				if err := tx.LogAccess(store.Access{At: now, Action: store.AccessSubject, ReportID: s.ID, OSUser: user, Reason: *reason, Query: query}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, s := range found {
			if err := enc.Encode(subjectLine{Code: s.Code, State: s.State, ReceivedAt: rfc3339(s.ReceivedAt),
				ClosedAt: rfc3339(s.ClosedAt), Held: s.Held}); err != nil {
				return err
			}
		}
		return nil
	})
}

type erasedLine struct {
	Code     string `json:"code"`
	ErasedAt string `json:"erased_at"`
	Cause    string `json:"cause"`
}

func runErase(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("erase", `erase --config FILE CODE --reason TEXT

Destroys one report's personal data beyond recovery: its data key is deleted from the key store,
so that no backup can show it either, and its files are deleted. Its codes, dates, field, unit,
agency, deadlines and rating stay for the statistics. Refused while the report is being handled or
held, with the reason. Recorded, with the reason, in the access log; prints a JSON line.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	reason := fs.String("reason", "", "why (a request's reference: not the person's name); required")
	ok, code, rest := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if p := usageFault(fs, rest, "CODE", 1, "config", "reason"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "erase", *configPath, stderr, func(a *app) error {
		e, err := a.db.Erase(ctx, rest[0], store.Erasure{At: time.Now(), Cause: store.ErasureRequest, Reason: *reason, Actor: osUser()}, erasable)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no report %s", rest[0])
		}
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(erasedLine{Code: e.ReportCode, ErasedAt: rfc3339(e.At), Cause: e.Cause})
	})
}

// erasable is rules/privacy.Erasable for the store's erasure.
func erasable(r store.Report, open []store.Deadline) error {
	p := privacy.Report{Code: r.Code, State: r.State, Held: !r.HeldAt.IsZero(), Hold: r.Hold, HeldAt: r.HeldAt}
	for _, d := range open {
		p.Open = append(p.Open, deadline.Kind(d.Kind))
	}
	return privacy.Erasable(p)
}

// holdLine is what `phananh hold` prints: the report, whether it is held
// now, and the hold it put or released — when it was put, when it was
// released ("" while it holds) and its reason.
type holdLine struct {
	Code       string `json:"code"`
	Held       bool   `json:"held"`
	HeldAt     string `json:"held_at"`
	ReleasedAt string `json:"released_at"`
	Reason     string `json:"reason"`
}

func runHold(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("hold", `hold --config FILE CODE --reason TEXT | --release

Puts an admin's hold on a report (an archive, a dispute): its personal data is kept past the
retention period, and cannot be erased, until the hold is released with --release. Recorded in the
report's events and in the access log; prints a JSON line: code, held, held_at, released_at and
the hold's reason. Refused on a report whose personal data was erased: nothing is left to hold.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	reason := fs.String("reason", "", "why the report is held")
	release := fs.Bool("release", false, "release the hold")
	ok, code, rest := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	required := []string{"config"}
	if !*release {
		required = append(required, "reason")
	}
	if p := usageFault(fs, rest, "CODE", 1, required...); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "hold", *configPath, stderr, func(a *app) error {
		var line holdLine
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			line, err = setHold(tx, rest[0], *release, *reason, osUser(), time.Now())
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no report %s", rest[0])
		}
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(line)
	})
}

// setHold puts or releases a report's hold, as the admin's /hold and
// /release do by mail, with its event and its access-log entry, and
// returns the line that says what it did. A hold put twice, a release of
// no hold and a hold on an erased report are refused.
func setHold(tx *store.Tx, code string, release bool, reason, user string, now time.Time) (holdLine, error) {
	r, err := tx.Report(code)
	if err != nil {
		return holdLine{}, err
	}
	held := !r.HeldAt.IsZero()
	line := holdLine{Code: r.Code, Held: !release, HeldAt: rfc3339(now), Reason: reason}
	action, command := store.AccessHold, "/hold "+reason
	switch {
	case !r.ErasedAt.IsZero() && !held:
		return holdLine{}, erasedHold(r, release)
	case release && !held:
		return holdLine{}, fmt.Errorf("report %s is not held", code)
	case release:
		line.HeldAt, line.ReleasedAt, line.Reason = rfc3339(r.HeldAt), rfc3339(now), r.Hold
		r.Hold, r.HeldAt = "", time.Time{}
		action, command = store.AccessRelease, "/release"
	case held:
		return holdLine{}, fmt.Errorf("report %s is already held since %s (%s)", code, rfc3339(r.HeldAt), r.Hold)
	default:
		r.Hold, r.HeldAt = reason, now
	}
	if err := tx.UpdateReport(r, now); err != nil {
		return holdLine{}, err
	}
	if err := tx.AppendEvent(r.ID, store.Event{At: now, Actor: "system", Command: command, From: r.State, To: r.State,
		Agency: r.Routing.Agency}); err != nil {
		return holdLine{}, err
	}
	return line, tx.LogAccess(store.Access{At: now, Action: action, ReportID: r.ID, OSUser: user, Reason: reason})
}

// erasedHold refuses a hold, or the release of no hold, on a report whose
// personal data was erased: a hold keeps a report's data from retention's
// erasure (SPEC 10.5), and nothing of it is left to keep — not even the
// hold's reason, which could no longer be sealed.
func erasedHold(r store.Report, release bool) error {
	if release {
		return fmt.Errorf("report %s was erased at %s: it is not held, and nothing is left to keep", r.Code, rfc3339(r.ErasedAt))
	}
	return fmt.Errorf("report %s was erased at %s: nothing is left to hold", r.Code, rfc3339(r.ErasedAt))
}

type accessLine struct {
	At        string `json:"at"`
	Action    string `json:"action"`
	Code      string `json:"code"`
	OSUser    string `json:"os_user"`
	Reason    string `json:"reason"`
	Role      string `json:"role"`
	Recipient string `json:"recipient"`
	Query     string `json:"query"`
	MessageID string `json:"message_id"`
}

func runAccessLog(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("access-log", `access-log --config FILE [--code CODE] [--since DATE]

Prints the access log as JSON lines, oldest first: each show, export, subject, erase, hold and
release with the OS user and the reason, each erasure by retention, and each mail that carried a
report's personal data with its recipient. DATE is YYYY-MM-DD (Vietnam's time) or RFC 3339.`, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	code := fs.String("code", "", "only the entries of this report")
	since := fs.String("since", "", "only the entries from this `date` on")
	if ok, c := parseFlags(fs, args); !ok {
		return c
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	from, err := parseSince(*since)
	if err != nil {
		return badUsage(fs, "--since: "+err.Error())
	}
	return withApp(ctx, "access-log", *configPath, stderr, func(a *app) error {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		return a.db.Read(ctx, func(tx *store.Tx) error {
			err := tx.AccessLog(store.AccessFilter{Code: *code, Since: from}, func(x store.Access) error {
				return enc.Encode(accessLine{At: rfc3339(x.At), Action: x.Action, Code: x.ReportCode, OSUser: x.OSUser,
					Reason: x.Reason, Role: x.Role, Recipient: x.Recipient, Query: x.Query, MessageID: x.MessageID})
			})
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no report %s", *code)
			}
			return err
		})
	})
}

// parseSince reads a date (the start of that day in Vietnam) or an RFC 3339
// instant; "" is the beginning.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, calendar.Vietnam); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor RFC 3339", s)
	}
	return t, nil
}
