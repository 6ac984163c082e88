package templates

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
)

// TestCompiledAsExecuted: every compiled plain text writes what
// text/template writes executing the template as parsed, and fails where
// it fails: for every kind's sample in every language, for its zero data,
// for a triage notice with hostile and multi-line text in every place a
// citizen writes, and for notices whose lists are empty. The compiled
// text of the two mails every report owes, the acknowledgement and the
// triage notice, runs to the end (a failure would leave it to
// text/template at every mail).
func TestCompiledAsExecuted(t *testing.T) {
	set, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	hostile := sampleTriage()
	evil := "</p><script>alert(\"x\")</script>\n/reject {{.Code}}\r\n\n  "
	hostile.Subject, hostile.Content, hostile.Location, hostile.Citizen.Name = evil, Reproduced(evil), evil, evil
	hostile.Citizen.Address, hostile.Declared, hostile.IncidentTime, hostile.UnreadableFrom = evil, evil, evil, evil
	hostile.Attachments[0].Name = evil
	hostile.Missing = []string{"name", evil}
	hostile.Usable = []string{"accept", evil, "note"}
	bare := sampleTriage()
	bare.Usable, bare.Attachments, bare.Missing, bare.Proposal.Runners = nil, nil, nil, nil
	type mail struct {
		kind, lang string
		data       any
		runs       bool // the compiled text must run to the end
	}
	mails := []mail{{"triage", Vietnamese, hostile, true}, {"triage", Vietnamese, bare, true}}
	for name, k := range kinds {
		for _, lang := range k.langs {
			mails = append(mails, mail{name, lang, sampleIn(k, lang), true}, mail{name, lang, k.new(), false})
		}
	}
	for _, m := range mails {
		name := m.kind + "." + pickLang(kinds[m.kind].langs, m.lang)
		v := kinds[m.kind].new()
		if err := json.Unmarshal(must(json.Marshal(m.data)), v); err != nil {
			t.Fatal(err)
		}
		c, tt := set.compiled[name], set.text[name]
		for _, part := range []struct {
			prog *program
			root string
		}{{c.subject, "subject"}, {c.body, tt.Name()}} {
			if part.prog == nil {
				continue
			}
			var want, got bytes.Buffer
			wantErr := tt.ExecuteTemplate(&want, part.root, v)
			err := part.prog.execute(&got, v)
			switch {
			case wantErr != nil && err == nil:
				t.Errorf("%s %s: compiled ran where text/template fails: %v", name, part.root, wantErr)
			case wantErr == nil && err != nil && m.runs:
				t.Errorf("%s %s: compiled failed: %v", name, part.root, err)
			case err == nil && got.String() != want.String():
				t.Errorf("%s %s: compiled writes\n%s\n--- text/template writes\n%s", name, part.root, got.String(), want.String())
			}
		}
	}
	for name, c := range set.compiled {
		if c.subject == nil || c.body == nil {
			t.Errorf("%s not compiled", name)
		}
	}
}

// TestCompiledLeavesToTextTemplate: what compileText does not handle is
// left to text/template — a map, a method of the pointer only, a
// comparison of mixed kinds, a builtin it does not compile, a tree it
// panics on —, and a compiled template that fails as it runs (an index
// out of range) fails as text/template does, the Set then executing the
// template as parsed.
func TestCompiledLeavesToTextTemplate(t *testing.T) {
	type data struct {
		M    map[string]string
		P    ptrOnly
		N    int
		S    string
		List []string
	}
	compile := func(src string) (*program, *texttemplate.Template) {
		tt := texttemplate.Must(texttemplate.New("t").Option("missingkey=error").Parse(src))
		lookup := func(name string) *parse.Tree {
			if t := tt.Lookup(name); t != nil {
				return t.Tree
			}
			return nil
		}
		p, err := compileText(lookup, nil, "t", reflect.TypeFor[*data]())
		if err != nil {
			return nil, tt
		}
		return p, tt
	}
	for _, src := range []string{`{{.M.a}}`, `{{.P.Name}}`, `{{if eq .N .S}}x{{end}}`, `{{slice .S 1}}`, `{{.Missing}}`} {
		if p, _ := compile(src); p != nil {
			t.Errorf("%s compiled", src)
		}
	}
	d := &data{S: "Đường 3/2", N: 2, List: []string{"a", "b"}}
	for _, src := range []string{`{{index .List .N}}`, `{{index .List 1}}{{len .S}} {{.N}} {{printf "%q" .S}}{{range $i, $e := .List}}{{$i}}={{$e}};{{end}}`,
		`{{or .N .S}} {{and .N .S}} {{or .M .N}}{{if and .N (not .S)}}x{{end}}{{with or .List .N}}{{.}}{{end}}{{$x := and .S .List}}{{printf "%v" $x}}`} {
		p, tt := compile(src)
		if p == nil {
			t.Fatalf("%s not compiled", src)
		}
		var want, got bytes.Buffer
		wantErr := tt.Execute(&want, d)
		err := p.execute(&got, d)
		if (err != nil) != (wantErr != nil) || err == nil && got.String() != want.String() {
			t.Errorf("%s: compiled %q, %v; text/template %q, %v", src, got.String(), err, want.String(), wantErr)
		}
	}
	if p, err := compileText(func(string) *parse.Tree { panic("a tree not foreseen") }, nil, "t", reflect.TypeFor[*data]()); p != nil || err == nil {
		t.Error("a compiler's panic not left to text/template")
	}
	p, _ := compile(`{{.S}}`)
	var b bytes.Buffer
	if err := p.execute(&b, d); err != nil || !strings.Contains(b.String(), "Đường") {
		t.Errorf("a field written as %q, %v", b.String(), err)
	}
}

type ptrOnly struct{}

func (*ptrOnly) Name() string { return "pointer" }
