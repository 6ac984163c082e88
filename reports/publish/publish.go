// Package publish makes the public results of SPEC 9.6 (Art 4.2, 9.1, 9.3):
// once the Center approves a result, what the agency did about a report is
// public — unless the citizen asked for confidentiality or the result holds
// state secrets. For each published report the public reads its code, when
// it was received, its field, its administrative unit (never a street
// address), the summary of SPEC 8.3, the agency and its co-agencies, the result text, when it
// was completed, the result's photos without their metadata, and the
// citizen's rating when given.
//
// Nothing personal is published: the summary is form.Summary (no greeting,
// signature, contact line, phone number or email address), and the summary
// and the result text lose all that a confidential report's notices hide
// from the agency (mask.Identity), the place the citizen gave and every
// street (withoutPerson). Documents, photos whose metadata we do not remove
// (TIFF, BMP: strip.Cleans), and videos stay at the Center: the pages serve a
// photo as it is stripped, and a video that the stripper refuses is
// refused only after its media data, which may hold what a refused track
// carries (strip.MP4).
//
// The same publication is served by the daemon's HTTP listener (Handler)
// and written as static files for the provincial portal (WriteFiles), in
// one layout:
//
//	ket-qua/index.html               the latest results by date, a search by code
//	ket-qua/thang-YYYY-MM.html       the results approved in one month
//	ket-qua/PA-YYYY-NNNNNN.html      one report's page
//	ket-qua/PA-YYYY-NNNNNN/anh-N.jpg its result's photos (.png, .webp, .gif, .heic, .avif)
//	ket-qua/ket-qua.json             every result, as JSON
//	ket-qua/PA-YYYY-NNNNNN.json      one result, as JSON
//	open311/v2/services.json         Open311 GeoReport v2: the fields
//	open311/v2/requests.json         Open311 GeoReport v2: the results
//	open311/v2/requests/CODE.json    Open311 GeoReport v2: one result
//
// and the daemon answers the search at ket-qua/tim?ma=CODE.
package publish

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/intake/mask"
	"haugiang.gov.vn/phananh/mailer/strip"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// Publication is every public result at one moment, with the fields that
// the Open311 interface lists as services.
type Publication struct {
	// UpdatedAt is the latest approval or rating of the results, zero
	// when there is none: the pages say "as of" it, so that the same
	// results always make the same bytes.
	UpdatedAt time.Time
	// Results are the public results, the latest approved first.
	Results []Result
	// Fields are the routing table's fields.
	Fields []Field
	// BaseURL is what links in the JSON start with: the address the public
	// reads the results at, without the final slash ("" for links from the
	// site's root).
	BaseURL string
	// Center names the Center that publishes the results, on every page:
	// the routing table's (routing.Bodies), which Build gives, or the one
	// the deployment names.
	Center string

	table *routing.Table
	read  map[int64]read
}

// Result is what the public reads of one report.
type Result struct {
	Code       string
	ReceivedAt time.Time
	Field      string
	FieldName  string
	Unit       string // "" when not known
	UnitName   string // the unit and the one above it, "Xã Vị Đông, huyện Vị Thủy"
	Summary    string // SPEC 8.3's summary, without personal data
	Agency     string
	AgencyName string
	// CoAgencies are the agencies that worked with the lead (Agency) on
	// the report (Art 7.1), in the order /assign named them.
	CoAgencies  []Agency
	Text        string // the approved result, without personal data
	CompletedAt time.Time
	PublishedAt time.Time
	// UpdatedAt is the last change the public can see: the rating, else
	// the approval.
	UpdatedAt time.Time
	Rating    lifecycle.Rating // "" when not rated
	Photos    []Photo
}

// Agency is an agency as the public reads it.
type Agency struct{ Code, Name string }

