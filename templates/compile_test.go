package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
	"time"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestCompiledAsExecuted: with the templates compiled, every kind renders
// in every language what text/template renders executing them, for its
// sample, for its data left empty (which may fail: with the same error),
// and for a triage notice with hostile text in every place a citizen
// writes (its photo's Content-ID too, which takes the HTML off the
// compiled path), twice (the partials memoized the first time); and the
// kinds a report owes are compiled.
func TestCompiledAsExecuted(t *testing.T) {
	odd := routing.Default().Bodies()
	odd.Center, odd.CenterShort, odd.CenterEnglish = `Trung tâm "A" & <B>`, "Trung tâm A+B", "The A & B Centre"
	for _, bodies := range []routing.Bodies{routing.Default().Bodies(), odd} {
		plain, set := loadWithAndWithout(t, &compiled, func() (*Set, error) { return LoadFor("", bodies) })
		for _, name := range []string{"ack.vi", "ack.en", "triage.vi"} {
			if set.programs[name] == nil {
				t.Errorf("%s not compiled", name)
			}
		}
		if len(plain.programs) != 0 {
			t.Errorf("compiled with compiling off: %d", len(plain.programs))
		}
		hostile := sampleTriage()
		evil := `</p><script>alert("x")</script><a href="javascript:x">{{.Code}}`
		hostile.Subject, hostile.Content, hostile.Location, hostile.Citizen.Name = evil, Reproduced(evil), evil, evil
		hostile.Attachments[0].Name, hostile.UnreadableFrom = evil, evil
		hostile.Missing = []string{"name", evil}
		hostile.Usable = []string{"accept", evil, "note"}
		hostile.Proposal.Runners[0].FieldName = evil
		urls := sampleTriage()
		urls.Attachments[0].CID = `a b"<>%zz`
		plainAck := sampleAck()
		plainAck.Field, plainAck.Unit, plainAck.Refused, plainAck.Missing = "", "", nil, nil
		mails := withEveryKind(sampleMail{"triage", Vietnamese, hostile}, sampleMail{"triage", Vietnamese, urls},
			sampleMail{"ack", Vietnamese, plainAck}, sampleMail{"ack", English, plainAck})
		for round := range 2 {
			renderSame(t, fmt.Sprintf("compiled, round %d, center %q", round+1, bodies.Center), plain, set, mails)
		}
		for name, k := range kinds {
			for _, lang := range k.langs {
				want, wantErr := plain.Render(name, lang, json.RawMessage(`{}`))
				got, err := set.Render(name, lang, json.RawMessage(`{}`))
				if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("%s.%s, empty: %v\n%s\n---\n%v\n%s", name, lang, err, got.HTML, wantErr, want.HTML)
				}
			}
		}
	}
}

// compileData is data for TestCompiledTemplate's templates.
type compileData struct {
	Code, Empty string
	Urgent      bool
	Count       int
	Size        int64
	When        time.Time
	Files       []File
	Citizen     Person
	Ptr         *Person
	Content     Reproduced
	Codes       []string
	Any         any
	Map         map[string]string
	DeadlineNotice
}

func (compileData) Method() string { return "method" }

