package routing

import (
	"slices"
	"strings"
)

// Input is what routing reads of a report.
type Input struct {
	Subject string
	Text    string // the content
	// Field is the field the citizen declared (its name or code, with or
	// without diacritics), "" if none.
	Field string
	// Location is the declared Địa điểm: where the problem is, "" if none.
	Location string
	// Address is the declared Địa chỉ: the citizen's own address, read
	// for the unit only when neither the location nor the text names one.
	Address string
	// Unit is the code of a unit already known (a receiver's /unit), "" if
	// none.
	Unit string
}

// Decision is routing's proposal for a report, with its reasons.
type Decision struct {
	Field    string   // a field code of the table
	Unit     string   // a unit code, "" when none was found or it is ambiguous
	Agency   string   // the agency that should handle the report
	Urgent   bool     // an urgent keyword of the field occurs in the report
	Rule     string   // the id of the rule that decided, "" when none did
	Why      string   // one sentence: the keywords, scores and alias that decided
	Grounds  string   // Why in Vietnamese, for the receivers (the triage notice's "Căn cứ")
	Keywords []string // the deciding rule's keywords found in the report
	Alias    string   // the alias that gave the unit, as the table writes it
	// Former is the code of the former unit whose alias gave the unit, ""
	// when the alias is the unit's own: the citizen wrote a name that a
	// reorganisation abolished ("xã Hỏa Tiến", now part of xã Hỏa Lựu).
	Former string
	// Placed tells that the report names a place the table knows, a unit
	// or a former unit, even where that decides no unit (units equally
	// named, a former district split among several): it says where the
	// problem is, and the receiver decides the unit.
	Placed      bool
	AutoForward bool   // the rule forwards without a receiver's /accept
	Version     string // the table's version
	Edition     string // the table's edition
	// Runners are the other rules that scored, best first (at most
	// MaxRunners): what a receiver may choose instead. For a tie they
	// are the rules that tied.
	Runners []Candidate
}

// A Candidate is a rule that scored for a report, with where it would send
// it.
type Candidate struct {
	Rule   string // the rule's id, FIELD/SCOPE
	Field  string
	Scope  string // "*", "each-unit" or a unit code
	Unit   string // the unit the rule applies in: its scope's, or for an each-unit rule the report's; "" for "*"
	Agency string // where it would send the report
	Score  int
}

// MaxRunners is the most runner-up rules a decision lists.
const MaxRunners = 3

// Route proposes a field, a unit and an agency for a report (SPEC 6.2).
//
//   - Words: the subject, content, keywords and aliases are lower-cased, put
//     in NFC with one place of the tone mark ("hoà" is "hòa"), and split on
//     everything that is not a letter or a digit; a phrase never matches
//     across punctuation (see split). The subject, the content and each
//     form line are read on their own: one written with diacritics is
//     compared exactly, one written without any, or in English, with the
//     table's words folded (see text).
//   - Unit: a known unit (in.Unit) first; else the longest alias found in the
//     declared location (Địa điểm), else in the subject and content, else in
//     the declared address (Địa chỉ: where the citizen lives, not
//     necessarily where the problem is). Aliases of two units equally long
//     leave the unit empty, as does no alias at all.
//   - Rule: the score of a rule is the sum of the lengths in words of its
//     distinct keywords found in the subject and content. Candidates are the
//     "*" and each-unit rules, and the rules of the report's unit and of the
//     units above it; a declared field keeps only that field's rules. The best
//     score wins. At equal scores the more specific scope wins: a unit's rule
//     (a commune's before its district's), then an each-unit rule, then a "*"
//     rule; but without a unit an each-unit rule comes after the "*" rules,
//     since it could only hand the report to the Center. Rules still tied go
//     to the first of them in the table when they name the same agency, and
//     to the Center with the fallback field when they do not.
//   - A declared field whose rules find no keyword still applies: with a unit,
//     its rule for the unit or its each-unit rule; else, or failing those, its
//     "*" rule; else its each-unit rule.
//   - Agency: the rule's; for an each-unit rule, the committee of the unit, or
//     the Center when there is no unit. No rule scoring: the table's fallback
//     field, the Center, and Rule "".
//   - Urgent: an urgent keyword of the chosen field (of any of its rules)
//     found in the subject or content.
//   - AutoForward: the deciding rule's auto_forward, never when the agency is
//     the Center.
//
// When in.Field, in.Location or in.Address is empty, Route reads it from the
// form's "Lĩnh vực:", "Địa điểm:" or "Địa chỉ:" line in in.Text if there is one,
// so that a text explained from the command line routes as the same mail does.
func (t *Table) Route(in Input) Decision {
	in = withForm(in)
	r := routing{t: t, d: Decision{Version: t.version, Edition: t.edition}, field: -1, why: reasons{t: t}}
	r.declared(in.Field)
	subject, content := newText(in.Subject), newText(in.Text)
	r.unit(in, subject, content)
	r.found = t.match.findKeywords(subject, content)
	if !r.best() {
		r.fallback()
	}
	r.absorbedNote()
	r.urgent()
	r.d.AutoForward = r.d.AutoForward && r.d.Agency != t.Center().Code
	r.d.Why, r.d.Grounds = r.why.String(en), r.why.String(vi)
	return r.d
}

