package templates

import (
	"encoding/json"
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
		folded = false
		plain, err := LoadFor("", bodies)
		folded = true
		if err != nil {
			t.Fatal(err)
		}
		set, err := LoadFor("", bodies)
		if err != nil {
			t.Fatal(err)
		}
		for name, k := range kinds {
			for _, lang := range k.langs {
				data := must(json.Marshal(sampleIn(k, lang)))
				want, err := plain.Render(name, lang, data)
				if err != nil {
					t.Fatal(err)
				}
				got, err := set.Render(name, lang, data)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s.%s, center %q: folded output differs:\n%s\n---\n%s\n%s\n---\n%s", name, lang, bodies.Center,
						got.Text, want.Text, got.HTML, want.HTML)
				}
			}
		}
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