// CoAgencyNames names the co-agencies, "" when there is none:
// "Ủy ban nhân dân huyện Vị Thủy, Sở Công Thương".
func (r Result) CoAgencyNames() string {
	names := make([]string, len(r.CoAgencies))
	for i, a := range r.CoAgencies {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// Photo is one photo of a result (JPEG, PNG, WebP, GIF, HEIC, HEIF or
// AVIF), published without its metadata.
type Photo struct {
	Name    string // anh-1.jpg, anh-2.png …: never the name it was sent with
	typ     string // a key of photoExt
	size    int64  // as sent; a HEIF file stripped keeps its length
	blobKey string
}

// Type is the photo's MIME type.
func (ph Photo) Type() string { return ph.typ }

// Shown reports whether browsers show the photo in a page. Current Chrome,
// Firefox, Edge and Safari show JPEG, PNG, WebP, GIF and AVIF; HEIC and
// HEIF, an iPhone's photos, only Safari does, and the others show a broken
// image: the pages link to those, named with their format and size, and
// Open311's media_url, which clients put in an image, is never one.
func (ph Photo) Shown() bool { return linkedFormat[ph.typ] == "" }

// linkedFormat names the photo types the pages link to rather than show.
var linkedFormat = map[string]string{"image/heic": "HEIC", "image/heif": "HEIF"}

// Field is a field of the routing table, an Open311 service.
type Field struct {
	Code, Name string
	Keywords   []string
}

// Build reads the public results from the store and names their codes
// from the routing table. Given the previous publication, it reads again
// only the reports that changed since (store.PublicStamp), so that one
// approval costs one report's reading, not every report's.
func Build(tx *store.Tx, table *routing.Table, baseURL string, previous *Publication) (*Publication, error) {
	stamps, err := tx.PublicStamps()
	if err != nil {
		return nil, err
	}
	p := &Publication{Results: []Result{}, Fields: fields(table), BaseURL: strings.TrimRight(baseURL, "/"),
		Center: table.Bodies().Center, table: table, read: map[int64]read{}}
	for _, s := range stamps {
		r, ok := previous.reuse(s, table)
		if !ok {
			if r, err = readResult(tx, table, s.ID); err != nil {
				return nil, err
			}
		}
		p.read[s.ID] = read{stamp: s, result: r}
		if r == nil {
			continue // secret
		}
		if r.UpdatedAt.After(p.UpdatedAt) {
			p.UpdatedAt = r.UpdatedAt
		}
		p.Results = append(p.Results, *r)
	}
	return p, nil
}

// read is a report as a publication read it: nil when secret.
type read struct {
	stamp  store.PublicStamp
	result *Result
}

// reuse returns what p read of a report, when the report and the table are
// the same since.
func (p *Publication) reuse(s store.PublicStamp, table *routing.Table) (*Result, bool) {
	if p == nil || p.table != table {
		return nil, false
	}
	r, ok := p.read[s.ID]
	return r.result, ok && r.stamp == s
}

// readResult reads a public report: nil when it is secret.
func readResult(tx *store.Tx, table *routing.Table, id int64) (*Result, error) {
	secret, err := tx.Secret(id)
	if err != nil || secret {
		return nil, err
	}
	r, err := tx.ReportByID(id)
	if err != nil {
		return nil, err
	}
	res, err := result(tx, table, r)
	return &res, err
}

func result(tx *store.Tx, table *routing.Table, r store.Report) (Result, error) {
	res := Result{Code: r.Code, ReceivedAt: r.ReceivedAt, Field: r.Routing.Field, Unit: r.Routing.Unit, Agency: r.Routing.Agency,
		Summary: withoutPerson(form.Summary(r.Content), r), Text: withoutPerson(r.Result, r),
		CompletedAt: r.ResolvedAt, PublishedAt: r.PublishedAt, UpdatedAt: latest(r.PublishedAt, r.RatedAt),
		Rating: lifecycle.Rating(r.Rating), FieldName: r.Routing.Field, Photos: []Photo{}}
	if f, ok := table.RecordedField(r.Routing.Field); ok {
		res.FieldName = f.Name
	}
	res.AgencyName = agencyName(table, r.Routing.Agency)
	res.CoAgencies = []Agency{}
	for _, code := range r.CoAgencies {
		res.CoAgencies = append(res.CoAgencies, Agency{Code: code, Name: agencyName(table, code)})
	}
	res.UnitName = unitName(table, r.Routing.Unit)
	files, err := tx.Attachments(r.ID, "result")
	if err != nil {
		return res, err
	}
	for _, a := range files {
		if a.MessageID == r.ResultMessageID && r.ResultMessageID != 0 && photoExt[a.Type] != "" && strip.Cleans(a.Type) &&
			a.BlobKey != "" && a.Refused == "" {
			name := fmt.Sprintf("anh-%d%s", len(res.Photos)+1, photoExt[a.Type])
			res.Photos = append(res.Photos, Photo{Name: name, typ: a.Type, size: a.Size, blobKey: a.BlobKey})
		}
	}
	return res, nil
}

// photoExt is the extension of a published photo of each type: the
// photos strip cleans.
var photoExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif",
	"image/heic": ".heic", "image/heif": ".heif", "image/avif": ".avif"}

// agencyName names an agency of the table, or gives its code.
func agencyName(table *routing.Table, code string) string {
	if a, ok := table.RecordedAgency(code); ok {
		return a.Name
	}
	return code
}

// unitName names a unit and the unit above it, from the most specific, as
// an address is written; "" when the unit is not known.
func unitName(table *routing.Table, code string) string {
	u, ok := table.RecordedUnit(code)
	if !ok {
		return ""
	}
	name := capitalise(u.Name)
	if p, ok := table.RecordedUnit(u.Parent); ok && u.Parent != "" {
		name += ", " + p.Name
	}
	return name
}

func fields(table *routing.Table) []Field {
	var out []Field
	for _, f := range table.Fields() {
		field := Field{Code: f.Code, Name: f.Name}
		for _, rule := range table.Rules() {
			if rule.Field != f.Code {
				continue
			}
			for _, k := range rule.Keywords {
				if !slices.Contains(field.Keywords, k) {
					field.Keywords = append(field.Keywords, k)
				}
			}
		}
		out = append(out, field)
	}
	return out
}

// Result returns the public result with code.
func (p *Publication) Result(code string) (Result, bool) {
	for _, r := range p.Results {
		if r.Code == code {
			return r, true
		}
	}
	return Result{}, false
}

// masked stands for what was removed from a published text.
const masked = "[…]"

// placePattern is a street, which places a report finer than its unit:
// a street named after its word ("đường Trần Hưng Đạo", "hẻm 3/2"), with
// the house number before it ("số 15 đường …", "nhà số 15, đường …").
var placePattern = regexp.MustCompile(`(?:(?i:số nhà|nhà số|sn)\s*\d+[\p{L}\d/\-]*\s*,?\s*)?(?:(?i:số)\s*\d+[\p{L}\d/\-]*\s*,?\s*)?` +
	`(?i:đường|phố|hẻm|ngõ|ngách|kiệt)\s+` + streetName + `(?:\s+` + streetName + `)*`)

const streetName = `(?:\p{Lu}\p{L}*|\d+(?:/\d+)*)`

// withoutPerson masks in a text what identifies the citizen of a report,
// so that the summary and the result an agency wrote for the citizen can
// be published: all that a confidential report's notices hide from the
// agency (mask.Identity) — the citizen's name, phone number, email
// address, home and workplace, as the report recorded them and as the text
// gives them, every email address, phone number, run of nine digits or
// more and street address — and, besides, what the agency reads and the
// public may not: the place the citizen gave and every street
// (placePattern). Hamlets and units stay: they are no finer than the
// places the statistics name.
func withoutPerson(text string, r store.Report) string {
	if v := strings.TrimSpace(r.Location); utf8.RuneCountInString(v) >= 3 {
		text = fold.ReplaceAll(text, v, masked)
	}
	text = mask.Identity(text, mask.Citizen(r.Citizen), masked)
	return placePattern.ReplaceAllString(text, masked)
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// capitalise heads a unit's name, written for the middle of a sentence.
func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// rfc3339 writes a time in Vietnam's zone, "" for the zero time (SPEC 12.1).
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Vietnam).Format(time.RFC3339)
}
