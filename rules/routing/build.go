package routing

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/fold"
)

// codePattern is what agency, unit and field codes look like.
var codePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// officialPattern is what the state's codes of administrative units look
// like ("31321").
var officialPattern = regexp.MustCompile(`^[0-9]{1,10}$`)

// Limits of an agency's resolve time, in working days (Art 8.3: at most 6).
const (
	minResolveDays = 1
	maxResolveDays = 6
)

// builder turns a document into a Table, collecting every problem.
type builder struct {
	name     string
	t        *Table
	problems []Problem

	agencyLine map[string]int
	unitLine   map[string]int
	formerLine map[string]int
	ruleLine   map[string]int
	fieldLine  map[string]int        // the rule that first named the field
	englishAt  map[string]int        // the line that first named the field in English
	aliasOwner map[string]aliasOwner // alias words → the unit that has it
	absorber   map[string]aliasOwner // absorbed name's words → the agency that absorbed it
	unitRecord []*record             // by unit index
	eachUnit   int                   // line of the first each-unit rule, 0 if none
}

type aliasOwner struct {
	who  string // "unit CODE", "former CODE" or "agency CODE"
	line int
}

// build checks doc and, when it has no problem, returns its table.
func build(name string, doc *document) (*Table, []Problem) {
	b := &builder{
		name: name,
		t: &Table{name: name, agencyIndex: map[string]int{}, unitIndex: map[string]int{},
			formerIndex: map[string]int{}, fieldIndex: map[string]int{}},
		agencyLine: map[string]int{}, unitLine: map[string]int{}, formerLine: map[string]int{}, ruleLine: map[string]int{},
		fieldLine: map[string]int{}, englishAt: map[string]int{}, aliasOwner: map[string]aliasOwner{},
		absorber: map[string]aliasOwner{},
	}
	counts := map[string]int{}
	for _, kind := range tableKinds {
		for _, r := range doc.tables {
			if r.kind != kind {
				continue
			}
			counts[kind]++
			switch kind {
			case "agency":
				b.agency(r)
			case "unit":
				b.unit(r)
			case "former":
				b.former(r)
			case "ambiguous":
				b.ambiguous(r)
			case "rule":
				b.rule(r)
			}
		}
		if kind == "unit" {
			b.linkUnits()
		}
	}
	for _, kind := range []string{"agency", "rule"} {
		if counts[kind] == 0 {
			b.bad("", 0, "no [[%s]] table", kind)
		}
	}
	b.committees()
	b.englishNames()
	b.absorbedNames()
	b.top(doc.top)
	if len(b.problems) > 0 {
		sort.SliceStable(b.problems, func(i, j int) bool { return b.problems[i].Line < b.problems[j].Line })
		return nil, b.problems
	}
	b.t.match = compile(b.t)
	return b.t, nil
}

// bad records a problem of the record named by who ("" for the file).
func (b *builder) bad(who string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if who != "" {
		msg = who + ": " + msg
	}
	b.problems = append(b.problems, Problem{File: b.name, Line: line, Msg: msg})
}

// in returns the problem reporter of one record, for the record's accessors.
func (b *builder) in(who string) func(line int, format string, args ...any) {
	return func(line int, format string, args ...any) { b.bad(who, line, format, args...) }
}

