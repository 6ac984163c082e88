package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/unicode/norm"
)

// edition is edition.toml.
type edition struct {
	Edition   string
	Title     string
	Base      string // the base table, relative to the sources' directory
	Center    string
	Committee struct {
		Code, Name, Email string
		English           string `toml:"name_en"`
		ResolveDays       int    `toml:"resolve_days"`
	}
	Agency []agencySource
	Alias  []struct {
		To      string
		Aliases []string
	}

	// The bodies mail and reports name: the Center without its area and
	// in English, the city or province it serves, the agency escalated
	// reports go to (the table's keys of the same names).
	CenterShort   string `toml:"center_short"`
	CenterEnglish string `toml:"center_english"`
	Area          string
	Escalation    string
}

type agencySource struct {
	Code, Name, Email string
	English           string   `toml:"name_en"`
	ResolveDays       int      `toml:"resolve_days"`
	TakesOver         []string `toml:"takes_over"`
}

func readEdition(path string) (*edition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e edition
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if e.Edition == "" || e.Base == "" || e.Center == "" || e.Committee.Code == "" || e.Committee.Name == "" {
		return nil, fmt.Errorf("%s: edition, base, center, committee.code and committee.name are required", path)
	}
	e.Base = filepath.Join(filepath.Dir(path), e.Base)
	return &e, nil
}

// row is one row of units.tsv: a new unit and the old units that went
// into it.
type row struct {
	line      int
	official  string
	typ, bare string // "Phường", "Vị Thanh"
	old       []oldRow
}

type oldRow struct {
	typ, bare string // "Phường", "I"
	district  string // "Thành phố Vị Thanh"
	official  string
}

func readUnits(path string) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := norm.NFC.String(strings.TrimRight(sc.Text(), "\r"))
		if n == 1 || strings.TrimSpace(line) == "" {
			continue // the header
		}
		r, err := parseRow(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		r.line = n
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func parseRow(line string) (row, error) {
	c := strings.Split(line, "\t")
	if len(c) != 5 {
		return row{}, fmt.Errorf("%d columns, want 5 (new_code, new_name, new_type, old_names, old_codes)", len(c))
	}
	r := row{official: strings.TrimSpace(c[0])}
	var err error
	if r.typ, r.bare, err = typed(c[1]); err != nil {
		return r, err
	}
	if !strings.EqualFold(r.typ, strings.TrimSpace(c[2])) {
		return r, fmt.Errorf("new_name %q is not of type %q", c[1], c[2])
	}
	names, codes := strings.Split(c[3], ";"), strings.Split(c[4], ";")
	if len(names) != len(codes) {
		return r, fmt.Errorf("%d old names and %d old codes", len(names), len(codes))
	}
	for i, name := range names {
		o := oldRow{official: strings.TrimSpace(codes[i])}
		name, district, ok := strings.Cut(strings.TrimSpace(name), "(")
		if !ok || !strings.HasSuffix(district, ")") {
			return r, fmt.Errorf("old name %q: want its former district in parentheses", names[i])
		}
		if o.typ, o.bare, err = typed(name); err != nil {
			return r, err
		}
		o.district = strings.TrimSpace(strings.TrimSuffix(district, ")"))
		if _, _, err := typed(o.district); err != nil {
			return r, err
		}
		r.old = append(r.old, o)
	}
	return r, nil
}
