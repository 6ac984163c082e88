// Package routing holds the routing table of Appendix I of the regulation
// (Art 7.1) and the matcher that proposes, for a report, its field, its
// administrative unit, the agency that must handle it and whether it is
// urgent (SPEC 6).
//
// # The table file
//
// The table is data that the province's operators edit, kept in one TOML file.
// TOML rather than CSV because the table holds three kinds of records of
// different shapes (agencies, units, rules) that CSV would scatter over three
// files or squeeze into one with half-empty columns; because lists (aliases,
// keywords) are real arrays in TOML, where a CSV cell would need a second
// separator beside the commas that Vietnamese names contain ("Sở Văn hóa, Thể
// thao và Du lịch"); because TOML is always UTF-8, where spreadsheet programs
// still save CSV in a legacy code page that ruins Vietnamese; because comments
// let operators write down why a keyword is there; and because the daemon's
// configuration is TOML too. Errors still name the line: the file is read
// with go-toml's parser, which keeps every key's position.
//
// The file holds top-level keys and five kinds of tables:
//
//	center = "ttgsdh"   # the agency code of the Center
//	fallback = "khac"   # the field of a report that no rule's keywords match
//	edition = "2025"    # optional: the administrative map the table describes
//	title = "…"         # optional: how reports name the table, in Vietnamese
//
//	# Optional: the bodies mail and reports name (Table.Bodies).
//	center_short = "Trung tâm Giám sát, điều hành đô thị thông minh"
//	center_english = "Hậu Giang Smart City Monitoring and Operations Center"
//	area = "tỉnh Hậu Giang"     # the province or city the Center serves
//	escalation = "so-tttt"      # the agency escalated reports go to (Art 4.7)
//
//	[[agency]]
//	code = "so-gtvt"            # ASCII: lower-case letters, digits, hyphens
//	name = "Sở Giao thông vận tải"
//	name_en = "Department of Transport" # optional: for mail to a citizen who wrote English;
//	                            # without "the", which English mail adds in a sentence
//	resolve_days = 6            # working days to resolve a report, 1 to 6
//	email = "sgtvt@haugiang.gov.vn" # optional: the official mailbox, which gets the
//	                            # agency's notices when no handler of it is configured
//	absorbed = ["Sở Giao thông vận tải"] # optional: the agencies a reorganisation
//	                            # merged into this one, which staff still name
//
//	[[unit]]
//	code = "vi-thanh"
//	name = "thành phố Vị Thanh" # the name is an alias too
//	aliases = ["TP Vị Thanh", "Vị Thanh"]
//	committee = "ubnd-vi-thanh" # its People's Committee: the agency of each-unit rules
//	parent = ""                 # optional; a unit without a committee uses its parent's
//	official = "31321"          # optional: its code in the state's list of units
//
//	[[former]]                  # a unit that a reorganisation abolished
//	code = "xa-hoa-tien"
//	name = "xã Hỏa Tiến"        # how notices name it; not an alias by itself
//	aliases = ["xã Hỏa Tiến", "X. Hỏa Tiến"]
//	became = "xa-hoa-luu"       # the unit it is part of now; left out when it
//	                            # was split among several (a former district)
//	official = "31339"
//
//	[[ambiguous]]               # a name several units could mean: it names
//	name = "Long Mỹ"            # none, and routing tells the receiver which
//	units = ["tx-long-my", "h-long-my"] # units it could mean, likeliest first
//
//	[[rule]]
//	field = "giao-thong"
//	name = "Giao thông, hạ tầng đường bộ"  # the field's name, the same on all its rules
//	name_en = "Roads and transport"        # optional: in English, the same on all its rules
//	scope = "*"                 # "*", "each-unit", or a unit code
//	agency = "so-gtvt"          # left out for an each-unit rule
//	keywords = ["ổ gà", "quốc lộ"]
//	keywords_en = ["pothole", "potholes"] # optional: in English, without diacritics
//	urgent_keywords = ["sập cầu"]
//	urgent_keywords_en = ["bridge collapsed"]
//	auto_forward = false        # true: forwarded without a receiver's /accept
//
// Citizens keep writing the names of abolished units for years, so a former
// unit's aliases route as its new unit's do, and the decision names both
// (Decision.Former, Table.UnitLabel). A former unit that became several
// units (a district abolished in 2025) names no unit: its aliases only keep
// the shorter aliases inside them from counting ("thị xã Vị Thanh" is not
// "xã Vị Thanh"). The edition names the set of units and agencies the table
// describes, so that a report routed with it can be told from one routed
// with another table (SPEC 6.4).
//
// English names (name_en) are for mail to a citizen who wrote in English
// (SPEC 8.4): a table that names one field, or one agency, in English names
// them all. English keywords (keywords_en) route a report written in
// English that quotes no Vietnamese term ("power outage", "pothole"); such
// a text is compared with the table's words folded (SPEC 6.2), so they are
// written without diacritics, and only where the English word means one
// field.
//
// A rule scoped "each-unit" is one rule whose agency is the committee of the
// report's unit. A rule scoped to a unit code applies to reports of that unit
// and of the units below it. A rule may have no keywords: it never scores, but
// serves a field that citizens declare or receivers choose (the fallback field
// is such a rule). The rule's id is FIELD/SCOPE: "giao-thong/*",
// "giao-thong/each-unit", "xay-dung/vi-thanh".
//
// Loading checks everything and reports every problem with the file's name
// and the line, as "rules.toml:42: rule giao-thong/*: unknown agency
// \"so-gtvx\"". Two tables are built into the binary (Builtin): the default,
// appendix1.toml (the regulation's Appendix I, before the 2025
// reorganisation), and 2025.toml (the two-tier government from 1 July 2025),
// which is generated from the official mapping of old to new units by the
// program in ./gen (see its documentation).
package routing

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
)

