package publish

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/templates"
)

//go:embed pages.html
var pagesHTML string

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{
	// head is what the head of a page shows: its title and the Center
	// whose site it is.
	"head": func(title, site string) struct{ Title, Site string } {
		return struct{ Title, Site string }{title, site}
	},
}).Parse(pagesHTML))

// IndexSize is how many of the latest results the index page lists; the
// others are on the month pages.
const IndexSize = 100

// excerptRunes is how much of a summary the lists show.
const excerptRunes = 160

// day is the results approved on one day, as a list shows them.
type day struct {
	Date  string
	Items []item
}

type item struct {
	Code, FieldName, UnitName, Excerpt string
	Agencies                           string // the lead, then "phối hợp:" the co-agencies
}

// month names the results approved in one month.
type month struct {
	Key   string // 2026-11
	Name  string // 11/2026
	Count int
}

// Index is the page of the latest results by date, with the search by
// code and the months.
func (p *Publication) Index() ([]byte, error) {
	shown := p.Results[:min(len(p.Results), IndexSize)]
	return render("index", struct {
		Site         string
		UpdatedAt    string
		Count, Shown int
		More         bool
		Days         []day
		Months       []month
	}{p.Center, at(p.UpdatedAt), len(p.Results), len(shown), len(shown) < len(p.Results), days(shown), p.months()})
}

// Months returns the keys (2026-11) of the months that have results, the
// latest first.
func (p *Publication) Months() []string {
	var keys []string
	for _, m := range p.months() {
		keys = append(keys, m.Key)
	}
	return keys
}

func (p *Publication) months() []month {
	var out []month
	for _, r := range p.Results {
		t := r.PublishedAt.In(calendar.Vietnam)
		key := t.Format("2006-01")
		if len(out) == 0 || out[len(out)-1].Key != key {
			out = append(out, month{Key: key, Name: t.Format("01/2006")})
		}
		out[len(out)-1].Count++
	}
	return out
}

// Month is the page of the results approved in a month ("2026-11"); false
// when the month has none.
func (p *Publication) Month(key string) ([]byte, bool, error) {
	var in []Result
	name := ""
	for _, r := range p.Results {
		if t := r.PublishedAt.In(calendar.Vietnam); t.Format("2006-01") == key {
			in, name = append(in, r), t.Format("01/2006")
		}
	}
	if len(in) == 0 {
		return nil, false, nil
	}
	b, err := render("month", struct {
		Site, Name string
		Days       []day
	}{p.Center, name, days(in)})
	return b, true, err
}

// days groups results by the day they were approved, keeping their order.
func days(results []Result) []day {
	var out []day
	for _, r := range results {
		date := r.PublishedAt.In(calendar.Vietnam).Format("02/01/2006")
		if len(out) == 0 || out[len(out)-1].Date != date {
			out = append(out, day{Date: date})
		}
		d := &out[len(out)-1]
		agencies := r.AgencyName
		if co := r.CoAgencyNames(); co != "" {
			agencies += ", phối hợp: " + co
		}
		d.Items = append(d.Items, item{Code: r.Code, FieldName: r.FieldName, UnitName: r.UnitName, Agencies: agencies,
			Excerpt: cut(r.Summary, excerptRunes)})
	}
	return out
}

// photo is a photo as a report's page shows it: in an image, or, when
// browsers do not show its format (Photo.Shown), as a link named with its
// format and size.
type photo struct {
	N                        int // its position, from 1
	Name, Type, Format, Size string
	Shown                    bool
}

// Page is one report's page.
func (p *Publication) Page(r Result) ([]byte, error) {
	var photos []photo
	for i, ph := range r.Photos {
		photos = append(photos, photo{N: i + 1, Name: ph.Name, Type: ph.typ, Format: linkedFormat[ph.typ],
			Size: templates.Size(templates.Vietnamese, ph.size), Shown: ph.Shown()})
	}
	rating := ""
	if r.Rating != "" {
		rating = r.Rating.Label()
	}
	return render("report", struct {
		Site, Code, ReceivedAt, FieldName, UnitName, Summary, AgencyName, CoAgencies, Text, CompletedAt, PublishedAt, Rating string
		Photos                                                                                                               []photo
	}{p.Center, r.Code, at(r.ReceivedAt), r.FieldName, r.UnitName, r.Summary, r.AgencyName, r.CoAgencyNames(), r.Text, at(r.CompletedAt),
		at(r.PublishedAt), rating, photos})
}

// NotFound is the page that answers a search for a code without a public
// result; query is what was searched for. It says the same whether the
// report does not exist, is not approved yet, or is confidential.
func (p *Publication) NotFound(query string) ([]byte, error) {
	return render("notfound", struct{ Site, Query string }{p.Center, query})
}

func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("publish: page %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// at writes a time as the pages show it: "08:15 ngày 23/11/2026".
func at(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Vietnam).Format("15:04 ngày 02/01/2006")
}

// cut shortens s to at most n characters, at a word, with " …".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:n]
	if i := strings.LastIndexByte(string(runes), ' '); i > 0 {
		return string(runes)[:i] + " …"
	}
	return string(runes) + " …"
}
