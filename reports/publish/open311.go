package publish

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The read-only Open311 GeoReport v2 interface (SPEC 9.6), in its JSON
// format and in XML, the format the specification requires: GET Service List (services.json), GET Service Requests
// (requests.json) and GET Service Request (requests/CODE.json), with the
// fields and meanings of the GeoReport v2 specification
// (https://wiki.open311.org/GeoReport_v2). Services are the routing
// table's fields; service requests are the public results, each "closed"
// (the specification's "it has been resolved") with the result as its
// status_notes and the agencies that handled it as agency_responsible (the
// lead, then its co-agencies). A request's address is its administrative unit, and lat,
// long, address_id and zipcode are never given: no location finer than the
// unit is published. POST and tokens are not offered: reports come by mail.

// Service is one entry of GET Service List.
type Service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// Request is one entry of GET Service Requests and GET Service Request.
// Fields that have no value are left out, as the specification allows for
// those it marks "may not be returned".
type Request struct {
	XMLName           xml.Name `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	Address           string   `json:"address,omitempty" xml:"address,omitempty"`
	MediaURL          string   `json:"media_url,omitempty" xml:"media_url,omitempty"`
}

// Open311Error is an entry of the specification's error response.
type Open311Error struct {
	XMLName     xml.Name `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// Services is GET Service List: the fields reports are routed by.
func (p *Publication) Services() []Service {
	out := []Service{}
	for _, f := range p.Fields {
		out = append(out, Service{ServiceCode: f.Code, ServiceName: f.Name,
			Description: "Phản ánh hiện trường về lĩnh vực " + f.Name, Type: "realtime", Keywords: strings.Join(f.Keywords, ", ")})
	}
	return out
}

// Request is a result as a GeoReport v2 service request.
func (p *Publication) Request(r Result) Request {
	q := Request{ServiceRequestID: r.Code, Status: "closed", StatusNotes: r.Text, ServiceName: r.FieldName, ServiceCode: r.Field,
		Description: r.Summary, AgencyResponsible: responsible(r), RequestedDatetime: rfc3339(r.ReceivedAt),
		UpdatedDatetime: rfc3339(r.UpdatedAt), Address: r.UnitName}
	for _, ph := range r.Photos {
		if ph.Shown() {
			q.MediaURL = p.photoURL(r, ph)
			break
		}
	}
	return q
}

// responsible names the agencies of a result as one line:
// "Công ty Điện lực Hậu Giang (chủ trì); phối hợp: Ủy ban nhân dân huyện Vị
// Thủy", the lead alone when it had no co-agency.
func responsible(r Result) string {
	if len(r.CoAgencies) == 0 {
		return r.AgencyName
	}
	return r.AgencyName + " (chủ trì); phối hợp: " + r.CoAgencyNames()
}

// Query is the optional arguments of GET Service Requests.
type Query struct {
	IDs      []string // service_request_id: these alone, whatever the rest says
	Services []string // service_code
	Start    time.Time
	End      time.Time
	Statuses []string // status: open, closed
}

// Requests is GET Service Requests: the results that match q, the latest
// approved first, at most limit of them.
func (p *Publication) Requests(q Query, limit int) []Request {
	out := []Request{}
	for _, r := range p.Results {
		if len(out) == limit {
			break
		}
		if q.matches(r) {
			out = append(out, p.Request(r))
		}
	}
	return out
}

func (q Query) matches(r Result) bool {
	if len(q.IDs) > 0 {
		return slices.Contains(q.IDs, r.Code)
	}
	return (len(q.Services) == 0 || slices.Contains(q.Services, r.Field)) &&
		(q.Start.IsZero() || !r.ReceivedAt.Before(q.Start)) &&
		(q.End.IsZero() || !r.ReceivedAt.After(q.End)) &&
		(len(q.Statuses) == 0 || slices.Contains(q.Statuses, "closed"))
}

// Encode311 writes a GeoReport v2 answer — []Service, []Request or
// []Open311Error — as JSON, or as XML ("xml") under the specification's
// root element (services, service_requests, errors).
func Encode311(format string, v any) ([]byte, error) {
	if format != "xml" {
		return marshal(v)
	}
	var root string
	switch v.(type) {
	case []Service:
		root = "services"
	case []Request:
		root = "service_requests"
	case []Open311Error:
		root = "errors"
	default:
		return nil, fmt.Errorf("publish: no Open311 answer of type %T", v)
	}
	b, err := xml.MarshalIndent(struct {
		XMLName xml.Name
		Items   any
	}{xml.Name{Local: root}, v}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}
