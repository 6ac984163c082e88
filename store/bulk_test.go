package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BulkSeed writes n reports received evenly over [from, now), with the
// events and deadlines of their lives up to now, straight to SQLite in a
// few INSERT … SELECT statements: a million reports take seconds, where
// the sealing API would take minutes. It is for benchmarks (exported to
// the package's external tests); no personal column is written.
//
// Each report gets a field, unit and agency from the lists, and one of
// these lives, by a pseudo-random draw of its id: 4 % rejected half an hour
// after receipt; 3 % forwarded, returned an hour later and forwarded again
// an hour after that; 1 % forwarded and never resolved; the others
// forwarded within 3 hours. A forwarded report is resolved 1 hour to 9 days
// later (its resolve deadline is 6 days, so some are late), published
// within 4 hours, and 60 % of the published are rated within 3 days.
// Deadlines record no opening time, as rows written before that column was
// filled.
func BulkSeed(tb testing.TB, db *DB, n int, from, now time.Time, fields, units, agencies []string) {
	tb.Helper()
	err := db.Write(context.Background(), func(tx *Tx) error {
		for _, q := range bulkSeed(n, from, now, fields, units, agencies) {
			if _, err := tx.exec(q); err != nil {
				return fmt.Errorf("%w\n%s", err, q)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func bulkSeed(n int, from, now time.Time, fields, units, agencies []string) []string {
	t0, span, end := from.Unix(), now.Unix()-from.Unix()-3600, now.Unix() // r < now
	h := func(k int) string { return fmt.Sprintf("((id * 2654435761 + %d) %% 1000003)", k*40503) }
	list := func(name string, values []string) string {
		rows := make([]string, len(values))
		for i, v := range values {
			rows[i] = fmt.Sprintf("(%d, '%s')", i, v)
		}
		return fmt.Sprintf("CREATE TEMP TABLE %s (i INTEGER PRIMARY KEY, code TEXT); INSERT INTO %s VALUES %s", name, name, strings.Join(rows, ", "))
	}
	// plan: received r; path c; forwarded f; base b of the last
	// forwarding; resolved s (NULL: never); published p; rated q.
	plan := fmt.Sprintf(`CREATE TEMP TABLE plan (id INTEGER PRIMARY KEY, r, c, fi, ui, ai, rating, f, b, s, p, q);
		INSERT INTO plan (id, r, c, fi, ui, ai, rating, f, b, s, p, q) SELECT id, r, c, fi, ui, ai, rating, f, b, s, p, q FROM (
		SELECT *, CASE WHEN c %% 10 < 6 THEN p + 3600 + %[1]s %% 259200 END AS q FROM (
		SELECT *, s + 600 + %[2]s %% 14400 AS p FROM (
		SELECT *, CASE WHEN c = 99 THEN NULL ELSE b + 3600 + %[3]s %% 777600 END AS s FROM (
		SELECT *, CASE WHEN c BETWEEN 4 AND 6 THEN f + 7200 ELSE f END AS b FROM (
		SELECT *, CASE WHEN c < 4 THEN NULL ELSE r + 600 + %[4]s %% 10800 END AS f FROM (
		SELECT id, %[5]d + (id - 1) * %[6]d / %[7]d + %[8]s %% 3600 AS r, %[9]s %% 100 AS c,
			%[10]s %% %[11]d AS fi, %[12]s %% %[13]d AS ui, %[14]s %% %[15]d AS ai, %[16]s %% 3 AS rating
		FROM (WITH RECURSIVE i(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM i WHERE id < %[7]d) SELECT id FROM i)))))))`,
		h(7), h(6), h(5), h(4), t0, span, n, h(1), h(3), h(2), len(fields), h(8), len(units), h(9), len(agencies), h(10))
	ev := func(at, from, to, where string) string {
		return fmt.Sprintf(`INSERT INTO events (report_id, at, actor, from_state, to_state)
			SELECT id, %s, 'system', '%s', '%s' FROM plan WHERE %s AND %s < %d ORDER BY id`, at, from, to, where, at, end)
	}
	// dl writes a deadline done at done (open when not done by now), met
	// when done by due, else late; or superseded when state is given.
	dl := func(kind, start, due, done, where, state string) string {
		st := fmt.Sprintf("CASE WHEN %[1]s IS NULL OR %[1]s >= %[2]d THEN 'open' WHEN %[1]s <= %[3]s THEN 'met' ELSE 'late' END", done, end, due)
		if state != "" {
			st = fmt.Sprintf("CASE WHEN %s IS NULL OR %s >= %d THEN 'open' ELSE '%s' END", done, done, end, state)
		}
		return fmt.Sprintf(`INSERT INTO deadlines (report_id, kind, start_at, due_at, soon_at, state, done_at)
			SELECT id, '%s', %s, %s, %s - 3600, %s, CASE WHEN %s < %d THEN %s END FROM plan WHERE %s AND %s < %d ORDER BY id`,
			kind, start, due, due, st, done, end, done, where, start, end)
	}
	return []string{
		list("bench_field", fields), list("bench_unit", units), list("bench_agency", agencies), plan,
		fmt.Sprintf(`INSERT INTO reports (id, code, state, received_at, field, unit, agency, call_failures, rating, updated_at)
			SELECT id, printf('PA-%%04d-%%06d', 2000 + id / 999999, id %% 999999 + 1), 'received', r,
				(SELECT code FROM bench_field WHERE i = fi), (SELECT code FROM bench_unit WHERE i = ui),
				(SELECT code FROM bench_agency WHERE i = ai), CASE WHEN c < 2 THEN 3 ELSE 0 END,
				CASE WHEN q < %d THEN CASE rating WHEN 0 THEN 'rat-hai-long' WHEN 1 THEN 'hai-long' ELSE 'khong-hai-long' END ELSE '' END,
				r FROM plan`, end),
		ev("r", "", "received", "1"),
		ev("r + 1800", "received", "rejected", "c < 4"),
		ev("f", "received", "forwarded", "c >= 4"),
		ev("f + 3600", "forwarded", "returned", "c BETWEEN 4 AND 6"),
		ev("f + 7200", "returned", "forwarded", "c BETWEEN 4 AND 6"),
		ev("s", "forwarded", "resolved", "s IS NOT NULL"),
		ev("p", "resolved", "published", "s IS NOT NULL"),
		ev("q", "published", "closed", "q IS NOT NULL"),
		dl("intake", "r", "r + 7200", "coalesce(f, r + 1800)", "1", ""),
		dl("return", "f", "f + 14400", "f + 3600", "c BETWEEN 4 AND 6", ""),
		dl("resolve", "f", "f + 518400", "f + 3600", "c BETWEEN 4 AND 6", "superseded"),
		dl("intake", "f + 3600", "f + 10800", "f + 7200", "c BETWEEN 4 AND 6", ""),
		dl("return", "b", "b + 14400", "s", "c >= 4", "superseded"),
		dl("resolve", "b", "b + 518400", "s", "c >= 4", ""),
		dl("publish", "s", "s + 7200", "p", "s IS NOT NULL", ""),
		`UPDATE reports SET state = (SELECT to_state FROM events e WHERE e.report_id = reports.id ORDER BY e.id DESC LIMIT 1)`,
		`DROP TABLE plan`, `DROP TABLE bench_field`, `DROP TABLE bench_unit`, `DROP TABLE bench_agency`,
	}
}
