package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// Difficulty is a report that the period's difficulties list (SPEC 9.5,
// Art 13.4: the Center reports "vấn đề tồn đọng, vướng mắc" for the province
// to act on), with what made it difficult in the period: escalated,
// returned more than once, overdue by more than a step's own limit, given a
// complex-case extension — one or several of these.
type Difficulty struct {
	Code string
	// Agency is who held the report at its latest difficulty of the
	// period; Field and Unit are the report's.
	Agency, AgencyName string
	Field, FieldName   string
	Unit, UnitName     string
	// Escalated is when the report was escalated in the period, zero when
	// it was not.
	Escalated time.Time
	// Returns counts the returns of a report returned in the period and
	// more than once by its end; 0 otherwise.
	Returns int
	// Overdue are its steps late by more than their own limit: done late
	// in the period, or still open and late at its end.
	Overdue []LateStep
	// Extended is when a complex-case extension was confirmed in the
	// period (Art 8.3), zero when none was.
	Extended time.Time

	latest time.Time // of the difficulties above, for Agency
}

// LateStep is a step late by more than its own limit.
type LateStep struct {
	Step string // intake, return, resolve, publish, clarification
	// Limit is the deadline's span and Late how late the step was, in
	// working time, or in clock time for a clock deadline.
	Limit, Late time.Duration
	Clock       bool
}

// difficulties reads what the period's transitions, steps and open
// reports do not give: the reports returned again and the extensions.
func (c *collector) difficulties(tx *store.Tx) error {
	err := tx.ReturnedAgain(c.p.Start, c.p.End, func(r store.Returned) error {
		c.difficult(r.Report, r.Agency, r.Last).Returns = r.Returns
		return nil
	})
	if err != nil {
		return err
	}
	return tx.EventsWithReason(store.ReasonExtended, c.p.Start, c.p.End, func(t store.Transition) error {
		c.difficult(t.Report, t.Agency, t.At).Extended = t.At.In(c.opt.Calendar.Location())
		return nil
	})
}

// escalated lists a report escalated in the period.
func (c *collector) escalated(t store.Transition) {
	c.difficult(t.Report, c.holder(t), t.At).Escalated = t.At.In(c.opt.Calendar.Location())
}

// difficult returns the difficulty of a report, listing it the first time,
// and names the agency that held it when the latest difficulty came (at).
func (c *collector) difficult(r store.StatReport, agency string, at time.Time) *Difficulty {
	d, ok := c.difficulty[r.ID]
	if !ok {
		t := c.opt.Table
		d = &Difficulty{Code: r.Code, Field: r.Field, FieldName: fieldName(t, r.Field), Unit: r.Unit, UnitName: unitName(t, r.Unit)}
		c.difficulty[r.ID] = d
	}
	if !at.Before(d.latest) {
		d.latest, d.Agency, d.AgencyName = at, agency, agencyName(c.opt.Table, agency)
	}
	return d
}

// overdueTwice lists a step late by more than its own limit: done at done
// (a late step of the period) or still open then (at the period's end).
func (c *collector) overdueTwice(r store.StatReport, agency, kind string, start, due, done time.Time, clock bool) {
	if start.IsZero() || due.IsZero() || !done.After(due) {
		return
	}
	limit, late := c.elapsed(start, due, clock), c.elapsed(due, done, clock)
	if late <= limit {
		return
	}
	d := c.difficult(r, agency, done)
	for _, s := range d.Overdue {
		if s.Step == kind {
			return // a step late in the period and again at its end: the first
		}
	}
	d.Overdue = append(d.Overdue, LateStep{Step: kind, Limit: limit, Late: late, Clock: clock})
}

// elapsed is the time between two instants, in working time unless the
// deadline counts clock time.
func (c *collector) elapsed(from, to time.Time, clock bool) time.Duration {
	if clock {
		return to.Sub(from)
	}
	return c.opt.Calendar.WorkingTime(from, to)
}

// listDifficulties lists the difficulties in the order of the reports'
// codes.
func (c *collector) listDifficulties() []Difficulty {
	out := make([]Difficulty, 0, len(c.difficulty))
	for _, d := range c.difficulty {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Difficulty) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// overdueDetail says which steps were late, by how much, against which
// limit: "Xử lý tại cơ quan (thời hạn 55,0 giờ làm việc, quá hạn 64,0 giờ
// làm việc)".
func (d Difficulty) overdueDetail() string {
	var parts []string
	for _, s := range d.Overdue {
		unit := "giờ làm việc"
		if s.Clock {
			unit = "giờ"
		}
		parts = append(parts, fmt.Sprintf("%s (thời hạn %s %s, quá hạn %s %s)", stepName(s.Step), decimal(s.Limit.Hours()), unit,
			decimal(s.Late.Hours()), unit))
	}
	return strings.Join(parts, "; ")
}

// summary says in a sentence what made the report difficult, as a mail
// lists it.
func (d Difficulty) summary(escalation string) string {
	var parts []string
	if !d.Escalated.IsZero() {
		parts = append(parts, "chuyển "+escalation+" lúc "+human(d.Escalated))
	}
	if d.Returns > 0 {
		parts = append(parts, fmt.Sprintf("bị trả lại %d lần", d.Returns))
	}
	if len(d.Overdue) > 0 {
		parts = append(parts, "quá hạn lâu hơn thời hạn của bước: "+d.overdueDetail())
	}
	if !d.Extended.IsZero() {
		parts = append(parts, "được gia hạn lúc "+human(d.Extended))
	}
	return strings.Join(parts, "; ")
}

// stepName names a step.
func stepName(kind string) string {
	for _, s := range stages {
		if s.Code == kind {
			return s.Name
		}
	}
	return kind
}

func (r *Report) difficultyTable() Table {
	t := Table{Code: "vuong-mac", Title: "Vướng mắc trong kỳ", Keys: 1,
		Columns: []Column{{"ma", "Mã phản ánh"}, {"co_quan", "Mã cơ quan"}, {"ten_co_quan", "Cơ quan"},
			{"linh_vuc", "Lĩnh vực"}, {"don_vi", "Đơn vị hành chính"}, {"tom_tat", "Vướng mắc"},
			{"escalated", "Chuyển " + r.Escalation + " lúc"}, {"returns", "Số lần bị trả lại"},
			{"overdue", "Quá hạn lâu hơn thời hạn của bước"}, {"extended", "Được gia hạn lúc"}}}
	for _, d := range r.Difficulties {
		t.Rows = append(t.Rows, []any{d.Code, d.Agency, d.AgencyName, d.FieldName, d.UnitName, d.summary(r.Escalation), instant(d.Escalated),
			count(d.Returns), text(d.overdueDetail()), instant(d.Extended)})
	}
	return t
}

// instant, count and text are a figure, or nil (an empty cell) when there
// is none.
func instant(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func count(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}
