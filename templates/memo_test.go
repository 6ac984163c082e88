package templates

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
)

// TestMemoizedAsExecuted: with the partials' calls replaced, every kind
// renders in every language what the templates executed as written
// render, the first time (the partials executed) and the second (what
// they wrote, kept), for its sample and for a triage notice with hostile
// text in every place a citizen writes, and the other lists of commands.
func TestMemoizedAsExecuted(t *testing.T) {
	plain, set := loadWithAndWithout(t, &memoized, func() (*Set, error) { return load("") })
	hostile := sampleTriage()
	evil := `</p><script>alert("x")</script><a href="javascript:x">{{.Code}}`
	hostile.Subject, hostile.Content, hostile.Location, hostile.Citizen.Name = evil, Reproduced(evil), evil, evil
	hostile.Attachments[0].Name, hostile.UnreadableFrom = evil, evil
	hostile.Missing = []string{"name", evil}
	hostile.Usable = []string{"accept", evil, "note"}
	other := sampleTriage()
	other.Usable = []string{"note", "status"}
	mails := withEveryKind(sampleMail{"triage", Vietnamese, hostile}, sampleMail{"triage", Vietnamese, other})
	for round := range 2 {
		renderSame(t, fmt.Sprintf("memoized, round %d", round+1), plain, set, mails)
	}
	for _, calls := range []map[string]bool{callsIn(set.text["triage.vi"].Lookup("triage.vi.txt").Tree.Root),
		callsIn(set.html["triage.vi"].Lookup("body").Tree.Root)} {
		if calls["commands"] || !calls[memoFunc] {
			t.Errorf("the triage notice's cheat sheet is not memoized: %v", calls)
		}
	}
	r, _ := set.Render("triage", Vietnamese, must(json.Marshal(hostile)))
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("hostile text not escaped:\n%s", r.HTML)
	}
}

// callsIn returns the partials called under node, and memoFunc when a
// call was replaced.
func callsIn(node parse.Node) map[string]bool {
	calls := map[string]bool{}
	walkLists(node, func(list *parse.ListNode) {
		for _, n := range list.Nodes {
			switch n := n.(type) {
			case *parse.TemplateNode:
				calls[n.Name] = true
			case *parse.ActionNode:
				if id, ok := n.Pipe.Cmds[0].Args[0].(*parse.IdentifierNode); ok && id.Ident == memoFunc {
					calls[memoFunc] = true
				}
			}
		}
	})
	return calls
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// BenchmarkRenderReport renders the two mails a report owes, the
// acknowledgement and the triage notice, from their samples' JSON, as
// the mailer does: decoding, executing, tidying. One op is one report.
func BenchmarkRenderReport(b *testing.B) {
	set, err := load("")
	if err != nil {
		b.Fatal(err)
	}
	ack, triage := must(json.Marshal(sampleAck())), must(json.Marshal(sampleTriage()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := set.Render("ack", Vietnamese, ack); err != nil {
			b.Fatal(err)
		}
		if _, err := set.Render("triage", Vietnamese, triage); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMemoKeepsNoCitizenWords: a partial's output is kept for no argument
// and a list of codes (the commands a reader can use, the form items
// missing), not for a list of anything else a template may pass it, such
// as a citizen's file names, which are never kept beyond their mail.
func TestMemoKeepsNoCitizenWords(t *testing.T) {
	for _, c := range []struct {
		arg  any
		keep bool
	}{
		{nil, true},
		{[]string{"accept", "call-failed", "confirm-extension"}, true},
		{[]string{"name", "phone"}, true},
		{[]string{"ảnh nhà ông Nguyễn Văn A.jpg"}, false},
		{[]string{"accept", "Nguyễn Văn A"}, false},
		{[]string{"/tiepnhan Đã xác minh"}, false},
		{[]string{""}, false},
		{"accept", false},
	} {
		if _, keep := appendMemoKey(nil, "list", c.arg); keep != c.keep {
			t.Errorf("%q: kept %v", c.arg, keep)
		}
	}
}

// TestKeptCallsWhereDotIsData: a call with a list field as argument is
// replaced at the top of a template and inside a condition, where dot is
// the mail's data, and not inside range or with, where dot is something
// else and the field may not be the list it names on the data.
func TestKeptCallsWhereDotIsData(t *testing.T) {
	set := texttemplate.Must(texttemplate.New("").Parse(`{{define "root"}}` +
		`{{template "p" .Codes}}{{if .Codes}}{{template "p" .Codes}}{{else}}{{template "p" .Codes}}{{end}}` +
		`{{range .Items}}{{template "p" .Codes}}{{else}}{{template "p" .Codes}}{{end}}` +
		`{{with .Inner}}{{template "p" .Codes}}{{end}}{{end}}` +
		`{{define "p"}}{{range .}}{{.}}{{end}}{{end}}`))
	lookup := func(name string) *parse.Tree {
		if t := set.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
	type codes struct{ Codes []string }
	data := reflect.TypeFor[struct {
		Codes []string
		Items []codes
		Inner codes
	}]()
	_, calls := keptCalls(lookup, []string{"root"}, data)
	if len(calls) != 4 {
		var at []int
		for n := range calls {
			at = append(at, int(n.Pos))
		}
		slices.Sort(at)
		t.Errorf("calls at %v replaced, want 4: at the top, in if and else, in range's else", at)
	}
}
