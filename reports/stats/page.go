package stats

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/folder"
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"number": number,
	"sum": func(m map[string]int, keys ...string) string {
		n := 0
		for _, k := range keys {
			n += m[k]
		}
		return number(n)
	},
}).Parse(pageHTML))

// HTML renders the statistics as a page in Vietnamese, with the process of
// reception and handling that Art 11.2 asks to publish beside them.
func (s *Stats) HTML() ([]byte, error) {
	at := s.GeneratedAt
	if t, err := time.Parse(time.RFC3339, s.GeneratedAt); err == nil {
		at = t.Format("15:04 ngày 02/01/2006")
	}
	var b bytes.Buffer
	if err := page.Execute(&b, struct {
		*Stats
		At string
	}{s, at}); err != nil {
		return nil, fmt.Errorf("stats: page: %w", err)
	}
	return b.Bytes(), nil
}

// number writes a count with dots between thousands, as Vietnamese does.
func number(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// The names of the files WriteFiles writes (SPEC 12.1).
const (
	FileJSON = "stats.json"
	FileHTML = "index.html"
)

// WriteFiles writes stats.json and index.html into dir, making it if
// needed in a folder that must exist (folder.Make: a mistyped path is
// refused, not made), and returns their paths.
func (s *Stats) WriteFiles(dir string) ([]string, error) {
	js, err := s.JSON()
	if err != nil {
		return nil, err
	}
	html, err := s.HTML()
	if err != nil {
		return nil, err
	}
	if err := folder.Make(dir, 0o755); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	var paths []string
	for _, f := range []struct {
		name string
		data []byte
	}{{FileJSON, js}, {FileHTML, html}} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return paths, fmt.Errorf("stats: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// DefaultMaxAge is how long Handler serves the same figures.
const DefaultMaxAge = time.Minute

// Handler serves the statistics on the daemon's HTTP listener: the page at
// any path but one ending in ".json", which gets the JSON. It computes them
// at most once per MaxAge, so that a crowd of visitors costs one query.
type Handler struct {
	DB *store.DB
	// Routing gives the routing table in use, which names fields and units.
	Routing func() *routing.Table
	// Center, when set, names the Center on the page instead of the
	// routing table (the deployment's [center] name).
	Center func() string
	// MaxAge is how long figures are served again; 0 means DefaultMaxAge.
	MaxAge time.Duration
	// Log gets the errors, when set; never personal data.
	Log *slog.Logger

	mu     sync.Mutex
	cached *Stats
	at     time.Time
}

// ServeHTTP serves the page or the JSON.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s, err := h.stats(r)
	var body []byte
	if err == nil {
		if strings.HasSuffix(r.URL.Path, ".json") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			body, err = s.JSON()
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			body, err = s.HTML()
		}
	}
	if err != nil {
		if h.Log != nil {
			h.Log.Error("public statistics", "err", err)
		}
		http.Error(w, "thống kê tạm thời không có", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(h.maxAge().Seconds())))
	w.Write(body)
}

func (h *Handler) maxAge() time.Duration {
	if h.MaxAge > 0 {
		return h.MaxAge
	}
	return DefaultMaxAge
}

// stats returns the cached figures, or computes them when they are older
// than MaxAge.
func (h *Handler) stats(r *http.Request) (*Stats, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if h.cached != nil && now.Sub(h.at) < h.maxAge() {
		return h.cached, nil
	}
	var s *Stats
	err := h.DB.Read(r.Context(), func(tx *store.Tx) error {
		var err error
		s, err = Compute(tx, h.Routing(), now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if h.Center != nil {
		s.Center = h.Center()
	}
	h.cached, h.at = s, now
	return s, nil
}
