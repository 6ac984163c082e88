package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// RecentReportAndReplies is RecentReportBy and MailsSince of the same
// address read by one statement, for a new report, which asks for both:
// the code of the latest report from email with the same content received
// at or after since, or "" (SPEC 4.7's duplicate check), and the mails of
// the given kinds written to email's mailbox since repliesSince to be sent
// (its automatic replies of the hour). An empty email has neither.
func (t *Tx) RecentReportAndReplies(email, content string, since time.Time, kinds []string, repliesSince time.Time) (string, int, error) {
	idx := t.indexOf(IndexEmail, email)
	if idx == nil {
		return "", 0, nil
	}
	if len(kinds) == 0 {
		code, err := t.RecentReportBy(email, content, since)
		return code, 0, err
	}
	args := make([]any, 5, 5+len(kinds))
	args[0], args[1], args[2] = idx, since.Unix(), t.indexOf(IndexContent, content)
	args[3], args[4] = t.indexOf(IndexMailbox, email), repliesSince.Unix()
	for _, kind := range kinds {
		args = append(args, kind)
	}
	var code sql.NullString
	var n int
	if err := t.queryRow(recentAndRepliesQuery(len(kinds)), args...).Scan(&code, &n); err != nil {
		return "", 0, fmt.Errorf("store: recent report and replies: %w", err)
	}
	return code.String, n, nil
}

// recentAndRepliesQuery is RecentReportAndReplies's statement for a number
// of kinds: RecentReportBy's query (?1 to ?3) and MailsSince's counts
// (?4, ?5 and a kind from ?6 on) as two columns.
func recentAndRepliesQuery(kinds int) string {
	if kinds < len(recentAndRepliesQueries) {
		return recentAndRepliesQueries[kinds]
	}
	return recentAndRepliesText(kinds)
}

var recentAndRepliesQueries = [...]string{1: recentAndRepliesText(1), 2: recentAndRepliesText(2), 3: recentAndRepliesText(3),
	4: recentAndRepliesText(4)}

func recentAndRepliesText(kinds int) string {
	var b strings.Builder
	b.WriteString(`SELECT (SELECT code FROM reports WHERE citizen_idx = ?1 AND received_at >= ?2 AND content_idx = ?3
		AND duplicate_of IS NULL ORDER BY received_at DESC LIMIT 1), `)
	for i := range kinds {
		if i > 0 {
			b.WriteString(` + `)
		}
		fmt.Fprintf(&b, `(SELECT count(*) FROM outbox WHERE rcpt_cap = ?4 AND kind = ?%d AND created_at >= ?5 AND state != 'suppressed')`, 6+i)
	}
	return b.String()
}