// Agency is a body that handles reports.
type Agency struct {
	Code string
	Name string
	// English is the agency's name in English, for mail to a citizen who
	// wrote in English; "" when the table gives none.
	English     string
	ResolveDays int // working days to resolve a report (1 to 6)
	// Email is the agency's official mailbox (SPEC 6.1): its notices go
	// there when no handler of it is configured. "" when the table gives
	// none.
	Email string
	// Absorbed are the names of the agencies a reorganisation merged into
	// this one ("Sở Giao thông vận tải" into Sở Xây dựng in 2025): staff
	// who write them mean this agency (FindAgency), and routing says so.
	// Its slice belongs to the table: do not modify it.
	Absorbed []string
}

// Unit is an administrative unit. Its slice belongs to the table: do not
// modify it.
type Unit struct {
	Code      string
	Name      string
	Aliases   []string // as the table writes them; the name is an alias too
	Parent    string   // the code of the unit above it, "" if none
	Committee string   // the agency code of its People's Committee, "" to use the parent's
	Official  string   // its code in the state's list of administrative units, "" if not given
}

// Former is an administrative unit that a reorganisation abolished. Its
// slice belongs to the table: do not modify it.
type Former struct {
	Code     string
	Name     string   // as notices name it: "xã Hỏa Tiến"
	Aliases  []string // as the table writes them; the name is not an alias unless listed
	Became   string   // the code of the unit it is part of now; "" when it was split among several
	Official string   // its code in the state's list of administrative units, "" if not given
}

// Ambiguous is a place name that could mean several units ("Ngã Bảy":
// the ward, or the former city split among several units). It names no
// unit (SPEC 6.2: a bare "Long Mỹ" stays ambiguous), but a report that
// writes it names a place, and routing tells the receiver the units it
// could mean, to choose one with /unit. Its slice belongs to the table: do
// not modify it.
type Ambiguous struct {
	Name  string
	Units []string // the codes of the units it could mean, the likeliest first
}

// Field is a category of reports (lĩnh vực). Its slice belongs to the
// table: do not modify it.
type Field struct {
	Code string
	Name string
	// English is the field's name in English, for mail to a citizen who
	// wrote in English; "" when the table gives none.
	English string
	Urgent  []string // the urgent keywords of all its rules, in Vietnamese, then in English
}

// NameFor returns the field's name for a reader: in English when english
// is set and the table gives one, else in Vietnamese.
func (f Field) NameFor(english bool) string { return nameFor(f.Name, f.English, english) }

