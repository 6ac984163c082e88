// Package templates holds the text of every mail phananh sends, as Go
// templates embedded in the binary: for each kind of mail a plain-text
// template (KIND.LANG.txt, which also defines the "subject") and an HTML
// template (KIND.LANG.html, inside layout.html). A folder named in the
// configuration may hold files of the same names that replace the embedded
// ones; Load checks that every kind renders in every language it needs.
//
// The bodies the mail names — the Center that signs it, the province or
// city it serves, the department escalated reports go to — are those of the
// routing table's edition (routing.Bodies), given to LoadFor; templates write
// them with the functions center, centerShort, area, committee and
// escalationBody, never as text of their own.
package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	texttemplate "text/template"
	"text/template/parse"
	"unicode"

	"haugiang.gov.vn/phananh/rules/routing"
)

//go:embed *.txt *.html
var embedded embed.FS

// Languages mail is written in: Vietnamese by default, English when the
// citizen wrote English (Art 6.1). Staff mail is Vietnamese.
const (
	Vietnamese = "vi"
	English    = "en"
)

// Set is a loaded set of templates.
type Set struct {
	text map[string]*texttemplate.Template // by "kind.lang"
	html map[string]*htmltemplate.Template
	// thread is the title of a report's conversation (the "thread"
	// partial), by language.
	thread map[string]string
	// bodies are the bodies the mail names.
	bodies routing.Bodies
	// programs are the kinds' templates compiled (compile.go), by
	// "kind.lang": a kind not there is executed by text/template. It is
	// made once every kind is prepared, whose check renders without it.
	programs map[string]*programs
	// lines are the starts of the lines of the templates' text
	// (LineStarts), collected once the HTML is escaped.
	lines []string
}

// programs are a kind's templates in a language compiled for its data:
// the subject, the plain text and the HTML.
type programs struct {
	subject, text, html program
}

// Rendered is one mail's subject and bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
	// Urgent is set when the mail is about a report handled as urgent
	// (its data's Urgent).
	Urgent bool
}

// LoadFor parses the embedded templates, each replaced by the file of the
// same name in dir when dir is not "", to write the bodies named: those of
// the routing table in use.
func LoadFor(dir string, bodies routing.Bodies) (*Set, error) {
	if err := overridesFolder(dir); err != nil {
		return nil, err
	}
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, thread: map[string]string{},
		bodies: bodies, programs: map[string]*programs{}}
	layout, err := read(dir, "layout.html")
	if err != nil {
		return nil, err
	}
	var jobs []loadJob
	shared := map[string]*partials{}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		for _, lang := range kinds[kind].langs {
			p, ok := shared[lang]
			if !ok {
				if p, err = s.parsePartials(dir, lang, layout); err != nil {
					return nil, err
				}
				shared[lang] = p
			}
			jobs = append(jobs, loadJob{kind: kind, lang: lang, partials: p})
		}
	}
	// Each kind's templates are its own from their parse on: they are
	// parsed, checked and rewritten on every core at once.
	if err := inParallel(len(jobs), func(i int) error { return jobs[i].parse(dir) }); err != nil {
		return nil, err
	}
	for _, j := range jobs {
		s.text[j.kind+"."+j.lang], s.html[j.kind+"."+j.lang] = j.text, j.html
	}
	progs := make([]*programs, len(jobs))
	if err := inParallel(len(jobs), func(i int) (err error) {
		progs[i], err = s.prepare(jobs[i].kind, jobs[i].lang)
		return err
	}); err != nil {
		return nil, err
	}
	for i, j := range jobs {
		if progs[i] != nil {
			s.programs[j.kind+"."+j.lang] = progs[i]
		}
	}
	s.lines = s.lineStarts()
	return s, nil
}

// memoized says whether Load replaces partials' calls (memo.go); tests
// turn it off to compare.
var memoized = true

