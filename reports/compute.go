package reports

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/store"
)

// Compute computes the report of a period from the store, in one read or
// write transaction. The report is dated opt.Now.
func Compute(tx *store.Tx, p Period, mode Mode, opt Options) (*Report, error) {
	if opt.Calendar == nil || opt.Table == nil {
		return nil, errors.New("reports: a calendar and a routing table are needed")
	}
	c := newCollector(p, opt)
	if !opt.Now.IsZero() && opt.Now.Before(p.End) {
		c.asOf = opt.Now
	}
	if err := tx.ReceivedBetween(p.Start, p.End, c.received); err != nil {
		return nil, err
	}
	if err := tx.TransitionsBetween(p.Start, p.End, c.transition); err != nil {
		return nil, err
	}
	if err := tx.StepsBetween(p.Start, p.End, c.step); err != nil {
		return nil, err
	}
	if err := tx.OpenAt(c.asOf, c.open); err != nil {
		return nil, err
	}
	if err := c.difficulties(tx); err != nil {
		return nil, err
	}
	r := c.report()
	r.Mode, r.GeneratedAt = mode, opt.Now
	var err error
	if r.Spam, err = tx.SpamBetween(p.Start, p.End); err != nil {
		return nil, err
	}
	if p.Kind == Daily {
		if err := floods(tx, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// collector adds up the figures as the store hands over the rows.
type collector struct {
	p        Period
	asOf     time.Time // when open reports are counted
	opt      Options
	center   string
	attempts int
	totals   Counts
	groups   [3]map[string]*Counts // by field, agency, unit
	reasons  map[string]int
	times    map[string][]time.Duration // working time per stage
	late     map[string]int             // late steps per stage
	resolve  map[string][]time.Duration // per agency
	overdue  []Overdue
	// difficulty holds the period's difficulties by report id (SPEC 9.5).
	difficulty map[int64]*Difficulty
	editions   map[string]map[int64]bool // the reports counted, by the edition of the table that routed them
}

const (
	byField = iota
	byAgency
	byUnit
)

func newCollector(p Period, opt Options) *collector {
	c := &collector{p: p, asOf: p.End, opt: opt, center: opt.Table.Center().Code, attempts: opt.CallAttempts,
		reasons: map[string]int{}, times: map[string][]time.Duration{}, late: map[string]int{}, resolve: map[string][]time.Duration{},
		editions: map[string]map[int64]bool{}, difficulty: map[int64]*Difficulty{}}
	if c.attempts <= 0 {
		c.attempts = lifecycle.DefaultCallAttempts
	}
	for i := range c.groups {
		c.groups[i] = map[string]*Counts{}
	}
	return c
}

// add applies f to the totals and to the report's field and unit, and to
// agency unless it is "" (a figure no agency answers for).
func (c *collector) add(r store.StatReport, agency string, f func(*Counts)) {
	c.seen(r)
	f(&c.totals)
	for i, code := range []string{r.Field, agency, r.Unit} {
		if i == byAgency && agency == "" {
			continue
		}
		if i == byAgency {
			f(c.agencyGroup(code))
			continue
		}
		g := c.groups[i][code]
		if g == nil {
			g = &Counts{}
			c.groups[i][code] = g
		}
		f(g)
	}
}

// agencyGroup returns the figures of an agency, made when first needed.
func (c *collector) agencyGroup(code string) *Counts {
	g := c.groups[byAgency][code]
	if g == nil {
		g = &Counts{}
		c.groups[byAgency][code] = g
	}
	return g
}

// seen records the edition of the routing table a counted report was
// routed with.
func (c *collector) seen(r store.StatReport) {
	if r.Edition == "" {
		return // routed before the edition was recorded
	}
	if c.editions[r.Edition] == nil {
		c.editions[r.Edition] = map[int64]bool{}
	}
	c.editions[r.Edition][r.ID] = true
}

func (c *collector) received(r store.StatReport) error {
	c.add(r, "", func(n *Counts) { n.Received++ })
	return nil
}

func (c *collector) transition(t store.Transition) error {
	switch to := lifecycle.State(t.To); {
	case to == lifecycle.Rejected:
		c.reasons[c.reason(t)]++
		c.add(t.Report, "", func(n *Counts) { n.Rejected++ })
	case to == lifecycle.Forwarded && t.From == string(lifecycle.Resolved):
		c.add(t.Report, t.Agency, func(n *Counts) { n.SentBack++ })
	case to == lifecycle.Forwarded:
		c.add(t.Report, t.Agency, func(n *Counts) { n.Forwarded++ })
		for _, co := range t.CoAgencies {
			c.agencyGroup(co).Coordinated++
		}
	case to == lifecycle.Returned:
		c.add(t.Report, t.Agency, func(n *Counts) { n.Returned++ })
	case to == lifecycle.Escalated:
		c.add(t.Report, c.holder(t), func(n *Counts) { n.Escalated++ })
		c.escalated(t)
	case to == lifecycle.Published:
		c.add(t.Report, t.Agency, func(n *Counts) { n.Published++ })
	case to == lifecycle.Closed:
		c.rating(t)
	}
	return nil
}

// holder is who held a report just before a change: its agency while
// forwarded, resolved or published, else the Center.
func (c *collector) holder(t store.Transition) string {
	switch lifecycle.State(t.From) {
	case lifecycle.Forwarded, lifecycle.Resolved, lifecycle.Published:
		return t.Agency
	}
	return c.center
}

// reason is the category of a rejection: the one the log records, else
// what the report says of it — a duplicate, or as many failed calls as
// reject a report (Art 7.1) — else "other".
func (c *collector) reason(t store.Transition) string {
	switch {
	case slices.ContainsFunc(reasons, func(r Reason) bool { return r.Code == t.Reason }):
		return t.Reason
	case t.Reason != "":
		return "other"
	case t.Report.Duplicate:
		return "duplicate"
	case t.Report.CallFailures >= c.attempts:
		return "unreachable"
	}
	return "other"
}

// rating counts the rating that closed a report: the one its event
// records, else — for events written before ratings were recorded there —
// the report's. A report re-opened after its rating and rated again is
// counted at each closing, each with its own rating.
func (c *collector) rating(t store.Transition) {
	rating := lifecycle.Rating(t.Reason)
	if !rating.Valid() {
		rating = lifecycle.Rating(t.Report.Rating)
	}
	switch rating {
	case lifecycle.VerySatisfied:
		c.add(t.Report, t.Agency, func(n *Counts) { n.VerySatisfied++ })
	case lifecycle.Satisfied:
		c.add(t.Report, t.Agency, func(n *Counts) { n.Satisfied++ })
	case lifecycle.Dissatisfied:
		c.add(t.Report, t.Agency, func(n *Counts) { n.Dissatisfied++ })
	}
}

func (c *collector) step(s store.Step) error {
	cal := c.opt.Calendar
	took := cal.WorkingTime(s.Start, s.Done)
	c.times[s.Kind] = append(c.times[s.Kind], took)
	if s.Outcome == "late" {
		c.late[s.Kind]++
		who := s.Agency
		if who == "" {
			who = c.center
		}
		c.overdueTwice(s.Report, who, s.Kind, s.Start, s.Due, s.Done, s.Clock)
	}
	switch s.Kind {
	case "resolve":
		c.resolve[s.Agency] = append(c.resolve[s.Agency], took)
		c.add(s.Report, s.Agency, func(n *Counts) {
			n.Resolved++
			switch s.Outcome {
			case "met":
				n.OnTime++
			case "late":
				n.Late++
			default:
				n.Excused++
			}
		})
	case "return":
		if s.Outcome == "late" {
			c.add(s.Report, s.Agency, func(n *Counts) { n.ReturnedLate++ })
		}
	case "publish":
		c.times["total"] = append(c.times["total"], cal.WorkingTime(s.Report.ReceivedAt, s.Done))
	}
	return nil
}

// open counts a report open at the period's end against who must act on
// it then: the agency holding it, or the Center.
func (c *collector) open(o store.OpenReport) error {
	who := c.center
	if o.State == string(lifecycle.Forwarded) {
		who = o.Agency
	}
	end := c.asOf
	late := !o.Due.IsZero() && !o.Due.After(end)
	c.add(o.Report, who, func(n *Counts) {
		n.Open++
		if late {
			n.OpenOverdue++
		}
	})
	if late {
		c.overdueTwice(o.Report, who, o.Kind, o.Start, o.Due, end, o.Clock)
		t := c.opt.Table
		c.overdue = append(c.overdue, Overdue{
			Code: o.Report.Code, State: o.State, Step: o.Kind,
			Agency: who, AgencyName: agencyName(t, who),
			Field: o.Report.Field, FieldName: fieldName(t, o.Report.Field),
			Unit: o.Report.Unit, UnitName: unitName(t, o.Report.Unit),
			Due: o.Due.In(c.opt.Calendar.Location()), DaysLate: int(math.Ceil(end.Sub(o.Due).Hours() / 24)),
			HoursLate: c.opt.Calendar.WorkingTime(o.Due, end),
		})
	}
	return nil
}

func (c *collector) report() *Report {
	t := c.opt.Table
	r := &Report{Period: c.p, Center: c.center, Escalation: t.Bodies().Escalation, AsOf: c.asOf.In(c.p.End.Location()), Totals: c.totals,
		ByField:  groups(c.groups[byField], fieldCodes(t), func(code string) string { return fieldName(t, code) }),
		ByAgency: groups(c.groups[byAgency], agencyCodes(t), func(code string) string { return agencyName(t, code) }),
		ByUnit:   groups(c.groups[byUnit], unitCodes(t), func(code string) string { return unitName(t, code) }),
		Overdue:  c.overdue, Difficulties: c.listDifficulties(),
	}
	for _, reason := range reasons {
		reason.N = c.reasons[reason.Code]
		r.Rejections = append(r.Rejections, reason)
	}
	for _, s := range stages {
		s.Late = c.late[s.Code]
		r.Stages = append(r.Stages, stage(s, c.times[s.Code]))
	}
	slices.SortStableFunc(r.Overdue, func(a, b Overdue) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Code, b.Code))
	})
	r.Ranking = c.ranking(r.ByAgency)
	r.Editions = c.tables()
	return r
}

