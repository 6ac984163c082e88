package store

import (
	"fmt"
	"time"
)

// Gauges are the store's figures for monitoring (/metrics): counts only,
// never personal data.
type Gauges struct {
	Messages  map[string]int // messages recorded, by outcome kind
	Mail      map[string]int // mails, by state (queued, sent, failed, suppressed)
	Reports   map[string]int // reports, by state
	Overdue   int            // open deadlines past due
	OldestDue time.Time      // the oldest queued mail's creation, zero when none
}

// Gauges counts what monitoring watches.
func (t *Tx) Gauges(now time.Time) (Gauges, error) {
	g := Gauges{}
	var err error
	if g.Messages, err = t.countBy(`SELECT kind, count(*) FROM messages GROUP BY kind`); err != nil {
		return g, err
	}
	if g.Mail, err = t.countBy(`SELECT state, count(*) FROM outbox GROUP BY state`); err != nil {
		return g, err
	}
	if g.Reports, err = t.countBy(`SELECT state, count(*) FROM reports GROUP BY state`); err != nil {
		return g, err
	}
	if err := t.queryRow(`SELECT count(*) FROM deadlines WHERE state = 'open' AND due_at <= ?`, now.Unix()).Scan(&g.Overdue); err != nil {
		return g, fmt.Errorf("store: gauges: %w", err)
	}
	var oldest *int64
	if err := t.queryRow(`SELECT min(created_at) FROM outbox WHERE state = 'queued'`).Scan(&oldest); err != nil {
		return g, fmt.Errorf("store: gauges: %w", err)
	}
	if oldest != nil {
		g.OldestDue = time.Unix(*oldest, 0).UTC()
	}
	return g, nil
}

func (t *Tx) countBy(query string) (map[string]int, error) {
	rows, err := t.query(query)
	if err != nil {
		return nil, fmt.Errorf("store: gauges: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("store: gauges: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}
