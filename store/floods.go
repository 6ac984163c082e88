package store

import (
	"fmt"
	"time"
)

// Reasons of incoming messages that the store counts: the hourly caps of
// follow-ups and the daily digest read them (SPEC 4.2, 4.7).
const (
	// ReasonFollowUp is a follow-up forwarded to whoever holds its report.
	ReasonFollowUp = "follow-up without reply token: an unverified note"
	// ReasonFollowUpHeld is a follow-up recorded on its report and not
	// forwarded: its sender or its report had had their hour's share.
	ReasonFollowUpHeld = "follow-up over the hourly cap: recorded, not forwarded"
)

// Recent selects the incoming messages of a kind and reason processed
// since a time, from one sender or about one report: what the hourly caps
// count. A sender is counted by the mailbox its address delivers to
// (fold.Mailbox), so "an+1@" and "an+2@" are one.
type Recent struct {
	Kind, Reason string
	Since        time.Time
	Sender       string // "" for every sender
	ReportID     int64  // 0 for every report
}

// CountRecent counts the messages q selects.
func (t *Tx) CountRecent(q Recent) (int, error) {
	query := `SELECT count(*) FROM messages WHERE kind = ? AND reason = ? AND processed_at >= ?`
	args := []any{q.Kind, q.Reason, q.Since.Unix()}
	if q.Sender != "" {
		query += ` AND sender_cap = ?`
		args = append(args, t.indexOf(IndexMailbox, q.Sender))
	}
	if q.ReportID != 0 {
		query += ` AND report_id = ?`
		args = append(args, q.ReportID)
	}
	var n int
	if err := t.queryRow(query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: recent messages: %w", err)
	}
	return n, nil
}

// HeldSinceForwarded counts the follow-ups to a report held by an hourly
// cap since the last one forwarded: what the next follow-up's notice
// tells its holders they were not told of.
func (t *Tx) HeldSinceForwarded(reportID int64) (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM messages WHERE report_id = ? AND kind = 'reply' AND reason = ?
		AND id > coalesce((SELECT max(id) FROM messages WHERE report_id = ? AND kind = 'reply' AND reason = ?), 0)`,
		reportID, ReasonFollowUpHeld, reportID, ReasonFollowUp).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: held follow-ups: %w", err)
	}
	return n, nil
}

// HeldFollowUps are the follow-ups to one report received in a period
// and recorded without being forwarded (ReasonFollowUpHeld).
type HeldFollowUps struct {
	Code string
	N    int
	// Citizen is set when some came from the report's own address;
	// Others counts the other mailboxes they came from.
	Citizen bool
	Others  int
}

// HeldFollowUpsBetween lists, by report code, the follow-ups received in
// [start, end) that an hourly cap kept from being forwarded: the daily
// digest names them, since nobody was told of them one by one.
func (t *Tx) HeldFollowUpsBetween(start, end time.Time) ([]HeldFollowUps, error) {
	rows, err := t.query(`SELECT r.code, count(*), coalesce(max(m.sender_idx = r.citizen_idx), 0),
		count(DISTINCT CASE WHEN m.sender_idx = r.citizen_idx THEN NULL ELSE coalesce(m.sender_cap, m.sender_idx) END)
		FROM messages m JOIN reports r ON r.id = m.report_id
		WHERE m.kind = 'reply' AND m.reason = ? AND m.received_at >= ? AND m.received_at < ?
		GROUP BY r.code ORDER BY r.code`, ReasonFollowUpHeld, start.Unix(), end.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: held follow-ups: %w", err)
	}
	defer rows.Close()
	var out []HeldFollowUps
	for rows.Next() {
		var h HeldFollowUps
		if err := rows.Scan(&h.Code, &h.N, &h.Citizen, &h.Others); err != nil {
			return nil, fmt.Errorf("store: held follow-ups: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Received is a report as received: its code and when.
type Received struct {
	Code string
	At   time.Time
}

// ReportsBySender returns the reports received in [start, end), one list
// per sender's mailbox (fold.Mailbox), each in the order received: the
// daily digest finds there the bursts of one sender's reports. Senders
// are not named: the lists are in no particular order.
func (t *Tx) ReportsBySender(start, end time.Time) ([][]Received, error) {
	rows, err := t.query(`SELECT m.sender_cap, r.code, m.received_at FROM messages m JOIN reports r ON r.id = m.report_id
		WHERE m.kind = 'report' AND m.sender_cap IS NOT NULL AND m.received_at >= ? AND m.received_at < ?
		ORDER BY m.sender_cap, m.received_at, m.id`, start.Unix(), end.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: reports by sender: %w", err)
	}
	defer rows.Close()
	var out [][]Received
	var last []byte
	for rows.Next() {
		var sender []byte
		var r Received
		var at int64
		if err := rows.Scan(&sender, &r.Code, &at); err != nil {
			return nil, fmt.Errorf("store: reports by sender: %w", err)
		}
		r.At = time.Unix(at, 0)
		if len(out) == 0 || string(sender) != string(last) {
			out = append(out, nil)
			last = sender
		}
		out[len(out)-1] = append(out[len(out)-1], r)
	}
	return out, rows.Err()
}
