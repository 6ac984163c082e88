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
// The file holds two top-level keys and three kinds of tables:
//
//	center = "ttgsdh"   # the agency code of the Center
//	fallback = "khac"   # the field of a report that no rule's keywords match
//
//	[[agency]]
//	code = "so-gtvt"            # ASCII: lower-case letters, digits, hyphens
//	name = "Sở Giao thông vận tải"
//	resolve_days = 6            # working days to resolve a report, 1 to 6
//	email = "sgtvt@haugiang.gov.vn" # optional: the official mailbox, which gets the
//	                            # agency's notices when no handler of it is configured
//
//	[[unit]]
//	code = "vi-thanh"
//	name = "thành phố Vị Thanh" # the name is an alias too
//	aliases = ["TP Vị Thanh", "Vị Thanh"]
//	committee = "ubnd-vi-thanh" # its People's Committee: the agency of each-unit rules
//	parent = ""                 # optional; a unit without a committee uses its parent's
//
//	[[rule]]
//	field = "giao-thong"
//	name = "Giao thông, hạ tầng đường bộ"  # the field's name, the same on all its rules
//	scope = "*"                 # "*", "each-unit", or a unit code
//	agency = "so-gtvt"          # left out for an each-unit rule
//	keywords = ["ổ gà", "quốc lộ"]
//	urgent_keywords = ["sập cầu"]
//	auto_forward = false        # true: forwarded without a receiver's /accept
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
// \"so-gtvx\"". The default table, appendix1.toml, is built into the binary.
package routing

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
)

// Agency is a body that handles reports.
type Agency struct {
	Code        string
	Name        string
	ResolveDays int // working days to resolve a report (1 to 6)
	// Email is the agency's official mailbox (SPEC 6.1): its notices go
	// there when no handler of it is configured. "" when the table gives
	// none.
	Email string
}

// Unit is an administrative unit. Its slice belongs to the table: do not
// modify it.
type Unit struct {
	Code      string
	Name      string
	Aliases   []string // as the table writes them; the name is an alias too
	Parent    string   // the code of the unit above it, "" if none
	Committee string   // the agency code of its People's Committee, "" to use the parent's
}

// Field is a category of reports (lĩnh vực). Its slice belongs to the
// table: do not modify it.
type Field struct {
	Code   string
	Name   string
	Urgent []string // the urgent keywords of all its rules
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
	AutoForward    bool
	Line           int // where the rule starts in its file
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
	center   int // index in agencies
	fallback int // index in fields

	agencies []Agency
	units    []Unit
	fields   []Field
	rules    []Rule

	agencyIndex map[string]int
	unitIndex   map[string]int
	fieldIndex  map[string]int

	match matcher
}

//go:embed appendix1.toml
var defaultFile []byte

// defaultTable is parsed once; the shipped file is checked by the tests.
var defaultTable = func() *Table {
	t, err := Parse("appendix1.toml", bytes.NewReader(defaultFile))
	if err != nil {
		panic(fmt.Sprintf("routing: the built-in table is invalid: %v", err))
	}
	return t
}()

// Default returns the table built into the binary: the content of Appendix I
// that the project ships.
func Default() *Table { return defaultTable }

// DefaultFile returns the bytes of the built-in table, for an operator who
// wants a file to start editing from.
func DefaultFile() []byte { return slices.Clone(defaultFile) }

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

// Agency returns the agency with the code.
func (t *Table) Agency(code string) (Agency, bool) { return lookup(t.agencies, t.agencyIndex, code) }

// Unit returns the administrative unit with the code.
func (t *Table) Unit(code string) (Unit, bool) { return lookup(t.units, t.unitIndex, code) }

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
