package stats

import (
	"context"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// TestPageNamesTheCenter: the page is the Center's, named as the routing
// table in use names it (or as the deployment does, Stats.Center): under
// the 2025 table not the Center of Hậu Giang province, which no longer
// exists.
func TestPageNamesTheCenter(t *testing.T) {
	db := seed(t)
	for _, name := range []string{"appendix1", "2025"} {
		table, _ := routing.Builtin(name)
		var s *Stats
		err := db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			s, err = Compute(tx, table, time.Date(2026, 3, 15, 1, 0, 0, 0, time.UTC))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		html, err := s.HTML()
		if err != nil {
			t.Fatal(err)
		}
		center := table.Bodies().Center
		if !strings.Contains(string(html), "<title>Thống kê phản ánh hiện trường – "+center+"</title>") ||
			!strings.Contains(string(html), "<p>"+center+"</p>") {
			t.Errorf("%s: the page does not name %q:\n%.1200s", name, center, html)
		}
		if name == "2025" && strings.Contains(string(html), "thông minh tỉnh Hậu Giang") {
			t.Errorf("2025: the page names the Center of Hậu Giang province")
		}
		if js, _ := s.JSON(); strings.Contains(string(js), center) {
			t.Errorf("%s: the JSON changed: %s", name, js)
		}
	}
}
