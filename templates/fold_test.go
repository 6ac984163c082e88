package templates

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"text/template/parse"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestFoldedAsExecuted: with the constants' actions replaced by their
// text, every kind renders in every language what the templates executed
// as written render — for the routing table's bodies, and for bodies
// whose names hold what HTML escapes, which the HTML still escapes.
func TestFoldedAsExecuted(t *testing.T) {
	odd := routing.Default().Bodies()
	odd.Center, odd.CenterShort, odd.CenterEnglish = `Trung tâm "A" & <B>`, "Trung tâm A+B", "The A & B Centre"
	for _, bodies := range []routing.Bodies{routing.Default().Bodies(), odd} {
		plain, set := loadWithAndWithout(t, &folded, func() (*Set, error) { return LoadFor("", bodies) })
		renderSame(t, fmt.Sprintf("folded, center %q", bodies.Center), plain, set, withEveryKind())
		r, err := set.Render("ack", Vietnamese, must(json.Marshal(sampleAck())))
		if err != nil {
			t.Fatal(err)
		}
		if bodies.Center == odd.Center && !strings.Contains(r.HTML, "Trung tâm &#34;A&#34; &amp; &lt;B&gt;") {
			t.Errorf("the Center's name not escaped in HTML:\n%s", r.HTML)
		}
	}
	set, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []*parse.ListNode{set.text["ack.vi"].Lookup("ack.vi.txt").Tree.Root,
		set.html["ack.vi"].Lookup("body").Tree.Root, set.html["ack.vi"].Lookup("layout.html").Tree.Root} {
		walkLists(root, func(list *parse.ListNode) {
			for _, n := range list.Nodes {
				if a, ok := n.(*parse.ActionNode); ok && (strings.HasPrefix(a.String(), "{{center") || strings.HasPrefix(a.String(), "{{lang")) {
					t.Errorf("not replaced: %s", a)
				}
			}
		})
	}
}
