package store

import (
	"fmt"
	"strings"
)

// The queries of the public results (SPEC 9.6): which reports' results the
// Center publishes, and whether that set changed.

// publicResults selects the reports whose result the Center approved —
// published, or closed by the citizen's rating — that are not confidential
// and whose personal data was not erased (SPEC 10.5: nothing is left to
// show). A report escalated after its result is not among them: the result
// is being reconsidered.
const publicResults = `FROM reports WHERE state IN ('published', 'closed') AND confidential = 0 AND erased_at IS NULL`

// PublishedReports returns the reports whose approved result may be
// published (SPEC 9.6), the latest approved first: published or closed,
// neither confidential nor secret (Secret), their personal data not
// erased. The caller decides what of each the public sees.
func (t *Tx) PublishedReports() ([]Report, error) {
	ids, err := t.ids(`SELECT id ` + publicResults + ` ORDER BY coalesce(published_at, updated_at) DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: published reports: %w", err)
	}
	var out []Report
	for _, id := range ids {
		secret, err := t.Secret(id)
		if err != nil {
			return nil, err
		}
		if secret {
			continue
		}
		r, err := t.ReportByID(id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// PublishedVersion changes whenever the set of PublishedReports or one of
// them may have changed — a new approval, a rating, a report reopened or
// marked confidential update a report; any command, /secret included,
// adds an event — so that pages built from them can be kept until it does.
func (t *Tx) PublishedVersion() (string, error) {
	var n, updated, sum, event int64
	err := t.queryRow(`SELECT count(*), coalesce(max(updated_at), 0), coalesce(sum(id), 0),
		(SELECT coalesce(max(id), 0) FROM events) `+publicResults).Scan(&n, &updated, &sum, &event)
	if err != nil {
		return "", fmt.Errorf("store: published version: %w", err)
	}
	return fmt.Sprintf("%d-%d-%d-%d", n, updated, sum, event), nil
}

// CommandSecret is the command that marks a report's result as holding
// state secrets (SPEC 3, Art 9.1c): it is neither published nor mailed.
const CommandSecret = "/secret"

// Secret reports whether a report's result holds state secrets (Art 9.1c):
// an approver's /secret is in its event log. Every reader of that fact
// goes through this function, so that a column recording it replaces the
// log's reading here alone.
func (t *Tx) Secret(reportID int64) (bool, error) {
	events, err := t.Events(reportID)
	if err != nil {
		return false, err
	}
	for _, e := range events {
		if command, _, _ := strings.Cut(e.Command, " "); command == CommandSecret {
			return true, nil
		}
	}
	return false, nil
}
