package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The queries of the public results (SPEC 9.6): which reports' results the
// Center publishes, and whether they changed.

// publicResults selects the reports whose result the Center approved —
// published, or closed by the citizen's rating — that are not confidential
// and whose personal data was not erased (SPEC 10.5: nothing is left to
// show). A report escalated after its result is not among them: the result
// is being reconsidered. Reports marked secret are among them: Secret
// tells them apart.
const publicResults = ` FROM reports r WHERE r.state IN ('published', 'closed') AND r.confidential = 0 AND r.erased_at IS NULL`

// lastEvent is the id of a report's latest event.
const lastEvent = `(SELECT coalesce(max(e.id), 0) FROM events e WHERE e.report_id = r.id)`

// PublicStamp is a report whose approved result may be published, and
// what changes whenever anything the public reads of it may have changed:
// its update time (approval, rating, a mark) and its latest event (any
// command, /secret included).
type PublicStamp struct {
	ID        int64
	UpdatedAt time.Time
	LastEvent int64
}

// PublicStamps returns the reports whose approved result may be published
// (publicResults), the latest approved first. Read each with ReportByID,
// and leave out those that Secret marks.
func (t *Tx) PublicStamps() ([]PublicStamp, error) {
	rows, err := t.query(`SELECT r.id, r.updated_at, ` + lastEvent + publicResults +
		` ORDER BY coalesce(r.published_at, r.updated_at) DESC, r.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: public results: %w", err)
	}
	defer rows.Close()
	var out []PublicStamp
	for rows.Next() {
		var s PublicStamp
		var updated int64
		if err := rows.Scan(&s.ID, &updated, &s.LastEvent); err != nil {
			return nil, fmt.Errorf("store: public results: %w", err)
		}
		s.UpdatedAt = time.Unix(updated, 0).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// PublicVersion changes whenever PublicStamps does, in one row: pages
// built from the public results can be kept until it changes.
func (t *Tx) PublicVersion() (string, error) {
	var n, updated, sum, event int64
	err := t.queryRow(`SELECT count(*), coalesce(max(r.updated_at), 0), coalesce(sum(r.id), 0), coalesce(max(`+lastEvent+`), 0)`+
		publicResults).Scan(&n, &updated, &sum, &event)
	if err != nil {
		return "", fmt.Errorf("store: public results: %w", err)
	}
	return fmt.Sprintf("%d-%d-%d-%d", n, updated, sum, event), nil
}

// Secret reports whether a report's result holds state secrets (Art 9.1c,
// an approver's /secret): it is neither published nor mailed
// (Report.Secret).
func (t *Tx) Secret(reportID int64) (bool, error) {
	var secret bool
	err := t.queryRow(`SELECT secret != 0 FROM reports WHERE id = ?`, reportID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: report #%d: %w", reportID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("store: secret: %w", err)
	}
	return secret, nil
}
