package templates

import (
	"encoding/json"
	"errors"
	htmltemplate "html/template"
	"strings"
	"testing"
	"text/template/parse"
)

// TestEscapedOneAsExecuted: with html/template's escaper of HTML text
// called through htmlEscaper, every kind renders in every language what
// the templates executed as html/template escaped them render, for its
// sample and for an acknowledgement and a triage notice with hostile text
// (markup, quotes, a javascript: URL, an action) in every place a citizen
// writes; and that text comes out escaped.
func TestEscapedOneAsExecuted(t *testing.T) {
	plain, set := loadWithAndWithout(t, &oneEscaped, func() (*Set, error) { return load("") })
	evil := `</p><script>alert("x")</script><a href="javascript:alert('x')" onclick='y'>{{.Code}} & +`
	triage := sampleTriage()
	triage.Subject, triage.Content, triage.Location, triage.Citizen.Name = evil, Reproduced(evil), evil, evil
	triage.Citizen.Address, triage.Citizen.Email, triage.IncidentTime, triage.Declared = evil, evil, evil, evil
	triage.Attachments[0].Name, triage.UnreadableFrom = evil, evil
	triage.Missing = []string{"name", evil}
	ack := sampleAck()
	ack.Field, ack.Unit, ack.DuplicateOf, ack.Refused[0].Type = evil, evil, evil, evil
	hostile := []sampleMail{{"triage", Vietnamese, triage}, {"ack", Vietnamese, ack}, {"ack", English, ack}}
	renderSame(t, "one-argument escaper", plain, set, withEveryKind(hostile...))
	for _, m := range hostile {
		got, err := set.Render(m.kind, m.lang, must(json.Marshal(m.data)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got.HTML, "<script>") || strings.Contains(got.HTML, `href="javascript:`) ||
			!strings.Contains(got.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s.%s: hostile text not escaped:\n%s", m.kind, m.lang, got.HTML)
		}
	}
	calls := 0
	walkPipes(set.html["triage.vi"].Lookup("body").Tree.Root, func(pipe *parse.PipeNode) {
		for _, cmd := range pipe.Cmds {
			switch identifier(cmd) {
			case "_html_template_htmlescaper":
				t.Errorf("not replaced: %s", pipe)
			case htmlEscaperFunc:
				calls++
			}
		}
	})
	if calls == 0 {
		t.Error("no escaper's call replaced in the triage notice's body")
	}
}

// escapedByHTMLTemplate returns what html/template writes for v in HTML
// text: its escaper's output.
func escapedByHTMLTemplate(t testing.TB, v any) string {
	t.Helper()
	var b strings.Builder
	tmpl := htmltemplate.Must(htmltemplate.New("").Parse("<p>{{.}}</p>"))
	if err := tmpl.Execute(&b, v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "<p>"), "</p>")
}

type stringer struct{ s string }

func (s stringer) String() string { return "«" + s.s + "»" }

// TestHTMLEscaperTypes: htmlEscaper escapes a value of every kind a
// mail's data holds, and of html/template's content types, as
// html/template's escaper of HTML text does.
func TestHTMLEscaperTypes(t *testing.T) {
	evil := "<b>\"Tom\" & 'Jerry'</b> +1\x00 \xff\xfe ảnh"
	s, n := evil, 42
	var nilString *string
	var nilStringer *stringer
	for _, v := range []any{evil, Reproduced(evil), htmltemplate.HTML(evil), htmltemplate.CSS(evil), htmltemplate.HTMLAttr(evil),
		htmltemplate.JS(evil), htmltemplate.JSStr(evil), htmltemplate.URL(evil), htmltemplate.Srcset(evil), &s, n, &n, int64(-7),
		3.5, true, nil, nilString, nilStringer, stringer{evil}, &stringer{evil}, errors.New(evil), []string{evil, "a"},
		sampleTime, &sampleTime, htmltemplate.URL("cid:a+b@x")} {
		if got, want := htmlEscaper(v), escapedByHTMLTemplate(t, v); got != want {
			t.Errorf("%T %v: %q, html/template %q", v, v, got, want)
		}
	}
}

// FuzzHTMLEscaper: htmlEscaper escapes any text as html/template's
// escaper of HTML text does.
func FuzzHTMLEscaper(f *testing.F) {
	for _, s := range []string{"", "ảnh hiện trường", `<script>alert("x")</script>`, "a+b & c's \x00", "\xe0<\xff>", "&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := htmlEscaper(s), escapedByHTMLTemplate(t, s); got != want {
			t.Errorf("%q: %q, html/template %q", s, got, want)
		}
		if got, want := htmlEscaper(Reproduced(s)), escapedByHTMLTemplate(t, Reproduced(s)); got != want {
			t.Errorf("Reproduced %q: %q, html/template %q", s, got, want)
		}
	})
}
