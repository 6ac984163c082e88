package publish

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// Handler serves the publication on the daemon's HTTP listener, under
// /ket-qua/ and /open311/v2/ (see the package documentation), and answers
// the search by code at /ket-qua/tim?ma=CODE. It builds the publication
// again only when the store says that the results may have changed
// (store.Tx.PublicVersion), and then reads only the reports that changed,
// so that an approval is public at the next request and a crowd of
// visitors costs one small query each.
type Handler struct {
	DB *store.DB
	// Routing gives the routing table in use, which names fields, units
	// and agencies.
	Routing func() *routing.Table
	// BaseURL starts the links of the JSON and Open311 answers
	// ([http] public_url); "" for links from the site's root.
	BaseURL string
	// Now is the clock of Open311's default 90 days; nil for time.Now.
	Now func() time.Time
	// Log gets the errors, when set; never personal data.
	Log *slog.Logger
	// Center, when set, names the Center on the pages instead of the
	// routing table (the deployment's [center] name).
	Center func() string

	mu      sync.Mutex
	cached  *Publication
	version string
	table   *routing.Table
}

// Routes adds the handler's routes to mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /"+dirResults+"/", h)
	mux.Handle("GET /"+dirOpen311+"/", h)
	mux.Handle("GET /"+dirResults, http.RedirectHandler("/"+dirResults+"/", http.StatusMovedPermanently))
}

// Open311Limit is the most requests one GET Service Requests returns, and
// Open311Days the span of days it covers by default and at most, as the
// GeoReport v2 specification sets them.
const (
	Open311Limit = 1000
	Open311Days  = 90
)

