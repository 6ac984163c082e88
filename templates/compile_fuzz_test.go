package templates

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
)

// fuzzData is the data FuzzCompiledTemplate executes its templates with:
// a value of each kind of field the mails' data have, zero and not, and
// some they do not (other integers, floats, pointers to pointers).
type fuzzData struct {
	compileData
	Zero    compileData
	Nil     *compileData
	Notice  Notice
	Codes2  *Directory
	Calls   []time.Time
	Chart   htmltemplate.URL
	Rows    [][]string
	Numeric []bool
	Arr     [2]string
	I8      int8
	U       uint
	F       float64
	PP      **Person
	Persons []*Person
}

// fuzzTemplateData returns the data FuzzCompiledTemplate uses.
func fuzzTemplateData() *fuzzData {
	taken := time.Date(2026, 3, 2, 8, 15, 30, 0, time.FixedZone("", 7*3600))
	n := sampleNotice()
	n.Text = "<b>&</b>\n/reject x\r\n"
	return &fuzzData{
		compileData: compileData{Code: "PA-1", Urgent: true, Count: 2, Size: 123456, When: taken,
			Files:   []File{{Name: `a"<b>'.jpg`, Size: 10, Taken: taken, CID: "x y%zz"}, {Name: "javascript:alert(1)", Size: 2000000}},
			Citizen: Person{Name: "Nguyễn Văn An", Phone: "+84 912"}, Ptr: &Person{Name: "\xff\xfe"},
			Content: "Nội dung\n> trích", Codes: []string{"name", "phone"},
			DeadlineNotice: DeadlineNotice{Step: "intake", Reader: Reader{Role: "receiver"}}},
		Notice: *n, Calls: []time.Time{{}, taken}, Chart: "cid:chart.png", Rows: [][]string{{"a", "<b>"}, nil},
		Numeric: []bool{true, false}, Arr: [2]string{"mailto:x@y", "/x?a=b&c"}, I8: -3, U: 7, F: 1.5,
		Persons: []*Person{nil, {Name: "b"}},
	}
}

// FuzzCompiledTemplate: a template an override folder could hold, once
// compiled, writes what text/template writes executing it, or leaves the
// compiled path; in plain text, and in HTML once html/template has escaped
// it. A template the compiler refuses is not compared: text/template
// executes it.
func FuzzCompiledTemplate(f *testing.F) {
	for _, seed := range []string{
		`{{.Code}} {{.Urgent}} {{.Count}} {{.Size}} {{.Content}} {{.Codes}} {{.Ptr}} {{.Nil}} {{.Zero.When}}`,
		`{{range $i, $f := .Files}}{{$i | inc}}. {{$f.Name}} ({{size $f.Size}}){{if not $f.Taken.IsZero}} {{when $f.Taken}}{{end}}{{else}}none{{end}}`,
		`{{with .Nil}}{{.Code}}{{else with .Ptr}}{{.Name}}{{end}}{{with .Codes2}}{{.Filter}}{{end}}`,
		`{{if eq .Code "A" "PA-1" .Nil.Code}}a{{else if ne .Count 2}}b{{end}}{{lt .I8 .Count}}{{ge .Code "PA"}}{{eq .U 7}}`,
		`{{or .Empty .Code "x"}} {{and .Code .Empty}} {{or .Nil .Citizen}} {{and .Count .Nil.Code}} {{not .Zero}}`,
		`{{printf "%v %d %s %q %x %T %5.2f %t" .Files .Count .Code .Content .Size .Content .F .Urgent}}`,
		`{{template "p" .Citizen}}{{block "b" .Count}}[{{.}}]{{end}}{{- /* c */ -}} {{template "q"}}`,
		`<a href="{{.Code}}" title='{{.Content}}'>{{.Ptr.Name}}</a><img src="{{cid .Code}}" alt="{{.Chart}}">`,
		`<a href="{{.Arr}}{{index .Arr 0}}">{{range .Rows}}<td>{{range .}}{{.}}{{end}}</td>{{end}}</a>`,
		`<p class="{{if .Urgent}}u{{end}}" data-x={{.Code}}><script>var x = {{.Code}};</script><style>p{color:{{.Code}}}</style>`,
		`{{range .Persons}}{{.}}{{end}}{{range .Persons}}{{.Name}}{{end}}{{.PP}}{{.Notice.Text}}{{.Notice.Code}}{{.Notice.Usable}}`,
	} {
		f.Add(seed)
	}
	set := &Set{bodies: routing.Default().Bodies()}
	data := fuzzTemplateData()
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 2000 {
			return
		}
		src += `{{define "p"}}<{{.}}>{{end}}{{define "q"}}{{.}}{{end}}`
		// What the compiler refuses in plain text it refuses in HTML,
		// which html/template would execute to escape: a template that
		// calls itself, for one.
		if sameText(t, set, src, data) {
			sameHTML(t, set, src, data)
		}
	})
}

// sameText compiles src as a plain-text template and, when it compiles,
// fails t unless it writes what text/template writes, or leaves the
// compiled path; it reports whether src compiled.
func sameText(t *testing.T, set *Set, src string, data any) bool {
	funcs := set.funcs(Vietnamese)
	tmpl, err := texttemplate.New("t").Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return false
	}
	lookup := func(name string) *parse.Tree {
		if t := tmpl.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
	return compareCompiled(t, "text", src, lookup, funcs, "t", data, func(w *bytes.Buffer) error { return tmpl.Execute(w, data) })
}

// sameHTML is sameText for an HTML template, escaped by html/template and
// its escaper's calls replaced (escapeOne) as Load does.
func sameHTML(t *testing.T, set *Set, src string, data any) {
	funcs := set.funcs(Vietnamese)
	h, err := htmltemplate.New("t").Funcs(funcs).Option("missingkey=error").Parse(src)
	if err != nil {
		return
	}
	if err := h.Execute(&bytes.Buffer{}, data); err != nil && strings.Contains(err.Error(), "html/template") {
		return // not escaped
	}
	escapeOne(h)
	funcs[htmlEscaperFunc] = htmlEscaper
	lookup := func(name string) *parse.Tree {
		if t := h.Lookup(name); t != nil {
			return t.Tree
		}
		return nil
	}
	compareCompiled(t, "html", src, lookup, funcs, "t", data, func(w *bytes.Buffer) error { return h.Execute(w, data) })
}

// compareCompiled compiles the template name and, when it compiles, runs it and
// execute with data, and fails t when the compiled run wrote something
// else than execute or succeeded where execute failed; it reports
// whether the template compiled.
func compareCompiled(t *testing.T, what, src string, lookup func(string) *parse.Tree, funcs map[string]any, name string, data any,
	execute func(*bytes.Buffer) error) bool {
	t.Helper()
	p, _ := compileSet(lookup, funcs, name, reflect.TypeOf(data))
	if p == nil {
		return false
	}
	var want, got bytes.Buffer
	wantErr := execute(&want)
	err := p.run(&got, data)
	switch {
	case errors.Is(err, errSlow):
	case err != nil:
		t.Fatalf("%s %q: %v", what, src, err)
	case wantErr != nil:
		t.Errorf("%s %q: compiled wrote %q; text/template failed: %v", what, src, got.String(), wantErr)
	case got.String() != want.String():
		t.Errorf("%s %q:\n got %q\nwant %q", what, src, got.String(), want.String())
	}
	return true
}