// routing is one run of Route.
type routing struct {
	t     *Table
	d     Decision
	field int // the declared field's index, -1 if none
	found found
	why   reasons
}

// declared finds the declared field: the field whose code, name, or a
// comma-separated part of whose name, in Vietnamese or in English, is
// exactly the declared text.
func (r *routing) declared(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	m := &r.t.match
	tx := newText(s)
	var fields []int
	m.fieldNames.find(tx, func(id, start int) {
		if start == 0 && m.fieldNames.words[id] == len(tx.words) {
			for _, f := range m.fieldByName[id] {
				if !slices.Contains(fields, f) {
					fields = append(fields, f)
				}
			}
		}
	})
	switch len(fields) {
	case 0:
		r.why.declaredUnknown(s)
	case 1:
		r.field = fields[0]
		r.why.declaredIs(s, r.t.fields[r.field].Code)
	default:
		codes := make([]string, len(fields))
		for i, f := range fields {
			codes[i] = r.t.fields[f].Code
		}
		r.why.declaredAmbiguous(s, codes)
	}
}

// applies reports whether a rule can route this report: it belongs to the
// declared field if there is one, and its scope holds the report's unit.
func (r *routing) applies(rule int) bool {
	if r.field >= 0 && r.t.match.ruleField[rule] != r.field {
		return false
	}
	switch scope := r.t.rules[rule].Scope; scope {
	case ScopeProvince, ScopeEachUnit:
		return true
	default:
		return r.d.Unit != "" && r.t.within(r.d.Unit, scope)
	}
}

// best scores the candidate rules and applies the best one; false when no
// rule scores.
func (r *routing) best() bool {
	m := &r.t.match
	scores := map[int]int{}
	for _, id := range r.found {
		for _, rule := range m.keywordRules[id] {
			if r.applies(rule) {
				scores[rule] += m.keywords.words[id]
			}
		}
	}
	if len(scores) == 0 {
		return false
	}
	top, tied := 0, []int(nil)
	for rule, s := range scores {
		switch {
		case s > top:
			top, tied = s, []int{rule}
		case s == top:
			tied = append(tied, rule)
		}
	}
	slices.Sort(tied)
	specific := r.mostSpecific(tied)
	agencies := map[string]bool{}
	for _, rule := range specific {
		agencies[r.agencyOf(rule)] = true
	}
	if len(agencies) > 1 {
		r.tie(specific, top)
		r.runners(scores, -1)
		return true
	}
	r.apply(specific[0])
	var lengths []int
	r.d.Keywords, lengths = r.keywordsOf(specific[0])
	var others []string
	if len(tied) > 1 {
		others = ids(r.t, slices.DeleteFunc(slices.Clone(tied), func(x int) bool { return x == specific[0] }))
	}
	r.why.ruleBest(r.d.Keywords, lengths, r.d.Rule, top, others, len(specific) < len(tied))
	r.eachUnitNote()
	r.runners(scores, specific[0])
	return true
}

// runners lists the rules that scored, but the winner, best first, then
// in the table's order.
func (r *routing) runners(scores map[int]int, winner int) {
	var rules []int
	for rule := range scores {
		if rule != winner {
			rules = append(rules, rule)
		}
	}
	slices.SortFunc(rules, func(a, b int) int {
		if scores[a] != scores[b] {
			return scores[b] - scores[a]
		}
		return a - b
	})
	for _, rule := range rules[:min(len(rules), MaxRunners)] {
		ru := r.t.rules[rule]
		c := Candidate{Rule: ru.ID, Field: ru.Field, Scope: ru.Scope, Agency: r.agencyOf(rule), Score: scores[rule]}
		switch ru.Scope {
		case ScopeProvince:
		case ScopeEachUnit:
			c.Unit = r.d.Unit
		default:
			c.Unit = ru.Scope
		}
		r.d.Runners = append(r.d.Runners, c)
	}
}

// mostSpecific keeps the rules of the highest rank.
func (r *routing) mostSpecific(rules []int) []int {
	top := -1
	for _, rule := range rules {
		top = max(top, r.rank(rule))
	}
	return slices.DeleteFunc(slices.Clone(rules), func(rule int) bool { return r.rank(rule) < top })
}

// rank is a rule's specificity for this report (see the function rank). An
// each-unit rule is specific only when the report has a unit: without one it
// could only hand the report to the Center, so it ranks below "*" rules.
func (r *routing) rank(rule int) int {
	if r.d.Unit == "" && r.t.rules[rule].Scope == ScopeEachUnit {
		return -1
	}
	return r.t.match.rank[rule]
}