// TestCompiledTemplate: a template compiles, or not, as the compiler
// knows what it holds; compiled, it writes what text/template writes, or
// leaves the compiled path where text/template would fail or do what the
// compiler does not know.
func TestCompiledTemplate(t *testing.T) {
	taken := time.Date(2026, 3, 2, 8, 15, 30, 0, time.UTC)
	data := &compileData{Code: "PA-1", Urgent: true, Count: 2, Size: 123456, When: taken,
		Files:   []File{{Name: "a.jpg", Size: 10, Taken: taken}, {Name: "b.pdf", Size: 2000000}},
		Citizen: Person{Name: "Người dân", Phone: "0912"}, Content: "Nội dung\n> trích", Codes: []string{"name", "phone"},
		DeadlineNotice: DeadlineNotice{Step: "intake", Reader: Reader{Role: "receiver"}}}
	const (
		same     = iota // compiled, writes what text/template writes
		slowed          // compiled, leaves the compiled path
		notBuilt        // not compiled
	)
	cases := []struct {
		src  string
		want int
	}{
		{`{{.Code}} {{.Empty}} {{.Urgent}} {{.Count}} {{.Size}} {{.Content}} {{.Codes}} {{.Ptr}}`, same},
		{`{{range $i, $f := .Files}}{{$i | inc}}. {{$f.Name}} ({{size $f.Size}}){{if not $f.Taken.IsZero}} {{when $f.Taken}}{{end}}
{{end}}`, same},
		{`{{range .Files}}{{.Name}}{{else}}none{{end}}{{range .Codes}}{{.}},{{end}}{{range $c := .Codes}}{{$c}}{{$.Code}}{{end}}`, same},
		{`{{range .Empty}}{{end}}`, notBuilt},
		{`{{with .Citizen}}{{.Name}}{{template "p" .Phone}}{{end}}{{with .Empty}}x{{else}}y{{end}}{{template "p" .Code}}{{template "q"}}`, same},
		{`{{if eq .Code "A"}}a{{else if eq .Code "B" "PA-1"}}b{{end}}{{if ne .Count 2}}c{{end}}{{lt .Count 3}}{{ge .Code "PA"}}`, same},
		{`{{eq .Content .Code}} {{eq .Urgent true}} {{eq .Urgent false}}`, same},
		{`{{or .Empty .Code "x"}} {{and .Code .Empty}} {{or .Empty .Count}} {{if or .Empty .Urgent}}u{{end}} {{and .Count .Urgent}}`, same},
		{`{{printf "%s/%d" .Code .Count}} {{items .Codes}} {{join .Codes ", "}} {{has .Codes "phone"}} {{upper .Code}}`, same},
		{`{{multiline .Code}} {{mark .Code}} {{cid .Code}} {{(mark .Code)}} {{.Step}} {{.Role}} {{.Reader.Role}}`, same},
		{`{{.Ptr.Name}}`, slowed},
		{`{{eq .Code 1}}`, slowed},
		// eq evaluates every argument, those after an equal one too.
		{`{{eq .Code "PA-1" .Ptr.Name}}`, slowed},
		{`{{if eq .Code "PA-1" (upper .Ptr.Name)}}x{{end}}`, slowed},
		{`{{lt .Urgent .Urgent}}`, slowed},
		{`{{len .Files}}`, notBuilt},
		{`{{.Method}}`, notBuilt},
		{`{{$x := .Code}}{{$x}}`, notBuilt},
		{`{{.Any}}`, notBuilt},
		{`{{.Map.x}}`, notBuilt},
		{`{{.Missing}}`, notBuilt},
		{`{{template "r" .}}`, notBuilt},
		{`{{1.5}}`, notBuilt},
		{`{{range .Files}}{{break}}{{end}}`, notBuilt},
		{`{{when .Code}}`, notBuilt},
	}
	set := &Set{bodies: routing.Default().Bodies()}
	for _, c := range cases {
		funcs := set.funcs(Vietnamese)
		tmpl := texttemplate.Must(texttemplate.New("t").Funcs(funcs).Option("missingkey=error").
			Parse(c.src + `{{define "p"}}<{{.}}>{{end}}{{define "q"}}{{.}}{{end}}{{define "r"}}{{template "r" .}}{{end}}`))
		lookup := func(name string) *parse.Tree {
			if t := tmpl.Lookup(name); t != nil {
				return t.Tree
			}
			return nil
		}
		p, why := compileSet(lookup, funcs, "t", reflect.TypeOf(data))
		if (p == nil) != (c.want == notBuilt) {
			t.Errorf("%s: compiled %v (%s)", c.src, p != nil, why)
			continue
		}
		if p == nil {
			continue
		}
		var want, got bytes.Buffer
		wantErr := tmpl.Execute(&want, data)
		err := p.run(&got, data)
		switch {
		case c.want == slowed && (!errors.Is(err, errSlow) || wantErr == nil):
			t.Errorf("%s: %v; text/template: %v", c.src, err, wantErr)
		case c.want == same && (err != nil || wantErr != nil || got.String() != want.String()):
			t.Errorf("%s:\n got %q, %v\nwant %q, %v", c.src, got.String(), err, want.String(), wantErr)
		}
	}
}

// TestCompiledEscapersAsHTMLTemplate: the escapers of attributes and URLs
// the compiler repeats write what html/template writes, for a URL's
// attribute and a plain one, or leave the compiled path.
func TestCompiledEscapersAsHTMLTemplate(t *testing.T) {
	h := htmltemplate.Must(htmltemplate.New("h").Parse(`<img src="{{.}}" alt="{{.}}">`))
	inputs := []any{"", "cid:anh-1.PA-2026-000001@haugiang.gov.vn", "javascript:alert(1)", "JavaScript:x", "mailto:a@b.vn",
		"HTTPS://x.vn/a?b=c&d=e#f", "/a/b:c", "a b", `"'<>&+`, "%41", "%zz", "ảnh.jpg", "data:image/png;base64,AAA",
		htmltemplate.URL("cid:x"), htmltemplate.URL("javascript:x"), htmltemplate.URL("a b"), htmltemplate.HTML("<b>x</b>"), 42}
	for _, in := range inputs {
		var want bytes.Buffer
		if err := h.Execute(&want, in); err != nil {
			t.Fatal(err)
		}
		got, ok := compiledEscapes(in)
		if ok && got != want.String() {
			t.Errorf("%#v:\n got %s\nwant %s", in, got, want.String())
		}
	}
}

// compiledEscapes writes the attributes of TestCompiledEscapersAsHTMLTemplate
// with the compiler's escapers; false when they leave the compiled path.
func compiledEscapes(in any) (out string, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	src := attrEscaper(urlNormalizer(urlFilter(in)))
	return `<img src="` + src + `" alt="` + attrEscaper(in) + `">`, true
}
