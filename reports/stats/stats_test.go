package stats

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/store/storetest"
)

// citizens hold the personal data the statistics must never show.
var citizens = []store.Citizen{
	{Email: "nguyen.van.an@gmail.com", Name: "Nguyễn Văn An", Phone: "0912 345 678", Address: "số 15 đường Trần Hưng Đạo"},
	{Email: "tran.thi.binh@yahoo.com", Name: "Trần Thị Bình", Phone: "+84 987 654 321", Address: "ấp Mái Dầm"},
}

type seeded struct {
	state, field, unit string
	confidential       bool
}

var history = []seeded{
	{"received", "giao-thong", "vi-thanh", false},
	{"forwarded", "giao-thong", "vi-thanh", false},
	{"closed", "giao-thong", "nga-bay", false},
	{"published", "dien", "", false},
	{"rejected", "dien", "vi-thanh", false},
	{"escalated", "cap-nuoc", "phung-hiep", false},
	{"forwarded", "moi-truong", "vi-thanh", true}, // confidential: left out
	{"closed", "an-ninh-trat-tu", "chau-thanh", true},
	{"resolved", "nganh-cu", "don-vi-cu", false}, // codes the table no longer has
}

func seed(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	err := db.Write(context.Background(), func(tx *store.Tx) error {
		for i, h := range history {
			c := citizens[i%len(citizens)]
			_, err := tx.CreateReport(store.Report{State: h.state, ReceivedAt: time.Date(2026, 3, 2, 8, i, 0, 0, time.UTC),
				Citizen: c, Subject: "Đèn đường hỏng trước nhà " + c.Name, Content: "Gọi " + c.Phone, Location: c.Address,
				Routing: store.Routing{Field: h.field, Unit: h.unit, Agency: "so-gtvt"}, Confidential: h.confidential})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func compute(t *testing.T, db *store.DB) *Stats {
	t.Helper()
	return computeWith(t, db, routing.Default())
}

// computeWith computes the statistics with a table.
func computeWith(t *testing.T, db *store.DB, table *routing.Table) *Stats {
	t.Helper()
	var s *Stats
	err := db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		s, err = Compute(tx, table, time.Date(2026, 3, 15, 1, 0, 0, 0, time.UTC))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNoPersonalDataNoConfidential checks the JSON and the page: counts of
// the reports that are not confidential, and nothing of any report's
// citizen, text or code.
func TestNoPersonalDataNoConfidential(t *testing.T) {
	db := seed(t)
	s := compute(t, db)
	js, err := s.JSON()
	if err != nil {
		t.Fatal(err)
	}
	html, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{string(js), string(html)} {
		for _, c := range citizens {
			for _, v := range []string{c.Email, c.Name, c.Phone, c.Address, "Đèn đường", "PA-2026"} {
				if strings.Contains(out, v) {
					t.Errorf("the statistics show %q", v)
				}
			}
		}
		for _, leak := range []string{"moi-truong", "an-ninh-trat-tu", "Môi trường", "chau-thanh", "Châu Thành"} {
			if strings.Contains(out, leak) {
				t.Errorf("the statistics show %q, known only from confidential reports", leak)
			}
		}
	}
	var back map[string]any
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back["total"].(float64) != 7 || back["generated_at"] != "2026-03-15T08:00:00+07:00" {
		t.Errorf("total %v at %v, want 7 reports at 2026-03-15T08:00:00+07:00", back["total"], back["generated_at"])
	}
	want := map[string]int{"received": 1, "forwarded": 1, "resolved": 1, "published": 1, "closed": 1, "rejected": 1, "returned": 0, "escalated": 1}
	if len(s.ByState) != len(want) {
		t.Errorf("%d states, want every one of %d", len(s.ByState), len(want))
	}
	for _, st := range s.ByState {
		if st.Count != want[st.State] || st.Name == "" {
			t.Errorf("state %s (%s): %d, want %d", st.State, st.Name, st.Count, want[st.State])
		}
	}
	var fields, units []string
	for _, g := range s.ByField {
		fields = append(fields, g.Code+":"+g.Name+":"+strings.Repeat("*", g.Total))
		if len(g.ByState) != len(want) {
			t.Errorf("field %s lists %d states, want all", g.Code, len(g.ByState))
		}
	}
	for _, g := range s.ByUnit {
		units = append(units, g.Code+":"+g.Name+":"+strings.Repeat("*", g.Total))
	}
	if got, w := strings.Join(fields, " "), "giao-thong:Giao thông, hạ tầng đường bộ:*** dien:Điện:** cap-nuoc:Cấp nước:* nganh-cu:nganh-cu:*"; got != w {
		t.Errorf("by field %s\nwant %s", got, w)
	}
	if got, w := strings.Join(units, " "), "vi-thanh:Thành phố Vị Thanh:*** nga-bay:Thành phố Ngã Bảy:* phung-hiep:Huyện Phụng Hiệp:* :Chưa xác định:* don-vi-cu:don-vi-cu:*"; got != w {
		t.Errorf("by unit %s\nwant %s", got, w)
	}
}

func TestHandler(t *testing.T) {
	db := seed(t)
	h := &Handler{DB: db, Routing: routing.Default, MaxAge: time.Hour}
	mux := http.NewServeMux()
	mux.Handle("GET /stats", h)
	mux.Handle("GET /stats.json", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (string, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s", path, resp.Status)
		}
		return resp.Header.Get("Content-Type"), b.String()
	}
	typ, body := get("/stats.json")
	var s Stats
	if err := json.Unmarshal([]byte(body), &s); err != nil || !strings.HasPrefix(typ, "application/json") || s.Total != 7 {
		t.Errorf("/stats.json: %s, %v, total %d", typ, err, s.Total)
	}
	typ, body = get("/stats")
	if !strings.HasPrefix(typ, "text/html") || !strings.Contains(body, "Thống kê phản ánh hiện trường") || !strings.Contains(body, ">7</span>") {
		t.Errorf("/stats: %s\n%s", typ, body)
	}
	// Within MaxAge the figures are those computed first.
	db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.CreateReport(store.Report{State: "received", ReceivedAt: time.Now(), Routing: store.Routing{Field: "dien"}})
		return err
	})
	if _, body = get("/stats.json"); !strings.Contains(body, `"total": 7`) {
		t.Errorf("figures recomputed within MaxAge: %s", body)
	}
}

func TestWriteFiles(t *testing.T) {
	s := compute(t, seed(t))
	dir := filepath.Join(t.TempDir(), "public")
	paths, err := s.WriteFiles(dir)
	if err != nil || len(paths) != 2 {
		t.Fatalf("%q %v", paths, err)
	}
	for _, name := range []string{FileJSON, FileHTML} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || len(b) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