// tie hands the report to the Center with the fallback field (SPEC 6.2:
// "khac"): rules of different agencies have the same best score and the
// same specificity, and the receiver decides.
func (r *routing) tie(rules []int, score int) {
	for _, rule := range rules {
		found, _ := r.keywordsOf(rule)
		r.d.Keywords = append(r.d.Keywords, found...)
	}
	slices.Sort(r.d.Keywords)
	r.d.Keywords = slices.Compact(r.d.Keywords)
	r.d.Field, r.d.Agency = r.t.Fallback().Code, r.t.Center().Code
	agencies := make([]string, len(rules))
	for i, rule := range rules {
		agencies[i] = r.agencyOf(rule)
	}
	r.why.ruleTie(ids(r.t, rules), agencies, score)
}

// fallback routes a report no rule scored: to the declared field's own
// rule, or to the fallback field and the Center.
func (r *routing) fallback() {
	if r.field >= 0 {
		if rule, ok := r.defaultRule(r.field); ok {
			r.apply(rule)
			r.why.ruleDefault(r.d.Field, r.d.Rule)
			r.eachUnitNote()
			return
		}
		r.d.Field, r.d.Agency = r.t.fields[r.field].Code, r.t.Center().Code
		r.why.ruleNoneOfField(r.d.Field)
		return
	}
	r.d.Field, r.d.Agency = r.t.Fallback().Code, r.t.Center().Code
	r.why.ruleNone(r.d.Field)
}

// defaultRule is the rule of a field that applies when none of its keywords
// is found. With a unit: the field's rule for the unit (the most specific),
// else its each-unit rule, else its "*" rule. Without: its "*" rule, else its
// each-unit rule (which then leaves the agency to the Center).
func (r *routing) defaultRule(field int) (int, bool) {
	unitRule, unitRank, each, province := -1, -1, -1, -1
	for _, rule := range r.t.match.fieldRules[field] {
		if !r.applies(rule) {
			continue
		}
		switch rk := r.t.match.rank[rule]; {
		case rk >= 2 && rk > unitRank:
			unitRule, unitRank = rule, rk
		case rk == 1 && each < 0:
			each = rule
		case rk == 0 && province < 0:
			province = rule
		}
	}
	order := []int{province, each}
	if r.d.Unit != "" {
		order = []int{unitRule, each, province}
	}
	for _, rule := range order {
		if rule >= 0 {
			return rule, true
		}
	}
	return -1, false
}

// apply takes a rule's field, agency and id.
func (r *routing) apply(rule int) {
	ru := r.t.rules[rule]
	r.d.Rule, r.d.Field, r.d.Agency, r.d.AutoForward = ru.ID, ru.Field, r.agencyOf(rule), ru.AutoForward
}

// agencyOf returns the agency a rule sends this report to.
func (r *routing) agencyOf(rule int) string {
	ru := r.t.rules[rule]
	if ru.Scope != ScopeEachUnit {
		return ru.Agency
	}
	if c, ok := r.t.Committee(r.d.Unit); ok {
		return c.Code
	}
	return r.t.Center().Code
}

// absorbedNote tells, when a rule chose an agency that a reorganisation
// merged others into, which: receivers who knew the old table learn why a
// pothole goes to the Department of Construction.
func (r *routing) absorbedNote() {
	if a, ok := r.t.Agency(r.d.Agency); ok && r.d.Rule != "" && len(a.Absorbed) > 0 {
		r.why.agencyAbsorbed(a)
	}
}

func (r *routing) eachUnitNote() {
	if !strings.HasSuffix(r.d.Rule, "/"+ScopeEachUnit) {
		return
	}
	if r.d.Unit == "" {
		r.why.eachUnitWithoutUnit()
		return
	}
	r.why.eachUnitCommittee(r.d.Agency, r.d.Unit)
}

// keywordsOf returns a rule's keywords found in the report, in its order,
// and their lengths in words.
func (r *routing) keywordsOf(rule int) (found []string, lengths []int) {
	vi, en := r.t.rules[rule].Keywords, r.t.rules[rule].EnglishKeywords
	for j, id := range r.t.match.ruleKeywords[rule] {
		if !r.found.has(id) {
			continue
		}
		if j < len(vi) {
			found = append(found, vi[j])
		} else {
			found = append(found, en[j-len(vi)])
		}
		lengths = append(lengths, r.t.match.keywords.words[id])
	}
	return found, lengths
}

// urgent flags the report when an urgent keyword of its field occurs.
func (r *routing) urgent() {
	f := r.t.fieldIndex[r.d.Field]
	var hits []string
	for j, id := range r.t.match.fieldUrgent[f] {
		if r.found.has(id) {
			hits = append(hits, r.t.fields[f].Urgent[j])
		}
	}
	if len(hits) > 0 {
		r.d.Urgent = true
		r.why.urgentHits(hits)
	}
}

func ids(t *Table, rules []int) []string {
	out := make([]string, len(rules))
	for i, rule := range rules {
		out[i] = t.rules[rule].ID
	}
	return out
}
