package deadline_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

func TestSoonAtAndState(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	for _, tc := range []struct {
		name   string
		d      deadline.Deadline
		soonAt string
	}{
		// 2 working hours: 1 hour is the larger threshold.
		{"normal intake", deadline.Intake(cal, at(t, "2026-11-23T08:00:00+07:00"), false, false), "2026-11-23T09:00:00+07:00"},
		// 2 working hours over the midday break: 1 hour left at 11:00 already.
		{"intake over the break", deadline.Intake(cal, at(t, "2026-11-23T10:00:00+07:00"), false, false), "2026-11-23T11:00:00+07:00"},
		// Due Monday 08:00: 1 working hour is left from Friday's closing.
		{"over a weekend", deadline.Return(cal, at(t, "2026-11-27T14:00:00+07:00")), "2026-11-27T17:00:00+07:00"},
		// 8 working hours, due Tuesday 08:00: 2 hours is 25 %.
		{"complex intake", deadline.Intake(cal, at(t, "2026-11-23T08:00:00+07:00"), false, true), "2026-11-23T16:00:00+07:00"},
		// 6 working days from Monday 10:00: 5 h + 6 × 8 h = 53 h; due soon with 13 h 15 min left.
		{"resolve", deadline.Resolve(cal, at(t, "2026-11-23T10:00:00+07:00"), 6, false), "2026-11-30T09:45:00+07:00"},
		// Urgent: 15 minutes is within an hour, so due soon from the start.
		{"urgent intake", deadline.Intake(cal, at(t, "2026-11-23T16:30:00+07:00"), true, false), "2026-11-23T16:30:00+07:00"},
		// 24 clock hours: 6 hours is 25 %.
		{"intake at night", deadline.Intake(cal, at(t, "2026-11-28T10:00:00+07:00"), false, false), "2026-11-29T04:00:00+07:00"},
	} {
		soon := tc.d.SoonAt(cal)
		if got := soon.Format(time.RFC3339); got != tc.soonAt {
			t.Errorf("%s: SoonAt = %s, want %s", tc.name, got, tc.soonAt)
		}
		for _, c := range []struct {
			now  time.Time
			want deadline.State
		}{
			{tc.d.Start.Add(-time.Hour), deadline.OnTime},
			{soon.Add(-time.Nanosecond), deadline.OnTime},
			{soon, deadline.DueSoon},
			{tc.d.Due.Add(-time.Nanosecond), deadline.DueSoon},
			{tc.d.Due, deadline.Overdue},
			{tc.d.Due.Add(72 * time.Hour), deadline.Overdue},
		} {
			if got := tc.d.State(cal, c.now); got != c.want {
				t.Errorf("%s: State(%s) = %s, want %s", tc.name, c.now.Format(time.RFC3339Nano), got, c.want)
			}
		}
	}
}

func TestOutcome(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	d := deadline.Publish(cal, at(t, "2026-11-23T08:00:00+07:00"))
	for _, tc := range []struct {
		done    time.Time
		excused bool
		want    deadline.Outcome
	}{
		{d.Due.Add(-time.Hour), false, deadline.Met},
		{d.Due, false, deadline.Met},
		{d.Due.Add(-time.Hour), true, deadline.Met},
		{d.Due.Add(time.Second), false, deadline.Late},
		{d.Due.Add(time.Second), true, deadline.Excused},
	} {
		if got := d.Outcome(tc.done, tc.excused); got != tc.want {
			t.Errorf("Outcome(%s, %v) = %s, want %s", tc.done.Format(time.RFC3339), tc.excused, got, tc.want)
		}
	}
}

// TestOpenEnded checks a deadline extended before its days are known.
func TestOpenEnded(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	d := deadline.Resolve(cal, at(t, "2026-11-23T08:00:00+07:00"), 6, false)
	d.Due = time.Time{}
	now := at(t, "2027-06-01T08:00:00+07:00")
	if got := d.State(cal, now); got != deadline.OnTime {
		t.Errorf("State = %s, want on-time", got)
	}
	if got := d.SoonAt(cal); !got.IsZero() {
		t.Errorf("SoonAt = %v, want the zero time", got)
	}
	if d.Outcome(now, true) != deadline.Excused || d.Outcome(now, false) != deadline.Met {
		t.Errorf("Outcome = %s (excused), %s (not excused); want excused, met", d.Outcome(now, true), d.Outcome(now, false))
	}
}

// TestPropertySoonAtMatchesState checks, on random deadlines of every kind,
// that State is due soon exactly when SoonAt ≤ now < Due, and that from
// Start on it follows the spec's rule: time left ≤ max(25 % of the span, 1 h).
func TestPropertySoonAtMatchesState(t *testing.T) {
	cal := load(t, testdata+"calendar-test.toml")
	r := rand.New(rand.NewPCG(5, 5))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, cal.Location())
	for range 2000 {
		start := base.Add(time.Duration(r.Int64N(int64(360 * 24 * time.Hour)))).Truncate(time.Duration(1+r.IntN(3600)) * time.Second)
		d := randomDeadline(cal, r, start)
		soon := d.SoonAt(cal)
		if soon.Before(d.Start) || soon.After(d.Due) {
			t.Fatalf("%+v: SoonAt %v outside [Start, Due]", d, soon)
		}
		threshold := max(d.Span(cal)/4, deadline.MinSoon)
		nows := []time.Time{d.Start, soon, soon.Add(-time.Nanosecond), soon.Add(time.Nanosecond), d.Due, d.Due.Add(-time.Nanosecond)}
		for range 20 {
			nows = append(nows, d.Start.Add(time.Duration(r.Int64N(int64(d.Due.Sub(d.Start)+48*time.Hour)))-24*time.Hour))
		}
		for _, now := range nows {
			state := d.State(cal, now)
			inWindow := !now.Before(soon) && now.Before(d.Due)
			if (state == deadline.DueSoon) != inWindow {
				t.Fatalf("%+v: State(%v) = %s but SoonAt = %v", d, now, state, soon)
			}
			if now.Before(d.Start) || !now.Before(d.Due) {
				continue
			}
			if spec := d.Left(cal, now) <= threshold; spec != (state == deadline.DueSoon) {
				t.Fatalf("%+v: at %v, %v left of threshold %v, but State = %s", d, now, d.Left(cal, now), threshold, state)
			}
		}
	}
}

func randomDeadline(cal *calendar.Calendar, r *rand.Rand, start time.Time) deadline.Deadline {
	switch r.IntN(6) {
	case 0:
		return deadline.Intake(cal, start, r.IntN(4) == 0, r.IntN(2) == 0)
	case 1:
		return deadline.Return(cal, start)
	case 2:
		return deadline.Resolve(cal, start, r.IntN(7), r.IntN(5) == 0)
	case 3:
		return deadline.Publish(cal, start)
	case 4:
		return deadline.Clarification(cal, start)
	default:
		return deadline.Intake(cal, start, false, false)
	}
}

func BenchmarkState(b *testing.B) {
	cal := load(b, testdata+"calendar-test.toml")
	d := deadline.Resolve(cal, time.Date(2026, 11, 23, 10, 0, 0, 0, cal.Location()), 6, false)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, cal.Location())
	for b.Loop() {
		d.State(cal, now)
	}
}

func BenchmarkIntake(b *testing.B) {
	cal := load(b, testdata+"calendar-test.toml")
	received := time.Date(2026, 11, 23, 16, 30, 0, 0, cal.Location())
	for b.Loop() {
		deadline.Intake(cal, received, false, true)
	}
}
