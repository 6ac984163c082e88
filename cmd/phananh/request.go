package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/privacy"
	"haugiang.gov.vn/phananh/store"
)

// requestLine is one data-subject request as `phananh request` prints it.
type requestLine struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	ReceivedAt     string `json:"received_at"`
	Note           string `json:"note"`
	AckDue         string `json:"ack_due"`
	AckState       string `json:"ack_state"`
	Due            string `json:"due"`
	State          string `json:"state"`
	AcknowledgedAt string `json:"acknowledged_at"`
	Extended       bool   `json:"extended"`
	DoneAt         string `json:"done_at"`
}

func requestOf(cal *calendar.Calendar, r store.Request, now time.Time) requestLine {
	return requestLine{ID: r.ID, Kind: r.Kind, ReceivedAt: rfc3339(r.ReceivedAt), Note: r.Note,
		AckDue: rfc3339(r.AckDue), AckState: privacy.State(cal, r.ReceivedAt, r.AckDue, r.AcknowledgedAt, now, true),
		Due: rfc3339(r.Due), State: privacy.State(cal, r.ReceivedAt, r.Due, r.DoneAt, now, false),
		AcknowledgedAt: rfc3339(r.AcknowledgedAt), Extended: !r.ExtendedAt.IsZero(), DoneAt: rfc3339(r.DoneAt)}
}

const requestUsage = `request --config FILE add --kind copy|erasure|other --note TEXT [--received RFC3339]
       phananh request --config FILE list [--all]
       phananh request --config FILE ack|extend|done ID

Tracks data subjects' requests (Law 91/2025/QH15 art. 4; Decree 356/2025/NĐ-CP art. 5) and their
deadlines: acknowledged within 2 working days; a copy (phananh export) within 10 days, an erasure
(phananh erase) within 20, other requests within 10; extendable once. Open requests and their
deadlines are in the daily digest. The note names the request (its reference in the register, the
reports it concerns), not the person. Each command prints the request as a JSON line.`

// requestFault says what is wrong with the arguments and flags of one of
// request's verbs, args those after it, and returns the ID that ack,
// extend and done take.
func requestFault(fs *flag.FlagSet, verb string, args []string, kind string) (id int64, problem string) {
	var err error
	switch verb {
	case "add":
		if problem = usageFault(fs, args, "", 0, "kind", "note"); problem == "" && privacy.Days(kind) == 0 {
			problem = fmt.Sprintf("--kind: %q is not copy, erasure or other", kind)
		}
	case "list":
		problem = usageFault(fs, args, "", 0)
	case "ack", "extend", "done":
		if problem = usageFault(fs, args, "ID", 1); problem == "" {
			if id, err = strconv.ParseInt(args[0], 10, 64); err != nil {
				problem = fmt.Sprintf("%q is not a request's ID", args[0])
			}
		}
	default:
		return 0, fmt.Sprintf("%q is not add, list, ack, extend or done", verb)
	}
	if problem != "" {
		problem = verb + ": " + problem
	}
	return id, problem
}

func runRequest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("request", requestUsage, stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	kind := fs.String("kind", "", "add: copy, erasure or other")
	note := fs.String("note", "", "add: the request's reference")
	received := fs.String("received", "", "add: when it was received (RFC 3339); default now")
	all := fs.Bool("all", false, "list: answered requests too")
	ok, code, rest := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if p := usageFault(fs, nil, "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	if len(rest) == 0 {
		return badUsage(fs, "add, list, ack, extend or done is required")
	}
	now := time.Now()
	at := now
	if *received != "" {
		var err error
		if at, err = time.Parse(time.RFC3339, *received); err != nil {
			return badUsage(fs, "--received: "+err.Error())
		}
	}
	verb := rest[0]
	id, problem := requestFault(fs, verb, rest[1:], *kind)
	if problem != "" {
		return badUsage(fs, problem)
	}
	return withApp(ctx, "request", *configPath, stderr, func(a *app) error {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		var out []store.Request
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			switch verb {
			case "add":
				var r store.Request
				r, err = addRequest(tx, a.calendar, *kind, *note, at, now)
				out = []store.Request{r}
			case "list":
				out, err = tx.Requests(*all)
			default:
				var r store.Request
				r, err = updateRequest(tx, a.calendar, id, verb, now)
				out = []store.Request{r}
			}
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no request %d", id)
		}
		if err != nil {
			return err
		}
		for _, r := range out {
			if err := enc.Encode(requestOf(a.calendar, r, now)); err != nil {
				return err
			}
		}
		return nil
	})
}

func addRequest(tx *store.Tx, cal *calendar.Calendar, kind, note string, received, now time.Time) (store.Request, error) {
	ack, due, err := privacy.RequestDeadlines(cal, kind, received)
	if err != nil {
		return store.Request{}, err
	}
	return tx.AddRequest(store.Request{Kind: kind, ReceivedAt: received, Note: note, AckDue: ack, Due: due, CreatedAt: now})
}

// updateRequest acknowledges, extends (once) or closes a request.
func updateRequest(tx *store.Tx, cal *calendar.Calendar, id int64, verb string, now time.Time) (store.Request, error) {
	r, err := tx.RequestByID(id)
	if err != nil {
		return r, err
	}
	switch {
	case !r.DoneAt.IsZero():
		return r, fmt.Errorf("request %d was answered at %s", id, rfc3339(r.DoneAt))
	case verb == "ack" && !r.AcknowledgedAt.IsZero():
		return r, fmt.Errorf("request %d was acknowledged at %s", id, rfc3339(r.AcknowledgedAt))
	case verb == "ack":
		r.AcknowledgedAt = now
	case verb == "extend" && !r.ExtendedAt.IsZero():
		return r, fmt.Errorf("request %d was extended at %s: a request is extended once", id, rfc3339(r.ExtendedAt))
	case verb == "extend":
		r.ExtendedAt, r.Due = now, privacy.Extend(cal, r.Kind, r.Due)
	case verb == "done":
		r.DoneAt = now
		if r.AcknowledgedAt.IsZero() {
			r.AcknowledgedAt = now
		}
	}
	return r, tx.UpdateRequest(r)
}
