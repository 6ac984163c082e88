package publish

import (
	"encoding/json"
	"fmt"
)

// resultJSON is a result in the publication's own JSON. Every key is always
// present; absent text and times are "" (SPEC 12.1).
type resultJSON struct {
	Code        string       `json:"code"`
	URL         string       `json:"url"`
	ReceivedAt  string       `json:"received_at"`
	Field       string       `json:"field"`
	FieldName   string       `json:"field_name"`
	Unit        string       `json:"unit"`
	UnitName    string       `json:"unit_name"`
	Summary     string       `json:"summary"`
	Agency      string       `json:"agency"`
	AgencyName  string       `json:"agency_name"`
	CoAgencies  []agencyJSON `json:"co_agencies"`
	Result      string       `json:"result"`
	CompletedAt string       `json:"completed_at"`
	PublishedAt string       `json:"published_at"`
	UpdatedAt   string       `json:"updated_at"`
	Rating      string       `json:"rating"`
	RatingName  string       `json:"rating_name"`
	Photos      []photoJSON  `json:"photos"`
}

// photoJSON is a photo in the publication's JSON: its address and its
// MIME type, by which a reader knows, as the pages do (Photo.Shown),
// whether a browser shows it.
type photoJSON struct {
	URL  string `json:"url"`
	Type string `json:"type"`
}

// agencyJSON is a co-agency in the publication's JSON.
type agencyJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// The paths of the layout, from the site's root.
const (
	dirResults = "ket-qua"
	dirOpen311 = "open311/v2"
)

func (p *Publication) url(path string) string { return p.BaseURL + "/" + path }

func (p *Publication) resultJSON(r Result) resultJSON {
	out := resultJSON{Code: r.Code, URL: p.url(dirResults + "/" + r.Code + ".html"), ReceivedAt: rfc3339(r.ReceivedAt),
		Field: r.Field, FieldName: r.FieldName, Unit: r.Unit, UnitName: r.UnitName, Summary: r.Summary,
		Agency: r.Agency, AgencyName: r.AgencyName, Result: r.Text, CompletedAt: rfc3339(r.CompletedAt),
		PublishedAt: rfc3339(r.PublishedAt), UpdatedAt: rfc3339(r.UpdatedAt), Rating: string(r.Rating), Photos: []photoJSON{},
		CoAgencies: []agencyJSON{}}
	for _, a := range r.CoAgencies {
		out.CoAgencies = append(out.CoAgencies, agencyJSON{Code: a.Code, Name: a.Name})
	}
	if r.Rating != "" {
		out.RatingName = r.Rating.Label()
	}
	for _, ph := range r.Photos {
		out.Photos = append(out.Photos, photoJSON{URL: p.photoURL(r, ph), Type: ph.typ})
	}
	return out
}

func (p *Publication) photoURL(r Result, ph Photo) string {
	return p.url(dirResults + "/" + r.Code + "/" + ph.Name)
}

// JSON is every public result: {"updated_at": …, "results": […]}.
func (p *Publication) JSON() ([]byte, error) {
	all := struct {
		UpdatedAt string       `json:"updated_at"`
		Results   []resultJSON `json:"results"`
	}{rfc3339(p.UpdatedAt), []resultJSON{}}
	for _, r := range p.Results {
		all.Results = append(all.Results, p.resultJSON(r))
	}
	return marshal(all)
}

// ResultJSON is one public result.
func (p *Publication) ResultJSON(r Result) ([]byte, error) {
	return marshal(p.resultJSON(r))
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return append(b, '\n'), nil
}
