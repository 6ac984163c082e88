package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"haugiang.gov.vn/phananh/rules/routing"
)

// Center is the [center] table: how mail and reports name the Center when
// not as the routing table's edition does (routing.Bodies). The 2025 table
// names it "… (khu vực Hậu Giang)": the body that took it over is the
// deployment's to name. A key left out keeps the table's name.
type Center struct {
	// Name is the full name mail signs with.
	Name string `toml:"name"`
	// ShortName is the name without the area it serves.
	ShortName string `toml:"short_name"`
	// EnglishName is the name in English mail.
	EnglishName string `toml:"english_name"`
}

// maxNameRunes bounds a configured name.
const maxNameRunes = 200

// Bodies returns b with the Center named as configured.
func (c Center) Bodies(b routing.Bodies) routing.Bodies {
	for _, n := range []struct {
		dst *string
		s   string
	}{
		{&b.Center, c.Name}, {&b.CenterShort, c.ShortName}, {&b.CenterEnglish, c.EnglishName},
	} {
		if s := cleanName(n.s); s != "" {
			*n.dst = s
		}
	}
	return b
}

// NameIn names the Center of the routing tables h holds, the one in use
// and those reloaded, as configured: as the agency of a report too, in
// mail, reports and publication (routing.Table.NamedCenter).
func (c Center) NameIn(h *routing.Holder) { h.NameCenter(cleanName(c.Name), cleanName(c.EnglishName)) }

// Table returns t with the Center named as configured (see NameIn).
func (c Center) Table(t *routing.Table) *routing.Table {
	return t.NamedCenter(cleanName(c.Name), cleanName(c.EnglishName))
}

// cleanName is a name as mail writes it: NFC, trimmed.
func cleanName(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

func (c Center) validate() error {
	for _, n := range []struct{ key, s string }{
		{"name", c.Name}, {"short_name", c.ShortName}, {"english_name", c.EnglishName},
	} {
		s := cleanName(n.s)
		switch {
		case n.s == "":
		case s == "":
			return fmt.Errorf("center.%s: must not be blank (leave the key out for the routing table's)", n.key)
		case strings.ContainsFunc(s, unicode.IsControl):
			return fmt.Errorf("center.%s: write the name on one line", n.key)
		case utf8.RuneCountInString(s) > maxNameRunes:
			return fmt.Errorf("center.%s: longer than %d characters", n.key, maxNameRunes)
		}
	}
	return nil
}
