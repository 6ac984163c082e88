package main

import (
	"fmt"
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/rules/fold"
)

// unitType is a type word of Vietnamese administrative units, with the
// abbreviations people type for it.
type unitType struct {
	word    string   // as names write it, in lower case: "thị trấn"
	abbrevs []string // "TT"
	english string   // the word English writes after the name: "Township"
}

// unitTypes are the type words of the units of provinces and cities, and of
// the districts abolished in 2025.
var unitTypes = []unitType{
	{"thành phố", []string{"TP"}, "City"},
	{"thị trấn", []string{"TT"}, "Township"},
	{"thị xã", []string{"TX"}, "Town"},
	{"phường", []string{"P."}, "Ward"},
	{"huyện", []string{"H."}, "District"},
	{"xã", []string{"X."}, "Commune"},
}

// typed splits a unit's name into its type word and the rest: "Phường Vị
// Thanh" is "phường", "Vị Thanh".
func typed(name string) (typ, bare string, err error) {
	name = strings.Join(strings.Fields(name), " ")
	lower := strings.ToLower(name)
	for _, t := range unitTypes {
		if strings.HasPrefix(lower, t.word+" ") {
			return t.word, strings.TrimSpace(name[len(t.word):]), nil
		}
	}
	return "", "", fmt.Errorf("%q does not start with a type word (%s)", name, typeWords())
}

func typeWords() string {
	words := make([]string, len(unitTypes))
	for i, t := range unitTypes {
		words[i] = t.word
	}
	return strings.Join(words, ", ")
}

func typeOf(word string) unitType {
	for _, t := range unitTypes {
		if t.word == word {
			return t
		}
	}
	panic("gen: unknown type word " + word)
}

// slug is a code made of a name: ASCII, lower case, hyphens
// ("phường Vị Thanh" is "phuong-vi-thanh").
func slug(s string) string {
	return strings.Join(fold.Words(s), "-")
}

var roman = regexp.MustCompile(`^[IVX]+$`)

// arabic returns the number a Roman numeral writes ("VII" is "7").
func arabic(r string) string {
	values := map[byte]int{'I': 1, 'V': 5, 'X': 10}
	n := 0
	for i := range len(r) {
		v := values[r[i]]
		if i+1 < len(r) && values[r[i+1]] > v {
			v = -v
		}
		n += v
	}
	return fmt.Sprint(n)
}

// placeKind is what a place is.
type placeKind int

const (
	newUnit  placeKind = iota
	oldUnit            // a unit of units.tsv's old_names
	district           // a former district of units.tsv's old_names
	carried            // a former unit of the base table
)

// place is a unit, an old unit, a former district or a former unit of the
// base table, as the table will hold it.
type place struct {
	kind                 placeKind
	code, name, official string
	typ, bare            string   // "" for a carried former unit
	became               string   // for a former unit: its new unit, "" when split
	split                []string // for a former district: the new units its units went into
	committee            string   // for a new unit: its People's Committee
	aliases              []string
	notes                []string            // comments written before the record
	lost                 map[string][]string // aliases it wanted that another place has, by that place's code
	lostOrder            []string
}

// lose records that an alias the place wanted is another's.
func (p *place) lose(text, to string) {
	if p.lost == nil {
		p.lost = map[string][]string{}
	}
	if _, ok := p.lost[to]; !ok {
		p.lostOrder = append(p.lostOrder, to)
	}
	p.lost[to] = append(p.lost[to], text)
}

// units returns the units a place may be now: a new unit itself, a
// former unit the one it became, a former district all those its units
// went into; none for a former unit of the base table split among several.
func (p *place) units() []string {
	switch {
	case p.kind == newUnit:
		return []string{p.code}
	case p.became != "":
		return []string{p.became}
	}
	return p.split
}

// target is what a place's aliases lead to: a unit's code, or, for a
// former unit split among several, the former unit itself.
func (p *place) target() string {
	switch {
	case p.kind == newUnit:
		return p.code
	case p.became != "":
		return p.became
	}
	return "split:" + p.code
}

// label names a place in a comment: "phường Vị Thanh", "xã Vị Thanh (cũ)".
func (p *place) label() string {
	if p.kind == newUnit {
		return p.name
	}
	return p.name + " (cũ)"
}

// claimKind is how a place would hold an alias.
type claimKind int

const (
	typedName claimKind = iota // its name with its type word
	typedForm                  // an abbreviation, or another typed spelling
	bareName                   // its name without the type word
	shadow                     // a name it had, which it does not claim but which others cannot have alone
)

// claim is a place's wish for an alias.
type claim struct {
	p    *place
	text string
	kind claimKind
}

// forms returns the aliases a place wants: its name with its type word and
// its abbreviations, the Arabic number of a Roman ward ("phường 1", "P1",
// "P.1" for Phường I), its name as English writes it, the type word after
// ("Vị Tân Ward", "Hỏa Tiến Commune", "Ward 1"), and its bare name,
// claimed when bare is true and shadowed otherwise.
func (p *place) forms(bare bool) []claim {
	t := typeOf(p.typ)
	out := []claim{{p, p.name, typedName}}
	if roman.MatchString(p.bare) {
		// "P. V" would be "P.V", the reporter of a newspaper: only numbers
		// are abbreviated.
		n := arabic(p.bare)
		out = append(out, claim{p, p.typ + " " + n, typedForm})
		for _, a := range t.abbrevs {
			a = strings.TrimSuffix(a, ".")
			out = append(out, claim{p, a + "." + n, typedForm}, claim{p, a + n, typedForm})
		}
		// "Ward 1" as English writes it; a bare number names nothing.
		return append(out, claim{p, t.english + " " + n, typedForm})
	}
	for _, a := range t.abbrevs {
		out = append(out, claim{p, a + " " + p.bare, typedForm})
	}
	out = append(out, claim{p, p.bare + " " + t.english, typedForm}) // "Vị Tân Ward", as English writes it
	kind := shadow
	if bare {
		kind = bareName
	}
	return append(out, claim{p, p.bare, kind})
}