// NameFor returns the agency's name for a reader: in English when english
// is set and the table gives one, else in Vietnamese.
func (a Agency) NameFor(english bool) string { return nameFor(a.Name, a.English, english) }

func nameFor(vietnamese, inEnglish string, english bool) string {
	if english && inEnglish != "" {
		return inEnglish
	}
	return vietnamese
}

// Rule is one row of the table. Its slices belong to the table: do not
// modify them.
type Rule struct {
	ID             string // FIELD/SCOPE
	Field          string
	Scope          string // "*", "each-unit" or a unit code
	Agency         string // "" for an each-unit rule
	Keywords       []string
	UrgentKeywords []string
	// EnglishKeywords and EnglishUrgentKeywords are the rule's keywords
	// in English, for reports written in English: they count as the
	// others do.
	EnglishKeywords       []string
	EnglishUrgentKeywords []string
	AutoForward           bool
	Line                  int // where the rule starts in its file
}

// Scopes a rule can have besides a unit code.
const (
	ScopeProvince = "*"
	ScopeEachUnit = "each-unit"
)

// Table is a loaded, checked routing table. It is never changed after
// loading and is safe for concurrent use.
type Table struct {
	name     string
	version  string
	edition  string
	title    string
	center   int // index in agencies
	fallback int // index in fields
	bodies   tableBodies

	agencies  []Agency
	units     []Unit
	formers   []Former
	ambiguous []Ambiguous
	fields    []Field
	rules     []Rule

	agencyIndex map[string]int
	unitIndex   map[string]int
	formerIndex map[string]int
	fieldIndex  map[string]int

	match matcher
}

// DefaultName is the built-in table used when the configuration names none.
const DefaultName = "appendix1"

//go:generate go run ./gen -sources sources/2025 -o 2025.toml
//go:embed appendix1.toml 2025.toml
var builtinFiles embed.FS

// builtinNames are the built-in tables, the default first: each is the
// embedded file NAME.toml.
var builtinNames = []string{"appendix1", "2025"}

// builtins parses each built-in table once, when it is first asked for; the
// shipped files are checked by the tests.
var builtins = func() map[string]func() (*Table, []byte) {
	m := map[string]func() (*Table, []byte){}
	for _, name := range builtinNames {
		m[name] = builtin(name)
	}
	return m
}()

func builtin(name string) func() (*Table, []byte) {
	return sync.OnceValues(func() (*Table, []byte) {
		data, err := builtinFiles.ReadFile(name + ".toml")
		if err == nil {
			var t *Table
			if t, err = Parse(name+".toml", bytes.NewReader(data)); err == nil {
				return t, data
			}
		}
		panic(fmt.Sprintf("routing: the built-in table %s is invalid: %v", name, err))
	})
}

// Builtin returns the built-in table of that name: "appendix1" (the
// default: Appendix I as the regulation has it, before the 2025
// reorganisation) or "2025" (the two-tier government from 1 July 2025).
func Builtin(name string) (*Table, bool) {
	f, ok := builtins[name]
	if !ok {
		return nil, false
	}
	t, _ := f()
	return t, true
}

// BuiltinFile returns the bytes of a built-in table, for an operator who
// wants a file to start editing from; nil for an unknown name.
func BuiltinFile(name string) []byte {
	f, ok := builtins[name]
	if !ok {
		return nil
	}
	_, data := f()
	return slices.Clone(data)
}

// BuiltinNames returns the names of the built-in tables, the default first.
func BuiltinNames() []string { return slices.Clone(builtinNames) }

// Default returns the default built-in table: the content of Appendix I
// that the project ships.
func Default() *Table {
	t, _ := Builtin(DefaultName)
	return t
}

