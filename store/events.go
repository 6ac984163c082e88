package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event is one entry of a report's append-only log (SPEC 3).
type Event struct {
	ID        int64
	At        time.Time
	Actor     string // "system", "citizen", or an operator's email address (kept sealed)
	Command   string // the command line or what happened ("ingest", "/accept", …)
	MessageID int64  // the incoming message that carried it, 0 if none
	From, To  string // the report's state before and after
	Agency    string // the agency holding the report after it, for the statistics
	Reason    string // a rejection's category (unreachable, duplicate, other), or a rating's level, for the statistics
	// CoAgencies are the report's co-agencies after it (Art 7.1), for the
	// statistics.
	CoAgencies []string
	Detail     map[string]string
}

// ActorOperator is what the actor column holds for an event an operator
// caused: their address is sealed in actor_address.
const ActorOperator = "operator"

// AppendEvent adds an event to a report's log.
func (t *Tx) AppendEvent(reportID int64, e Event) error {
	id, err := t.nextID("events")
	if err != nil {
		return err
	}
	k, err := t.keyFor(reportID)
	if err != nil {
		return err
	}
	actor, address := e.Actor, ""
	if strings.Contains(actor, "@") {
		actor, address = ActorOperator, e.Actor
	}
	// The columns are sealed into one pooled buffer, given back once the
	// statement has run; the detail from its encoded bytes.
	buf := getSealBuffer(len(address) + len(e.Command) + 3*sealOverhead)
	defer putSealBuffer(buf)
	var detail []byte
	if len(e.Detail) > 0 {
		detail = sealRow(k, buf, "events", "detail", id, appendDetail(nil, e.Detail))
	}
	var msg any
	if e.MessageID != 0 {
		msg = e.MessageID
	}
	_, err = t.exec(`INSERT INTO events (id, report_id, at, actor, actor_address, command, message_id, from_state, to_state,
		detail, agency, reason, co_agencies) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, reportID, e.At.Unix(), actor,
		sealRow(k, buf, "events", "actor_address", id, address), sealRow(k, buf, "events", "command", id, e.Command), msg,
		e.From, e.To, detail, e.Agency, e.Reason, strings.Join(e.CoAgencies, ","))
	if err != nil {
		return fmt.Errorf("store: append event: %w", err)
	}
	return nil
}

// Events returns a report's log, oldest first.
func (t *Tx) Events(reportID int64) ([]Event, error) {
	k, err := t.keyFor(reportID)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT id, at, actor, actor_address, command, coalesce(message_id, 0), from_state, to_state, detail,
		agency, reason, co_agencies FROM events WHERE report_id = ? ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		var e Event
		var at int64
		var address, command, detail []byte
		var co string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &address, &command, &e.MessageID, &e.From, &e.To, &detail, &e.Agency, &e.Reason, &co); err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		e.At, e.CoAgencies = time.Unix(at, 0).UTC(), splitCodes(co)
		if e.Actor == ActorOperator {
			if e.Actor, err = k.open("events", "actor_address", e.ID, address); err != nil {
				return nil, err
			}
		}
		if e.Command, err = k.open("events", "command", e.ID, command); err != nil {
			return nil, err
		}
		if e.Detail, err = openDetail(k, e.ID, detail); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}

func openDetail(k *rowKey, id int64, sealed []byte) (map[string]string, error) {
	s, err := k.open("events", "detail", id, sealed)
	if err != nil || s == "" {
		return nil, err
	}
	var d map[string]string
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return nil, fmt.Errorf("store: event %d detail: %w", id, err)
	}
	return d, nil
}
