package stats

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/reports/pagetest"
	"haugiang.gov.vn/phananh/rules/routing"
)

// TestPageNamesTheCenter: the page is the Center's, named as the routing
// table in use names it (or as the deployment does, Stats.Center): under
// the 2025 table not the Center of Hậu Giang province, which no longer
// exists. The JSON names no Center.
func TestPageNamesTheCenter(t *testing.T) {
	db := seed(t)
	pagetest.CenterNamed(t, func(t *testing.T, table *routing.Table) map[string][]byte {
		s := computeWith(t, db, table)
		html, err := s.HTML()
		if err != nil {
			t.Fatal(err)
		}
		if js, _ := s.JSON(); strings.Contains(string(js), table.Bodies().Center) {
			t.Errorf("%s: the JSON changed: %s", table.Edition(), js)
		}
		return map[string][]byte{"statistics": html}
	}, func(center string) []string {
		return []string{"<title>Thống kê phản ánh hiện trường – " + center + "</title>", "<p>" + center + "</p>"}
	})
}
