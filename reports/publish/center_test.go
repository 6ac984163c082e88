package publish

import (
	"testing"

	"haugiang.gov.vn/phananh/reports/pagetest"
	"haugiang.gov.vn/phananh/rules/routing"
)

// TestPagesNameTheCenter: every page is the Center's, named as the routing
// table in use names it (or as the deployment does, Publication.Center):
// under the 2025 table not the Center of Hậu Giang province, which no
// longer exists.
func TestPagesNameTheCenter(t *testing.T) {
	db := seed(t)
	pagetest.CenterNamed(t, func(t *testing.T, table *routing.Table) map[string][]byte {
		p := buildWith(t, db, table, "")
		if center := table.Bodies().Center; p.Center != center {
			t.Errorf("%s: Center %q, want %q", table.Edition(), p.Center, center)
		}
		index, _ := p.Index()
		page, _ := p.Page(p.Results[0])
		month, _, _ := p.Month(p.Months()[0])
		missing, _ := p.NotFound("PA-2026-999999")
		return map[string][]byte{"index": index, "result": page, "month": month, "not found": missing}
	}, func(center string) []string { return []string{" – " + center + "</title>"} })
}
