package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRecentReportAndRepliesAsEach: the duplicate check and the count of
// a sender's automatic replies read together give what RecentReportBy and
// MailsSince give apart — a duplicate found or not, replies to another
// address of the same mailbox counted, suppressed ones and other kinds
// not — and the statement searches the indexes each of them searches,
// with no temporary table.
func TestRecentReportAndRepliesAsEach(t *testing.T) {
	db := openTest(t, t.TempDir(), testKey)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	err := db.Write(ctx, func(tx *Tx) error {
		r := sample(now.Add(-time.Hour))
		r.Citizen.Email = "dan@example.com"
		if _, err := tx.CreateReport(r); err != nil {
			return err
		}
		for i, m := range []Mail{
			{Kind: "ack", To: "dan+1@example.com"},
			{Kind: "ack", To: "dan@example.com", State: MailSuppressed},
			{Kind: "already-rated", To: "dan@example.com"},
			{Kind: "forwarded", To: "dan@example.com"},
			{Kind: "ack", To: "other@example.com"},
		} {
			m.Role, m.Data = "citizen", []byte(`{}`)
			if _, err := tx.Enqueue(m, now.Add(-time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	content := sample(now).Content
	kinds := []string{"ack", "already-rated", "followup-answer"}
	for _, c := range []struct {
		email, content string
		since          time.Time
		kinds          []string
		repliesSince   time.Time
	}{
		{"dan@example.com", content, now.Add(-2 * time.Hour), kinds, now.Add(-time.Hour)},
		{"DAN@example.com", content, now.Add(-2 * time.Hour), kinds[:1], now.Add(-2 * time.Minute)},
		{"dan@example.com", "khác", now.Add(-2 * time.Hour), kinds, now.Add(-time.Hour)},
		{"dan@example.com", content, now, kinds, now.Add(time.Minute)},
		{"dan+2@example.com", content, now.Add(-2 * time.Hour), kinds[1:], now.Add(-time.Hour)},
		{"other@example.com", content, now.Add(-2 * time.Hour), nil, now.Add(-time.Hour)},
		{"", content, now.Add(-2 * time.Hour), kinds, now.Add(-time.Hour)},
	} {
		err := db.Write(ctx, func(tx *Tx) error {
			code, n, err := tx.RecentReportAndReplies(c.email, c.content, c.since, c.kinds, c.repliesSince)
			if err != nil {
				return err
			}
			wantCode, err := tx.RecentReportBy(c.email, c.content, c.since)
			if err != nil {
				return err
			}
			wantN, err := tx.MailsSince(c.email, c.kinds, c.repliesSince)
			if err != nil {
				return err
			}
			if c.email == "" {
				wantN = 0
			}
			if code != wantCode || n != wantN {
				t.Errorf("%+v: %q and %d replies, want %q and %d", c, code, n, wantCode, wantN)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	args := []any{[]byte{1}, 0, []byte{2}, []byte{3}, 0, "ack", "already-rated", "followup-answer"}
	query := recentAndRepliesQuery(3)
	if n := listTables(t, db, query, args...); n != 0 {
		t.Errorf("%s: %d temporary tables, want 0", query, n)
	}
	plan := explain(t, db, query, args...)
	for _, apart := range []string{
		explain(t, db, `SELECT code FROM reports WHERE citizen_idx = ? AND received_at >= ? AND content_idx = ?
			AND duplicate_of IS NULL ORDER BY received_at DESC LIMIT 1`, args[:3]...),
		explain(t, db, mailsSinceQuery(3), args[3:]...),
	} {
		for _, line := range strings.Split(apart, "\n") {
			if strings.Contains(line, "INDEX") && !strings.Contains(plan, strings.TrimSpace(line)) {
				t.Errorf("%s: plan\n%s\nwithout %q", query, plan, line)
			}
		}
	}
}