// partials are a language's partials, parsed once and copied for each
// kind: the plain text's, and the HTML's with the layout.
type partials struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// loadJob is a kind's templates in a language, as LoadFor parses them.
type loadJob struct {
	kind, lang string
	partials   *partials
	text       *texttemplate.Template
	html       *htmltemplate.Template
}

// inParallel runs do(0) … do(n-1) on as many goroutines as there are
// cores, and returns the error of the first i that failed; once one has
// failed, the calls not begun are skipped.
func inParallel(n int, do func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && !failed.Load(); i = int(next.Add(1) - 1) {
				if errs[i] = do(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Set) parsePartials(dir, lang, layout string) (*partials, error) {
	partialTxt, err := read(dir, "partials."+lang+".txt")
	if err != nil {
		return nil, err
	}
	t, err := texttemplate.New("partials." + lang + ".txt").Funcs(s.funcs(lang)).Option("missingkey=error").Parse(partialTxt)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	partialHTML, err := read(dir, "partials."+lang+".html")
	if err != nil {
		return nil, err
	}
	h, err := htmltemplate.New("layout.html").Funcs(htmltemplate.FuncMap(s.funcs(lang))).Option("missingkey=error").Parse(layout)
	if err == nil {
		_, err = h.New("partials." + lang + ".html").Parse(partialHTML)
	}
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if _, ok := s.thread[lang]; !ok && t.Lookup("thread") != nil {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "thread", nil); err != nil {
			return nil, fmt.Errorf("templates: partials.%s.txt thread: %w", lang, err)
		}
		s.thread[lang] = strings.Join(strings.Fields(b.String()), " ")
	}
	return &partials{text: t, html: h}, nil
}

// parse parses a kind's templates in a language into copies of the
// language's partials: each kind's trees are its own, since loading
// rewrites them for the kind's data (memo.go, fold.go, escape.go) and
// html/template escapes them in place.
func (j *loadJob) parse(dir string) error {
	file, p := files(j.kind)+"."+j.lang, j.partials
	txt, err := read(dir, file+".txt")
	if err != nil {
		return err
	}
	t, err := p.text.Clone()
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	for _, c := range t.Templates() {
		if c.Tree != nil {
			c.Tree = c.Tree.Copy() // text/template's Clone shares them
		}
	}
	if t, err = t.New(file + ".txt").Parse(txt); err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if t.Lookup("subject") == nil {
		return fmt.Errorf("templates: %s.txt defines no \"subject\"", file)
	}
	html, err := read(dir, file+".html")
	if err != nil {
		return err
	}
	h, err := p.html.Clone() // the trees copied
	if err == nil {
		h, err = h.New(file + ".html").Parse(html)
	}
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	j.text, j.html = t, h
	return nil
}

// Thread returns the title of a report's conversation in a language
// (Vietnamese when the language has none): the subject, after the
// report's tag, of every mail a staff member gets about a report, so that
// the mail programs that group by subject keep it in one conversation
// (see package mailer/thread).
func (s *Set) Thread(lang string) string {
	if t, ok := s.thread[lang]; ok {
		return t
	}
	return s.thread[Vietnamese]
}

// prepare makes a kind's templates in a language ready to render: it
// renders them with the kind's sample data, so that a broken override
// fails at start rather than at the first mail, and, once html/template
// has escaped them, rewrites them for speed (memo.go, fold.go, escape.go)
// and compiles them (compile.go): it returns them compiled, nil when they
// are not.
func (s *Set) prepare(kind, lang string) (*programs, error) {
	k := kinds[kind]
	if _, err := s.render(kind, lang, k.sample()); err != nil {
		return nil, err
	}
	name := kind + "." + lang
	data := reflect.TypeOf(k.new())
	textFuncs, htmlFuncs := s.funcs(lang), s.funcs(lang)
	if memoized {
		// The check escaped the HTML: its partials' calls can now be
		// replaced (memo.go).
		textFuncs[memoFunc] = memoizeText(s.text[name], []string{files(kind) + "." + lang + ".txt", "subject"}, data)
		htmlFuncs[memoFunc] = memoizeHTML(s.html[name], "layout.html", data)
	}
	if folded {
		// The constants' actions can now be replaced by their text
		// (fold.go).
		funcs := s.funcs(lang)
		foldText(s.text[name], funcs)
		foldHTML(s.html[name], funcs)
	}
	if oneEscaped {
		// After folding, which looks for the escaper's calls (escape.go).
		escapeOne(s.html[name])
		htmlFuncs[htmlEscaperFunc] = htmlEscaper
	}
	if compiled {
		// Last: what is compiled is the trees as they are executed.
		return s.compile(kind, lang, data, textFuncs, htmlFuncs), nil
	}
	return nil, nil
}

// compile compiles a kind's templates in a language (compile.go) for its
// data, with the functions of its plain text's and its HTML's sets; nil
// when one does not compile: the kind is executed by text/template.
func (s *Set) compile(kind, lang string, data reflect.Type, textFuncs, htmlFuncs map[string]any) *programs {
	name := kind + "." + lang
	t, h := s.text[name], s.html[name]
	textTree := func(n string) *parse.Tree {
		if tt := t.Lookup(n); tt != nil {
			return tt.Tree
		}
		return nil
	}
	htmlTree := func(n string) *parse.Tree {
		if ht := h.Lookup(n); ht != nil {
			return ht.Tree
		}
		return nil
	}
	var p programs
	var why string
	if p.subject, why = compileSet(textTree, textFuncs, "subject", data); why != "" {
		return nil
	}
	if p.text, why = compileSet(textTree, textFuncs, t.Name(), data); why != "" {
		return nil
	}
	if p.html, why = compileSet(htmlTree, htmlFuncs, "layout.html", data); why != "" {
		return nil
	}
	return &p
}

// overridesFolder checks that dir, when not "", is a folder: read finds no
// override in a folder that is not there, so a mistyped one would
// otherwise leave every embedded template in use without a word. The
// error is an *fs.PathError of dir.
func overridesFolder(dir string) error {
	if dir == "" {
		return nil
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("templates: %w", &fs.PathError{Op: "stat", Path: dir, Err: syscall.ENOTDIR})
	}
	return nil
}

// read returns a template file: the override in dir if there is one, else
// the embedded one.
func read(dir, name string) (string, error) {
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return string(b), nil
		}
		if !os.IsNotExist(err) {
			return "", fmt.Errorf("templates: %w", err)
		}
	}
	b, err := fs.ReadFile(embedded, name)
	if err != nil {
		return "", fmt.Errorf("templates: %s: %w", name, err)
	}
	return string(b), nil
}

