package templates

import (
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// load is LoadFor with the bodies of the default routing table (Appendix I).
func load(dir string) (*Set, error) { return LoadFor(dir, routing.Default().Bodies()) }

// BenchmarkLoad loads the embedded templates, as the daemon does at start.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKindsOwnTheirTrees: the partials parsed once for a language are
// copied for each kind, trees and all, since loading rewrites a kind's
// trees for its own data and escapes its HTML in place.
func TestKindsOwnTheirTrees(t *testing.T) {
	set, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	ack, triage := set.text["ack.vi"], set.text["triage.vi"]
	for _, name := range []string{"value", "thread"} {
		if a, b := ack.Lookup(name), triage.Lookup(name); a == nil || b == nil || a.Tree == b.Tree {
			t.Errorf("the plain text's partial %q: one tree for two kinds (or none)", name)
		}
	}
	if a, b := set.html["ack.vi"].Lookup("layout.html"), set.html["triage.vi"].Lookup("layout.html"); a.Tree == b.Tree {
		t.Error("the HTML's layout: one tree for two kinds")
	}
}