// ServeHTTP serves one page, JSON file, photo or Open311 answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, err := h.publication(r)
	if err != nil {
		h.fail(w, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	if rest, ok := strings.CutPrefix(r.URL.Path, "/"+dirOpen311+"/"); ok {
		h.open311(w, r, p, rest)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/"+dirResults+"/")
	switch name, ext := splitExt(rest); {
	case rest == "" || rest == "index.html":
		h.page(w, http.StatusOK)(p.Index())
	case rest == "tim":
		h.search(w, r, p)
	case rest == "ket-qua.json":
		h.json(w)(p.JSON())
	case strings.HasPrefix(name, "thang-") && ext == ".html":
		b, ok, err := p.Month(strings.TrimPrefix(name, "thang-"))
		h.pageOr404(w, p, b, ok, err)
	case strings.Contains(rest, "/"):
		h.photo(w, p, rest)
	default:
		res, ok := p.Result(name)
		switch {
		case ok && ext == ".html":
			h.page(w, http.StatusOK)(p.Page(res))
		case ok && ext == ".json":
			h.json(w)(p.ResultJSON(res))
		default:
			h.pageOr404(w, p, nil, false, nil)
		}
	}
}

// codePattern is what a search is read as: a report code, any case, the
// dashes optional ("pa 2026 42" is PA-2026-000042).
var codePattern = regexp.MustCompile(`(?i)^\s*PA[\s\-]*(\d{4})[\s\-]*(\d{1,6})\s*$`)

// search sends a code with a public result to its page; anything else gets
// the not-found page, the same whether the report exists or not.
func (h *Handler) search(w http.ResponseWriter, r *http.Request, p *Publication) {
	query := strings.TrimSpace(r.URL.Query().Get("ma"))
	if m := codePattern.FindStringSubmatch(query); m != nil {
		n, _ := strconv.Atoi(m[2])
		code := fmt.Sprintf("PA-%s-%06d", m[1], n)
		if _, ok := p.Result(code); ok {
			http.Redirect(w, r, url.PathEscape(code)+".html", http.StatusSeeOther)
			return
		}
	}
	h.page(w, http.StatusNotFound)(p.NotFound(query))
}

func (h *Handler) photo(w http.ResponseWriter, p *Publication, rest string) {
	code, name, _ := strings.Cut(rest, "/")
	res, ok := p.Result(code)
	var ph Photo
	if ok {
		ph, ok = res.Photo(name)
	}
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", ph.typ)
	if err := CopyPhoto(w, h.DB.Blobs(), ph); err != nil && h.Log != nil {
		h.Log.Error("public result photo", "code", code, "photo", name, "err", err)
	}
}

func (h *Handler) open311(w http.ResponseWriter, r *http.Request, p *Publication, rest string) {
	name, ext := splitExt(rest)
	format := strings.TrimPrefix(ext, ".")
	if format != "json" && format != "xml" {
		format = "json"
		name = ""
	}
	var v any
	status := http.StatusOK
	switch {
	case name == "services":
		v = p.Services()
	case name == "requests":
		q, problem := h.query(r.URL.Query())
		if problem != "" {
			v, status = []Open311Error{{Code: http.StatusBadRequest, Description: problem}}, http.StatusBadRequest
		} else {
			v = p.Requests(q, Open311Limit)
		}
	case strings.HasPrefix(name, "requests/"):
		if res, ok := p.Result(strings.TrimPrefix(name, "requests/")); ok {
			v = []Request{p.Request(res)}
		} else {
			v, status = []Open311Error{{Code: http.StatusNotFound, Description: "service_request_id not found"}}, http.StatusNotFound
		}
	default:
		v, status = []Open311Error{{Code: http.StatusNotFound, Description: "no such GeoReport v2 method"}}, http.StatusNotFound
	}
	b, err := Encode311(format, v)
	if err != nil {
		h.fail(w, err)
		return
	}
	if format == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	w.Write(b)
}

// query reads the optional arguments of GET Service Requests; problem says
// what is wrong with them.
func (h *Handler) query(v url.Values) (q Query, problem string) {
	list := func(key string) []string {
		var out []string
		for _, s := range strings.Split(v.Get(key), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	q.IDs, q.Services, q.Statuses = list("service_request_id"), list("service_code"), list("status")
	for key, l := range map[string][]string{"service_request_id": q.IDs, "service_code": q.Services} {
		if len(l) > Open311Limit {
			return q, fmt.Sprintf("%s: at most %d values", key, Open311Limit)
		}
	}
	for _, s := range q.Statuses {
		if s != "open" && s != "closed" {
			return q, "status: must be open or closed"
		}
	}
	var err error
	for key, t := range map[string]*time.Time{"start_date": &q.Start, "end_date": &q.End} {
		if s := v.Get(key); s != "" {
			if *t, err = time.Parse(time.RFC3339, s); err != nil {
				return q, key + ": must be a w3 date and time, 2010-01-01T00:00:00Z"
			}
		}
	}
	span := Open311Days * 24 * time.Hour
	switch {
	case q.Start.IsZero() && q.End.IsZero():
		q.End = h.now()
		q.Start = q.End.Add(-span)
	case q.Start.IsZero():
		q.Start = q.End.Add(-span)
	case q.End.IsZero():
		q.End = q.Start.Add(span)
	case q.End.Sub(q.Start) > span:
		return q, fmt.Sprintf("start_date to end_date may not span more than %d days", Open311Days)
	}
	return q, ""
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// publication returns the cached publication, built again when the store's
// version of the results or the routing table changed.
func (h *Handler) publication(r *http.Request) (*Publication, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	table := h.Routing()
	var p *Publication
	err := h.DB.Read(r.Context(), func(tx *store.Tx) error {
		version, err := tx.PublicVersion()
		if err != nil || (version == h.version && table == h.table && h.cached != nil) {
			p = h.cached
			return err
		}
		if p, err = Build(tx, table, h.BaseURL, h.cached); err == nil {
			if h.Center != nil {
				p.Center = h.Center()
			}
			h.cached, h.version, h.table = p, version, table
		}
		return err
	})
	return p, err
}

// page writes an HTML page with status, or the failure to make it.
func (h *Handler) page(w http.ResponseWriter, status int) func([]byte, error) {
	return func(b []byte, err error) {
		if err != nil {
			h.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b)
	}
}

func (h *Handler) json(w http.ResponseWriter) func([]byte, error) {
	return func(b []byte, err error) {
		if err != nil {
			h.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(b)
	}
}

// pageOr404 writes b, or the not-found page when !ok.
func (h *Handler) pageOr404(w http.ResponseWriter, p *Publication, b []byte, ok bool, err error) {
	if ok || err != nil {
		h.page(w, http.StatusOK)(b, err)
		return
	}
	h.page(w, http.StatusNotFound)(p.NotFound(""))
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	if h.Log != nil {
		h.Log.Error("public results", "err", err)
	}
	http.Error(w, "kết quả tạm thời không xem được", http.StatusServiceUnavailable)
}

// splitExt splits "PA-2026-000001.html" into its name and extension.
func splitExt(name string) (string, string) {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext), ext
}