// Render renders the mail of a kind in a language from its data, given as
// the JSON the outbox keeps.
func (s *Set) Render(kind, lang string, data json.RawMessage) (Rendered, error) {
	text, html := getBuffer(), getBuffer()
	defer putBuffer(text)
	defer putBuffer(html)
	r, err := s.RenderTo(kind, lang, data, text, html)
	if err == nil {
		r.Text, r.HTML = text.String(), html.String()
	}
	return r, err
}

// RenderTo renders as Render does, but writes the plain text and the
// HTML at the end of text and html rather than into the Rendered, which
// has neither: a caller that writes them out, and reuses the buffers,
// copies neither.
func (s *Set) RenderTo(kind, lang string, data json.RawMessage, text, html *bytes.Buffer) (Rendered, error) {
	k, ok := kinds[kind]
	if !ok {
		return Rendered{}, fmt.Errorf("templates: no mail kind %q", kind)
	}
	v, err := decodeData(k, data)
	if err != nil {
		return Rendered{}, fmt.Errorf("templates: %s data: %w", kind, err)
	}
	r, err := s.renderTo(kind, pickLang(k.langs, lang), v, text, html)
	r.Urgent = urgent(v)
	return r, err
}

// urgent reports whether mail data says its report is urgent: a field
// Urgent of its own or of a struct it embeds.
func urgent(v any) bool {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return false
	}
	f := rv.FieldByName("Urgent")
	return f.IsValid() && f.Kind() == reflect.Bool && f.Bool()
}

