// Package pagetest holds what the tests of the public pages (reports/stats
// and reports/publish) check alike.
package pagetest

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// CenterNamed checks that the pages are the Center's, named as the routing
// table in use names it: for each built-in table, every page that pages
// makes with it holds each of marks(the table's Center), and no page made
// with the 2025 table names the Center of Hậu Giang province, which no
// longer exists. pages maps each page's name to its HTML.
func CenterNamed(t *testing.T, pages func(t *testing.T, table *routing.Table) map[string][]byte, marks func(center string) []string) {
	t.Helper()
	for _, name := range routing.BuiltinNames() {
		table, _ := routing.Builtin(name)
		center := table.Bodies().Center
		for what, html := range pages(t, table) {
			for _, mark := range marks(center) {
				if !strings.Contains(string(html), mark) {
					t.Errorf("%s: the %s page lacks %q:\n%.1200s", name, what, mark, html)
				}
			}
			if name == "2025" && strings.Contains(string(html), "thông minh tỉnh Hậu Giang") {
				t.Errorf("2025: the %s page names the Center of Hậu Giang province", what)
			}
		}
	}
}
