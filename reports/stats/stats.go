// Package stats makes the public statistics of Art 11.2 (SPEC 9.4): how
// many reports there are by field, by state and by administrative unit, so
// that citizens can follow what becomes of what they report. They hold
// counts and the names of fields and units only — no report, no code, no
// personal data — and leave out confidential reports altogether (Art 6.4,
// 9.1.b).
//
// The daemon serves them at /stats (a page) and /stats.json; `phananh stats`
// writes them as static files.
package stats

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// Stats are the public statistics at one instant. Every key is always
// present in the JSON; times are RFC 3339 in Vietnam's time (SPEC 12.1).
type Stats struct {
	GeneratedAt string `json:"generated_at"`
	// Center names the Center that publishes them, on the page: the
	// routing table's (routing.Bodies), which Compute gives, or the one
	// the deployment names.
	Center string `json:"-"`
	// Total counts the reports that are not confidential.
	Total int `json:"total"`
	// ByState counts them by state, every state listed in the order of
	// the process.
	ByState []State `json:"by_state"`
	// ByField and ByUnit count them by field and by administrative unit,
	// in the routing table's order, then codes it no longer has; a group
	// is listed when it has a report. Unit "" holds the reports whose unit
	// is not known.
	ByField []Group `json:"by_field"`
	ByUnit  []Group `json:"by_unit"`
}

// State is the number of reports in one state.
type State struct {
	State string `json:"state"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Group is the number of reports of one field or unit, by state.
type Group struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Total int    `json:"total"`
	// ByState has a key for every state.
	ByState map[string]int `json:"by_state"`
}

// stateNames are the states as the public reads them.
var stateNames = map[lifecycle.State]string{
	lifecycle.Received:  "Đang tiếp nhận",
	lifecycle.Forwarded: "Đang xử lý",
	lifecycle.Returned:  "Đang xác định lại cơ quan xử lý",
	lifecycle.Resolved:  "Đã có kết quả, đang kiểm tra",
	lifecycle.Published: "Đã trả lời kết quả",
	lifecycle.Closed:    "Đã trả lời và được đánh giá",
	lifecycle.Rejected:  "Không tiếp nhận",
	lifecycle.Escalated: "Đang được cấp trên xem xét",
}

// Compute counts the reports that are not confidential, as of now.
func Compute(tx *store.Tx, table *routing.Table, now time.Time) (*Stats, error) {
	counts, err := tx.PublicCounts()
	if err != nil {
		return nil, err
	}
	s := &Stats{GeneratedAt: now.In(calendar.Vietnam).Format(time.RFC3339), Center: table.Bodies().Center,
		ByState: []State{}, ByField: []Group{}, ByUnit: []Group{}}
	byState := map[string]int{}
	fields, units := map[string]*Group{}, map[string]*Group{}
	for _, c := range counts {
		s.Total += c.N
		byState[c.State] += c.N
		add(fields, c.Field, c.State, c.N)
		add(units, c.Unit, c.State, c.N)
	}
	for _, st := range lifecycle.States() {
		s.ByState = append(s.ByState, State{State: string(st), Name: stateNames[st], Count: byState[string(st)]})
	}
	var fieldOrder, unitOrder []string
	for _, f := range table.Fields() {
		fieldOrder = append(fieldOrder, f.Code)
	}
	for _, u := range table.Units() {
		unitOrder = append(unitOrder, u.Code)
	}
	s.ByField = ordered(fields, fieldOrder, func(code string) string {
		if f, ok := table.RecordedField(code); ok {
			return f.Name
		}
		return orUnknown(code)
	})
	s.ByUnit = ordered(units, unitOrder, func(code string) string {
		if u, ok := table.RecordedUnit(code); ok {
			return capitalise(u.Name)
		}
		return orUnknown(code)
	})
	return s, nil
}

func add(groups map[string]*Group, code, state string, n int) {
	g := groups[code]
	if g == nil {
		g = &Group{Code: code, ByState: map[string]int{}}
		for _, st := range lifecycle.States() {
			g.ByState[string(st)] = 0
		}
		groups[code] = g
	}
	g.Total += n
	g.ByState[state] += n
}

// ordered lists the groups in the table's order, then the others by code.
func ordered(groups map[string]*Group, order []string, name func(string) string) []Group {
	out := []Group{}
	for _, code := range order {
		if g, ok := groups[code]; ok {
			out = append(out, *g)
			delete(groups, code)
		}
	}
	rest := make([]string, 0, len(groups))
	for code := range groups {
		rest = append(rest, code)
	}
	slices.Sort(rest)
	for _, code := range rest {
		out = append(out, *groups[code])
	}
	for i := range out {
		out[i].Name = name(out[i].Code)
	}
	return out
}

func orUnknown(code string) string {
	if code == "" {
		return "Chưa xác định"
	}
	return code
}

// capitalise heads a unit's name, written for the middle of a sentence.
func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// JSON returns the statistics as indented JSON.
func (s *Stats) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return append(b, '\n'), nil
}