func pickLang(langs []string, lang string) string {
	for _, l := range langs {
		if l == lang {
			return l
		}
	}
	return langs[0]
}

func (s *Set) render(kind, lang string, data any) (Rendered, error) {
	text, html := getBuffer(), getBuffer()
	defer putBuffer(text)
	defer putBuffer(html)
	r, err := s.renderTo(kind, lang, data, text, html)
	if err == nil {
		r.Text, r.HTML = text.String(), html.String()
	}
	return r, err
}

// renderTo renders a mail's subject, and its plain text and HTML at the
// end of text and html.
func (s *Set) renderTo(kind, lang string, data any, text, html *bytes.Buffer) (Rendered, error) {
	name := kind + "." + lang
	if p := s.programs[name]; p != nil {
		textStart, htmlStart := text.Len(), html.Len()
		if r, err := p.render(data, text, html); err == nil {
			return r, nil
		}
		// Off the compiled path: text/template renders it again.
		text.Truncate(textStart)
		html.Truncate(htmlStart)
	}
	var subject bytes.Buffer
	t := s.text[name]
	if err := t.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: %s subject: %w", name, err)
	}
	start := text.Len()
	if err := t.Execute(text, data); err != nil {
		return Rendered{}, fmt.Errorf("templates: %s.txt: %w", name, err)
	}
	text.Truncate(start + len(tidy(text.Bytes()[start:])))
	text.WriteByte('\n')
	if err := s.html[name].ExecuteTemplate(html, "layout.html", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: %s.html: %w", name, err)
	}
	return Rendered{Subject: oneSpaced(subject.String())}, nil
}

// render renders as renderTo does, with the compiled templates; errSlow
// when they left the compiled path, and what they wrote is then to be
// dropped.
func (p *programs) render(data any, text, html *bytes.Buffer) (Rendered, error) {
	subject := getBuffer()
	defer putBuffer(subject)
	if err := p.subject.run(subject, data); err != nil {
		return Rendered{}, err
	}
	start := text.Len()
	if err := p.text.run(text, data); err != nil {
		return Rendered{}, err
	}
	text.Truncate(start + len(tidy(text.Bytes()[start:])))
	text.WriteByte('\n')
	if err := p.html.run(html, data); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: oneSpaced(subject.String())}, nil
}

// oneSpaced is s with its words (strings.Fields) joined by one space:
// s itself, not made again, when its only spaces are single ASCII spaces
// between words, as a subject's as a rule are.
func oneSpaced(s string) string {
	space := true // before the first word, as after a space
	for _, r := range s {
		if !unicode.IsSpace(r) {
			space = false
			continue
		}
		if r != ' ' || space {
			return strings.Join(strings.Fields(s), " ")
		}
		space = true
	}
	if space && s != "" {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

// tidy trims trailing spaces and runs of blank lines that conditional
// sections leave in plain text, in one pass over the text as executed.
// It tidies s in place, which it may: what it writes never overtakes what
// it has read, a line at most as long as the line and line end it came
// from; it returns the tidied text, s's first bytes, but for the line end
// that ends it, which the caller writes.
func tidy(s []byte) []byte {
	b := s[:0]
	blank, lines := 0, 0
	for start := 0; start <= len(s); {
		end := bytes.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		l := s[start:end]
		if end < len(s) && len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1] // a CRLF line end
		}
		start = end + 1
		for len(l) > 0 && (l[len(l)-1] == ' ' || l[len(l)-1] == '\t') {
			l = l[:len(l)-1]
		}
		if len(l) == 0 {
			blank++
			if blank > 1 || lines == 0 {
				continue
			}
		} else {
			blank = 0
		}
		if lines > 0 {
			b = append(b, '\n')
		}
		b = append(b, l...)
		lines++
	}
	for len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return b
}