// tables lists the editions of the routing tables that routed the reports
// counted, the one of the earliest report first.
func (c *collector) tables() []Edition {
	var out []Edition
	first := map[string]int64{}
	for code, ids := range c.editions {
		e := Edition{Code: code, Title: c.opt.Table.EditionTitle(code), Reports: len(ids)}
		first[code] = math.MaxInt64
		for id := range ids {
			first[code] = min(first[code], id)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Edition) int { return cmp.Compare(first[a.Code], first[b.Code]) })
	return out
}

// groups lists the groups with figures: those of the table's codes in
// order, then the others by code.
func groups(m map[string]*Counts, order []string, name func(string) string) []Group {
	var out []Group
	for _, code := range order {
		if n, ok := m[code]; ok {
			out = append(out, Group{Code: code, Name: name(code), Counts: *n})
			delete(m, code)
		}
	}
	rest := make([]string, 0, len(m))
	for code := range m {
		rest = append(rest, code)
	}
	slices.Sort(rest)
	for _, code := range rest {
		out = append(out, Group{Code: code, Name: name(code), Counts: *m[code]})
	}
	return out
}

// stage sums up the working times of a stage's steps.
func stage(s Stage, times []time.Duration) Stage {
	s.N = len(times)
	if s.N == 0 {
		return s
	}
	slices.Sort(times)
	var sum time.Duration
	for _, d := range times {
		sum += d
	}
	s.Mean = sum / time.Duration(s.N)
	s.P90 = times[(s.N*9+9)/10-1] // nearest rank: ⌈0.9·N⌉
	return s
}

