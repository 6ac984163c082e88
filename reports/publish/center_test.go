package publish

import (
	"context"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// TestPagesNameTheCenter: every page is the Center's, named as the routing
// table in use names it (or as the deployment does, Publication.Center):
// under the 2025 table not the Center of Hậu Giang province, which no
// longer exists.
func TestPagesNameTheCenter(t *testing.T) {
	db := seed(t)
	for _, name := range []string{"appendix1", "2025"} {
		table, _ := routing.Builtin(name)
		var p *Publication
		err := db.Read(context.Background(), func(tx *store.Tx) error {
			var err error
			p, err = Build(tx, table, "", nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		center := table.Bodies().Center
		if p.Center != center {
			t.Errorf("%s: Center %q, want %q", name, p.Center, center)
		}
		index, _ := p.Index()
		page, _ := p.Page(p.Results[0])
		month, _, _ := p.Month(p.Months()[0])
		missing, _ := p.NotFound("PA-2026-999999")
		for what, html := range map[string][]byte{"index": index, "result": page, "month": month, "not found": missing} {
			if !strings.Contains(string(html), " – "+center+"</title>") {
				t.Errorf("%s: the %s page is not titled with %q:\n%.600s", name, what, center, html)
			}
			if name == "2025" && strings.Contains(string(html), "thông minh tỉnh Hậu Giang") {
				t.Errorf("2025: the %s page names the Center of Hậu Giang province", what)
			}
		}
	}
}