// clean returns a name, alias or keyword as the table keeps it: NFC, trimmed.
func clean(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// code reads a record's code-like key, which must be present and well formed.
func (b *builder) code(r *record, who, key string) (string, int, bool) {
	s, line, ok := r.str(key, b.in(who))
	switch {
	case !ok && r.keys[key] == nil:
		b.bad(who, r.line, "%s: missing", key)
	case ok && !codePattern.MatchString(s):
		b.bad(who, line, "%s %q: use lower-case ASCII letters, digits and single hyphens", key, s)
		ok = false
	}
	return s, line, ok
}

// label reads a record's required name.
func (b *builder) label(r *record, who string) (string, int) {
	s, line, ok := r.str("name", b.in(who))
	s = clean(s)
	if ok && s == "" {
		b.bad(who, line, "name: must not be empty")
	} else if !ok && r.keys["name"] == nil {
		b.bad(who, r.line, "name: missing")
	}
	return s, line
}

// englishLabel reads a record's optional English name (name_en), which
// mail to a citizen who wrote in English uses; "" when the key is absent.
func (b *builder) englishLabel(r *record, who string) (string, int) {
	s, line, ok := r.str("name_en", b.in(who))
	if s = clean(s); ok && s == "" {
		b.bad(who, line, "name_en: must not be empty (leave the key out, or name it in English)")
	}
	return s, line
}

func (b *builder) top(r *record) {
	r.unknownKeys(append([]string{"center", "fallback", "edition", "title"}, bodyKeys...), b.in(""))
	b.bodies(r)
	if s, _, ok := r.str("title", b.in("")); ok {
		b.t.title = clean(s)
	}
	if _, present := r.keys["edition"]; present {
		if code, _, ok := b.code(r, "", "edition"); ok {
			b.t.edition = code
		}
	}
	if code, line, ok := b.code(r, "", "center"); ok {
		if i, found := b.t.agencyIndex[code]; found {
			b.t.center = i
		} else {
			b.bad("", line, "center: unknown agency %q", code)
		}
	}
	if code, line, ok := b.code(r, "", "fallback"); ok {
		if i, found := b.t.fieldIndex[code]; found {
			b.t.fallback = i
		} else {
			b.bad("", line, "fallback: unknown field %q (no rule has it)", code)
		}
	}
}

func (b *builder) agency(r *record) {
	code, line, ok := b.code(r, "agency", "code")
	who := strings.TrimSpace("agency " + code)
	r.unknownKeys([]string{"code", "name", "name_en", "resolve_days", "email", "absorbed"}, b.in(who))
	name, _ := b.label(r, who)
	english, _ := b.englishLabel(r, who)
	email := b.email(r, who)
	days, daysLine, daysOK := r.integer("resolve_days", b.in(who))
	switch {
	case !daysOK && r.keys["resolve_days"] == nil:
		b.bad(who, r.line, "resolve_days: missing")
	case daysOK && (days < minResolveDays || days > maxResolveDays):
		b.bad(who, daysLine, "resolve_days: %d is out of range (%d to %d working days)", days, minResolveDays, maxResolveDays)
	}
	if !ok {
		return
	}
	if first, dup := b.agencyLine[code]; dup {
		b.bad(who, line, "code already used at line %d", first)
		return
	}
	b.agencyLine[code] = line
	b.t.agencyIndex[code] = len(b.t.agencies)
	b.t.agencies = append(b.t.agencies, Agency{Code: code, Name: name, English: english, ResolveDays: days, Email: email,
		Absorbed: b.absorbed(r, who)})
}

// absorbed reads the names of the agencies merged into one. A name is
// absorbed by one agency only; whether it is another agency's name is
// checked once all are read (see absorbedNames).
func (b *builder) absorbed(r *record, who string) []string {
	items, _ := r.strs("absorbed", b.in(who))
	var out []string
	for _, item := range items {
		name := clean(item.text)
		key := strings.Join(words(name), " ")
		switch prev, taken := b.absorber[key]; {
		case key == "":
			b.bad(who, item.line, "absorbed: %q has no letters or digits", name)
		case taken:
			b.bad(who, item.line, "absorbed: %q is already absorbed by %s (line %d): an agency merges into one", name, prev.who, prev.line)
		default:
			b.absorber[key] = aliasOwner{who: who, line: item.line}
			out = append(out, name)
		}
	}
	return out
}

// absorbedNames checks that no absorbed name is the name of an agency of
// the table: that one still exists, and the name is its.
func (b *builder) absorbedNames() {
	for _, a := range b.t.agencies {
		if prev, taken := b.absorber[strings.Join(words(a.Name), " ")]; taken {
			b.bad(prev.who, prev.line, "absorbed: %q is the name of agency %s (line %d), which the table still has", a.Name, a.Code, b.agencyLine[a.Code])
		}
	}
}

// email reads an agency's official mailbox: one bare address whose domain
// has a dot, kept with the domain in lower case; "" when the key is absent.
func (b *builder) email(r *record, who string) string {
	s, line, ok := r.str("email", b.in(who))
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	if s == "" {
		b.bad(who, line, "email: must not be empty (leave the key out for an agency without a mailbox)")
		return ""
	}
	a, err := mail.ParseAddress(s)
	local, domain, _ := strings.Cut(s, "@")
	if err != nil || a.Name != "" || a.Address != s || local == "" || !strings.Contains(strings.Trim(domain, "."), ".") {
		b.bad(who, line, "email %q: want one address alone, like \"sxd@cantho.gov.vn\"", s)
		return ""
	}
	return local + "@" + strings.ToLower(domain)
}

func (b *builder) unit(r *record) {
	code, line, ok := b.code(r, "unit", "code")
	who := strings.TrimSpace("unit " + code)
	r.unknownKeys([]string{"code", "name", "aliases", "parent", "committee", "official"}, b.in(who))
	u := Unit{Code: code, Official: b.official(r, who)}
	var nameLine int
	u.Name, nameLine = b.label(r, who)
	items, _ := r.strs("aliases", b.in(who))
	if s, _, present := r.str("parent", b.in(who)); present {
		u.Parent = s
	}
	if s, _, present := r.str("committee", b.in(who)); present {
		u.Committee = s
	}
	if !ok {
		return
	}
	if first, dup := b.unitLine[code]; dup {
		b.bad(who, line, "code already used at line %d", first)
		return
	}
	if u.Name != "" {
		b.alias(who, u.Name, nameLine)
	}
	u.Aliases = b.aliases(who, items)
	b.unitLine[code] = line
	b.t.unitIndex[code] = len(b.t.units)
	b.t.units = append(b.t.units, u)
	b.unitRecord = append(b.unitRecord, r)
}

// aliases claims a record's aliases and returns those it may have.
func (b *builder) aliases(who string, items []entry) []string {
	var out []string
	for _, item := range items {
		a := clean(item.text)
		if b.alias(who, a, item.line) {
			out = append(out, a)
		}
	}
	return out
}

// alias claims an alias for a unit or a former unit (who); an alias of two
// could never decide between them, so it is refused.
func (b *builder) alias(who, a string, line int) bool {
	ws := words(a)
	if len(ws) == 0 {
		b.bad(who, line, "alias %q has no letters or digits", a)
		return false
	}
	key := strings.Join(ws, " ")
	if prev, taken := b.aliasOwner[key]; taken {
		if prev.who == who {
			b.bad(who, line, "alias %q given twice (first at line %d)", a, prev.line)
		} else {
			b.bad(who, line, "alias %q already names %s (line %d): an alias of two units decides nothing, leave it out", a, prev.who, prev.line)
		}
		return false
	}
	b.aliasOwner[key] = aliasOwner{who: who, line: line}
	return true
}

// official reads a record's optional official code.
func (b *builder) official(r *record, who string) string {
	s, line, ok := r.str("official", b.in(who))
	if ok && !officialPattern.MatchString(s) {
		b.bad(who, line, "official %q: want the state's code of the unit, digits only", s)
		return ""
	}
	return s
}

// former reads a unit that a reorganisation abolished. The units are read
// before, so its became key is checked here.
func (b *builder) former(r *record) {
	code, line, ok := b.code(r, "former", "code")
	who := strings.TrimSpace("former " + code)
	r.unknownKeys([]string{"code", "name", "aliases", "became", "official"}, b.in(who))
	f := Former{Code: code, Official: b.official(r, who)}
	f.Name, _ = b.label(r, who)
	items, _ := r.strs("aliases", b.in(who))
	if s, becameLine, present := r.str("became", b.in(who)); present {
		if _, known := b.t.unitIndex[s]; known {
			f.Became = s
		} else {
			b.bad(who, becameLine, "became: unknown unit %q (leave it out for a unit split among several)", s)
		}
	}
	if !ok {
		return
	}
	if first, dup := b.formerLine[code]; dup {
		b.bad(who, line, "code already used at line %d", first)
		return
	}
	f.Aliases = b.aliases(who, items)
	b.formerLine[code] = line
	b.t.formerIndex[code] = len(b.t.formers)
	b.t.formers = append(b.t.formers, f)
}

// ambiguous reads a place name that could mean several units. The units
// and former units are read before, so its name is checked against their
// aliases: a name that decides a unit cannot be ambiguous too.
func (b *builder) ambiguous(r *record) {
	who := "ambiguous"
	r.unknownKeys([]string{"name", "units"}, b.in(who))
	name, line := b.label(r, who)
	if name != "" {
		who += fmt.Sprintf(" %q", name)
	}
	items, present := r.strs("units", b.in(who))
	if !present {
		b.bad(who, r.line, "units: missing (the codes of the units the name could mean)")
	}
	a := Ambiguous{Name: name}
	for _, item := range items {
		code := clean(item.text)
		_, known := b.t.unitIndex[code]
		switch {
		case !known:
			b.bad(who, item.line, "units: unknown unit %q", code)
		case slices.Contains(a.Units, code):
			b.bad(who, item.line, "units: %q given twice", code)
		default:
			a.Units = append(a.Units, code)
		}
	}
	if present && len(items) < 2 {
		b.bad(who, r.line, "units: a name is ambiguous between two units or more")
	}
	if name == "" {
		return
	}
	if prev, taken := b.aliasOwner[strings.Join(words(name), " ")]; taken && prev.who != who {
		b.bad(who, line, "name: an alias of %s (line %d) already: a name that decides a unit is not ambiguous", prev.who, prev.line)
		return
	}
	if b.alias(who, name, line) {
		b.t.ambiguous = append(b.t.ambiguous, a)
	}
}

// linkUnits checks every unit's parent and committee.
func (b *builder) linkUnits() {
	for i, u := range b.t.units {
		r, who := b.unitRecord[i], "unit "+u.Code
		if u.Committee != "" {
			if _, ok := b.t.agencyIndex[u.Committee]; !ok {
				b.bad(who, r.keys["committee"].line, "committee: unknown agency %q", u.Committee)
			}
		}
		if u.Parent == "" {
			continue
		}
		if _, ok := b.t.unitIndex[u.Parent]; !ok {
			b.bad(who, r.keys["parent"].line, "parent: unknown unit %q", u.Parent)
			continue
		}
		seen := map[string]bool{u.Code: true}
		for p := u.Parent; p != ""; p = b.t.units[b.t.unitIndex[p]].Parent {
			if seen[p] {
				b.bad(who, r.keys["parent"].line, "parent: the chain of parents comes back to %s", p)
				break
			}
			seen[p] = true
			if _, ok := b.t.unitIndex[p]; !ok {
				break
			}
		}
	}
}

// committees checks that each-unit rules find a committee for every unit.
func (b *builder) committees() {
	if b.eachUnit == 0 {
		return
	}
	for i, u := range b.t.units {
		if !b.hasCommittee(u) {
			b.bad("unit "+u.Code, b.unitRecord[i].line,
				"no committee, of its own or of a parent, for the each-unit rules (the first at line %d)", b.eachUnit)
		}
	}
}

// hasCommittee reports whether a unit or one of its parents names a
// committee (whether that agency exists is checked on the unit that names it).
func (b *builder) hasCommittee(u Unit) bool {
	for range b.t.units {
		if u.Committee != "" {
			return true
		}
		i, ok := b.t.unitIndex[u.Parent]
		if !ok {
			return false
		}
		u = b.t.units[i]
	}
	return false
}

func (b *builder) rule(r *record) {
	field, _, fieldOK := b.code(r, "rule", "field")
	scope, scopeLine, scopeOK := r.str("scope", b.in("rule"))
	if !scopeOK && r.keys["scope"] == nil {
		b.bad("rule", r.line, "scope: missing")
	}
	ru := Rule{ID: field + "/" + scope, Field: field, Scope: scope, Line: r.line}
	who := "rule " + ru.ID
	if field == "" && scope == "" {
		who = "rule"
	}
	r.unknownKeys([]string{"field", "name", "name_en", "scope", "agency", "keywords", "keywords_en", "urgent_keywords",
		"urgent_keywords_en", "auto_forward"}, b.in(who))
	name, nameLine := b.label(r, who)
	english, englishLine := b.englishLabel(r, who)
	if scopeOK && scope != ScopeProvince && scope != ScopeEachUnit {
		if _, ok := b.t.unitIndex[scope]; !ok {
			b.bad(who, scopeLine, "scope %q: want \"*\", \"each-unit\" or a unit code", scope)
			scopeOK = false
		}
	}
	b.ruleAgency(r, who, &ru)
	listed, urgent := map[string]int{}, map[string]int{}
	ru.Keywords = b.keywords(r, who, "keywords", listed)
	ru.EnglishKeywords = b.keywords(r, who, "keywords_en", listed)
	ru.UrgentKeywords = b.keywords(r, who, "urgent_keywords", urgent)
	ru.EnglishUrgentKeywords = b.keywords(r, who, "urgent_keywords_en", urgent)
	ru.AutoForward = r.boolean("auto_forward", b.in(who))
	if !fieldOK || !scopeOK {
		return
	}
	if first, dup := b.ruleLine[ru.ID]; dup {
		b.bad(who, r.line, "rule defined twice (first at line %d)", first)
		return
	}
	b.ruleLine[ru.ID] = r.line
	if scope == ScopeEachUnit && b.eachUnit == 0 {
		b.eachUnit = r.line
	}
	b.field(who, ru, name, nameLine)
	b.fieldEnglish(who, ru.Field, english, englishLine)
	b.t.rules = append(b.t.rules, ru)
}

func (b *builder) ruleAgency(r *record, who string, ru *Rule) {
	agency, line, ok := r.str("agency", b.in(who))
	switch {
	case ru.Scope == ScopeEachUnit && r.keys["agency"] != nil:
		b.bad(who, line, "agency: an each-unit rule goes to the committee of the report's unit; leave agency out")
	case ru.Scope == ScopeEachUnit:
	case !ok && r.keys["agency"] == nil:
		b.bad(who, r.line, "agency: missing")
	case ok:
		if _, known := b.t.agencyIndex[agency]; !known {
			b.bad(who, line, "unknown agency %q", agency)
		}
		ru.Agency = agency
	}
}

// keywords reads a rule's list of keywords; first holds the phrases of the
// rule's lists read before that may not come again (its keywords in
// Vietnamese and in English, or its urgent ones), with their lines. The
// English lists (KEY_en) hold words without diacritics: Vietnamese
// keywords go in the other list, where a citizen who types without
// diacritics still finds them.
func (b *builder) keywords(r *record, who, key string, first map[string]int) []string {
	items, _ := r.strs(key, b.in(who))
	var out []string
	for _, item := range items {
		k := clean(item.text)
		ws := words(k)
		switch {
		case k == "":
			b.bad(who, item.line, "%s: empty keyword", key)
			continue
		case len(ws) == 0:
			b.bad(who, item.line, "%s: %q has no letters or digits", key, k)
			continue
		case strings.HasSuffix(key, "_en") && !fold.Plain(k):
			b.bad(who, item.line, "%s: %q has diacritics: English keywords are written without, Vietnamese ones go in %s",
				key, k, strings.TrimSuffix(key, "_en"))
			continue
		}
		phrase := strings.Join(ws, " ")
		if line, dup := first[phrase]; dup {
			b.bad(who, item.line, "%s: %q given twice (first at line %d)", key, k, line)
			continue
		}
		first[phrase] = item.line
		out = append(out, k)
	}
	return out
}

// field records the field of a rule: its name must be the same on all its
// rules, and its urgent keywords are those of all its rules.
func (b *builder) field(who string, ru Rule, name string, nameLine int) {
	i, known := b.t.fieldIndex[ru.Field]
	if !known {
		i = len(b.t.fields)
		b.t.fieldIndex[ru.Field] = i
		b.t.fields = append(b.t.fields, Field{Code: ru.Field, Name: name})
		b.fieldLine[ru.Field] = nameLine
	} else if f := &b.t.fields[i]; f.Name == "" {
		f.Name = name
	} else if name != "" && f.Name != name {
		b.bad(who, nameLine, "name %q differs from %q given to field %s at line %d", name, f.Name, ru.Field, b.fieldLine[ru.Field])
	}
	f := &b.t.fields[i]
	for _, k := range append(slices.Clone(ru.UrgentKeywords), ru.EnglishUrgentKeywords...) {
		if !containsPhrase(f.Urgent, k) {
			f.Urgent = append(f.Urgent, k)
		}
	}
}

// containsPhrase reports whether list holds a phrase of the same words as p.
func containsPhrase(list []string, p string) bool {
	key := strings.Join(words(p), " ")
	for _, s := range list {
		if strings.Join(words(s), " ") == key {
			return true
		}
	}
	return false
}

// fieldEnglish records a field's English name: the same on all its rules
// that give one.
func (b *builder) fieldEnglish(who, field, english string, line int) {
	if english == "" {
		return
	}
	f := &b.t.fields[b.t.fieldIndex[field]]
	switch {
	case f.English == "":
		f.English = english
		b.englishAt[field] = line
	case f.English != english:
		b.bad(who, line, "name_en %q differs from %q given to field %s at line %d", english, f.English, field, b.englishAt[field])
	}
}

// englishNames checks that a table naming some fields or agencies in
// English names them all: mail to a citizen who wrote in English would
// name the others in Vietnamese.
func (b *builder) englishNames() {
	var fields, agencies []string
	for _, f := range b.t.fields {
		if f.English != "" {
			fields = append(fields, f.Code)
		}
	}
	for _, a := range b.t.agencies {
		if a.English != "" {
			agencies = append(agencies, a.Code)
		}
	}
	if len(fields) > 0 {
		for _, f := range b.t.fields {
			if f.English == "" {
				b.bad("field "+f.Code, b.fieldLine[f.Code], "name_en: missing, while field %s has one: name every field in English or none", fields[0])
			}
		}
	}
	if len(agencies) > 0 {
		for _, a := range b.t.agencies {
			if a.English == "" {
				b.bad("agency "+a.Code, b.agencyLine[a.Code], "name_en: missing, while agency %s has one: name every agency in English or none", agencies[0])
			}
		}
	}
}