// ranking ranks the agencies other than the Center that resolved a
// report or held one overdue: best rate first, then more results, then by
// code; equal rates share a place.
func (c *collector) ranking(agencies []Group) []Rank {
	var out []Rank
	for _, g := range agencies {
		onTime := g.OnTime + g.Excused
		total := g.Resolved + g.OpenOverdue
		if g.Code == c.center || total == 0 {
			continue
		}
		mean := stage(Stage{}, c.resolve[g.Code]).Mean
		out = append(out, Rank{Agency: g.Code, Name: g.Name, OnTime: onTime, Late: g.Late, Overdue: g.OpenOverdue,
			Rate: float64(onTime) / float64(total), MeanResolve: mean})
	}
	slices.SortStableFunc(out, func(a, b Rank) int {
		return cmp.Or(cmp.Compare(b.Rate, a.Rate), cmp.Compare(b.OnTime+b.Late, a.OnTime+a.Late), cmp.Compare(a.Agency, b.Agency))
	})
	for i := range out {
		out[i].Place = i + 1
		if i > 0 && out[i].Rate == out[i-1].Rate {
			out[i].Place = out[i-1].Place
		}
	}
	return out
}

// reasons are the categories of rejection, in the order reports list them.
var reasons = []Reason{
	{Code: "unreachable", Name: "Không liên lạc được với người phản ánh (Điều 7.1)"},
	{Code: "unverified", Name: "Xác minh thông tin không đúng (Điều 7.1)"},
	{Code: "duplicate", Name: "Trùng với phản ánh đã gửi"},
	{Code: "other", Name: "Lý do khác"},
}

// stages are the stages whose working time reports show.
var stages = []Stage{
	{Code: "intake", Name: "Tiếp nhận, chuyển xử lý"},
	{Code: "return", Name: "Trả lại phản ánh không đúng thẩm quyền"},
	{Code: "resolve", Name: "Xử lý tại cơ quan"},
	{Code: "publish", Name: "Kiểm tra, công khai kết quả"},
	{Code: "clarification", Name: "Làm rõ phản hồi của người phản ánh"},
	{Code: "total", Name: "Toàn bộ, từ tiếp nhận đến công khai"},
}