// Open returns the table a configuration names: the file at path when path
// is not "", else the built-in table of that name ("" for the default).
func Open(path, name string) (*Table, error) {
	if path != "" {
		return Load(path)
	}
	if name == "" {
		name = DefaultName
	}
	t, ok := Builtin(name)
	if !ok {
		return nil, fmt.Errorf("routing table: no built-in table %q (there are %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return t, nil
}

// Load reads and checks the table file at path.
func Load(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("routing table: %w", err)
	}
	defer f.Close()
	return Parse(path, f)
}

// Parse reads and checks a table file; name is used in error messages. When
// the file has problems, the error is a *ValidationError listing all of them.
func Parse(name string, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("routing table %s: %w", name, err)
	}
	// Editors on Windows may start a UTF-8 file with a byte-order mark.
	doc, problems := parseDocument(name, bytes.TrimPrefix(data, []byte("\ufeff")))
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	t, problems := build(name, doc)
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	sum := sha256.Sum256(data)
	t.version = hex.EncodeToString(sum[:6])
	return t, nil
}

// Name is the file name the table was read from.
func (t *Table) Name() string { return t.name }

// Version identifies the table's content: the first 12 hexadecimal digits of
// the SHA-256 of the file's bytes. A report records the version it was routed
// with (SPEC 6.4); any change to the file changes it.
func (t *Table) Version() string { return t.version }

// Edition names the administrative map the table describes ("appendix1",
// "2025"), as its file's edition key gives it; "" when the file gives none.
// A report records it (SPEC 6.4).
func (t *Table) Edition() string { return t.edition }

// Title is how reports name the table, in Vietnamese, as its file's title
// key gives it; the edition, else the file's name, when it gives none.
func (t *Table) Title() string {
	for _, s := range []string{t.title, t.edition} {
		if s != "" {
			return s
		}
	}
	return t.name
}

// EditionTitle names the table of an edition that reports recorded: this
// table's title, or a built-in table's; the edition itself when no table
// at hand has it.
func (t *Table) EditionTitle(edition string) string {
	for _, table := range t.withBuiltins() {
		if table.edition == edition && edition != "" {
			return table.Title()
		}
	}
	return edition
}

// Agency returns the agency with the code.
func (t *Table) Agency(code string) (Agency, bool) { return lookup(t.agencies, t.agencyIndex, code) }

// Unit returns the administrative unit with the code.
func (t *Table) Unit(code string) (Unit, bool) { return lookup(t.units, t.unitIndex, code) }

// Former returns the abolished unit with the code.
func (t *Table) Former(code string) (Former, bool) { return lookup(t.formers, t.formerIndex, code) }

// Field returns the field with the code.
func (t *Table) Field(code string) (Field, bool) { return lookup(t.fields, t.fieldIndex, code) }

// Center returns the agency that receives every report and decides where no
// rule does: the one the table's center key names.
func (t *Table) Center() Agency { return t.agencies[t.center] }

// Fallback returns the field of a report that no rule's keywords match.
func (t *Table) Fallback() Field { return t.fields[t.fallback] }

// Agencies returns the agencies in the table's order.
func (t *Table) Agencies() []Agency { return slices.Clone(t.agencies) }

// Units returns the administrative units in the table's order.
func (t *Table) Units() []Unit { return slices.Clone(t.units) }

// Formers returns the abolished units in the table's order.
func (t *Table) Formers() []Former { return slices.Clone(t.formers) }

// Fields returns the fields in the order they first appear in the table.
func (t *Table) Fields() []Field { return slices.Clone(t.fields) }

// Rules returns the rules in the table's order.
func (t *Table) Rules() []Rule { return slices.Clone(t.rules) }

// Committee returns the People's Committee of a unit: its own, or the
// nearest one above it.
func (t *Table) Committee(unit string) (Agency, bool) {
	for code := unit; code != ""; {
		i, ok := t.unitIndex[code]
		if !ok {
			return Agency{}, false
		}
		if c := t.units[i].Committee; c != "" {
			return t.Agency(c)
		}
		code = t.units[i].Parent
	}
	return Agency{}, false
}

// within reports whether unit is scope or lies below it.
func (t *Table) within(unit, scope string) bool {
	for code := unit; code != ""; {
		if code == scope {
			return true
		}
		i, ok := t.unitIndex[code]
		if !ok {
			return false
		}
		code = t.units[i].Parent
	}
	return false
}

func lookup[T any](list []T, index map[string]int, code string) (T, bool) {
	i, ok := index[code]
	if !ok {
		var zero T
		return zero, false
	}
	return list[i], true
}
