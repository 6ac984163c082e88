package routing

import (
	"slices"
	"strings"
	"unicode"
)

// Bodies names the bodies that mail and reports speak of besides the
// agencies reports are routed to: the Center that receives the reports and
// signs the mail, the province or city it serves, and the department that
// escalated reports go to (Art 4.7). They belong to a table's edition: on 1
// July 2025 Hậu Giang province became part of Cần Thơ city and the
// Department of Information and Communications part of the Department of
// Science and Technology, so the 2025 table names other bodies than
// Appendix I does. A deployment may name its Center otherwise in its
// configuration.
type Bodies struct {
	// Center is the Center's full name, as mail signs it: "Trung tâm Giám
	// sát, điều hành đô thị thông minh tỉnh Hậu Giang" — the name of the
	// table's center agency.
	Center string
	// CenterShort is the Center's name without the area it serves, as a
	// sentence writes it once the area is known: "Trung tâm Giám sát,
	// điều hành đô thị thông minh".
	CenterShort string
	// CenterEnglish is the Center's name in English.
	CenterEnglish string
	// Area is the province or city the Center serves, as the middle of a
	// sentence writes it: "tỉnh Hậu Giang", "thành phố Cần Thơ"; "" when
	// the table does not say.
	Area string
	// Escalation is the name of the body escalated reports go to (Art
	// 4.7), EscalationAgency its agency code; a table that names none
	// gives "cấp có thẩm quyền" (the competent level) and "".
	Escalation       string
	EscalationAgency string
}

// Defaults for a table that leaves the names out.
const (
	defaultCenterEnglish = "Smart City Monitoring and Operations Center"
	defaultEscalation    = "cấp có thẩm quyền"
)

// Committee is the People's Committee of the area, which the escalation
// body advises (Art 4.7): "Ủy ban nhân dân thành phố Cần Thơ".
func (b Bodies) Committee() string {
	if b.Area == "" {
		return "Ủy ban nhân dân cấp tỉnh"
	}
	return "Ủy ban nhân dân " + b.Area
}

// Bodies returns the names of the bodies the table's edition knows (see
// Bodies): those its keys center_short, center_english, area and
// escalation give, with the center agency's name.
func (t *Table) Bodies() Bodies {
	center := t.Center()
	b := Bodies{Center: center.Name, CenterShort: center.Name, CenterEnglish: defaultCenterEnglish,
		Area: t.bodies.area, Escalation: defaultEscalation}
	if t.bodies.centerShort != "" {
		b.CenterShort = t.bodies.centerShort
	}
	if t.bodies.centerEnglish != "" {
		b.CenterEnglish = t.bodies.centerEnglish
	}
	if a, ok := t.Agency(t.bodies.escalation); ok {
		b.Escalation, b.EscalationAgency = a.Name, a.Code
	}
	return b
}

// NamedCenter returns the table with its Center (its center agency) named
// as given, in Vietnamese and in English; "" keeps the table's name. The
// body that took the Center over is the deployment's to name (the 2025
// table calls it "… (khu vực Hậu Giang)"): named so, it is named so
// wherever the Center is, as the body that signs the mail and as the
// agency of a report, in mail, reports and publication alike, and staff
// may write that name to mean it. Codes, and so the reports' records and
// the table's version, are unchanged.
func (t *Table) NamedCenter(name, english string) *Table {
	center := t.agencies[t.center]
	if (name == "" || name == center.Name) && (english == "" || english == center.English) {
		return t
	}
	c := *t
	c.agencies = slices.Clone(t.agencies)
	if name != "" {
		c.agencies[c.center].Name = name
	}
	if english != "" {
		c.agencies[c.center].English = english
		c.bodies.centerEnglish = english
	}
	return &c
}

// tableBodies are the table's keys that name bodies.
type tableBodies struct {
	centerShort, centerEnglish, area string
	escalation                       string // an agency code
}

// bodyKeys are the top-level keys that name bodies.
var bodyKeys = []string{"center_short", "center_english", "area", "escalation"}

// bodies reads the top-level keys that name bodies; each may be left out.
func (b *builder) bodies(r *record) {
	if _, present := r.keys["escalation"]; present {
		if code, line, ok := b.code(r, "", "escalation"); ok {
			if _, found := b.t.agencyIndex[code]; found {
				b.t.bodies.escalation = code
			} else {
				b.bad("", line, "escalation: unknown agency %q", code)
			}
		}
	}
	for key, dst := range map[string]*string{"center_short": &b.t.bodies.centerShort,
		"center_english": &b.t.bodies.centerEnglish, "area": &b.t.bodies.area} {
		s, line, ok := r.str(key, b.in(""))
		if !ok {
			continue
		}
		switch s = clean(s); {
		case s == "":
			b.bad("", line, "%s: must not be empty (leave the key out)", key)
		case strings.ContainsFunc(s, unicode.IsControl):
			b.bad("", line, "%s: write the name on one line", key)
		default:
			*dst = s
		}
	}
}
