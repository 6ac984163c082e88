package templates

import (
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"text/template/parse"
)

// html/template escapes what an action writes into HTML text by adding a
// call of its escaper at the end of the action's pipeline,
// {{.Name | _html_template_htmlescaper}}: a function of any number of
// arguments, which text/template calls through reflection, as every
// function, making the list of its arguments at each call. A mail's
// HTML makes some seventy such calls, and every one has a single
// argument, the value the pipeline gives. So once the templates are
// escaped each is replaced (escapeOne) by a call of htmlEscaper, a
// function of that one argument that escapes it as html/template's
// escaper does (which is not exported: html/template's HTMLEscaper is
// text/template's, and leaves '+' and NUL as they are).
// FuzzHTMLEscaper holds the two to the same output. The other escapers
// (attributes, URLs) are rare in a mail and stay as they are.

// htmlEscaperFunc names the replacing function: one a template cannot
// spell, so that no template calls it by mistake.
const htmlEscaperFunc = "_html_escape1"

// oneEscaped says whether Load replaces the escaper's calls; tests turn
// it off to compare.
var oneEscaped = true

// htmlEscaper escapes v for HTML text as html/template's escaper of HTML
// text does given v alone: a string, or the text of a value of
// html/template's content types (HTML as it is, the others escaped),
// pointers followed; anything else printed as fmt prints it (nil as
// nothing), pointers followed to a Stringer, an error or a value.
func htmlEscaper(v any) string {
	switch s := indirect(v).(type) {
	case string:
		return escapeHTML(s)
	case htmltemplate.HTML:
		return string(s)
	case htmltemplate.CSS:
		return escapeHTML(string(s))
	case htmltemplate.HTMLAttr:
		return escapeHTML(string(s))
	case htmltemplate.JS:
		return escapeHTML(string(s))
	case htmltemplate.JSStr:
		return escapeHTML(string(s))
	case htmltemplate.URL:
		return escapeHTML(string(s))
	case htmltemplate.Srcset:
		return escapeHTML(string(s))
	}
	if v == nil {
		return ""
	}
	return escapeHTML(fmt.Sprint(indirectToStringerOrError(v)))
}

// htmlEntities are what html/template's escaper of HTML text writes for
// each byte it replaces; it leaves every other byte as it is, a bad
// byte of UTF-8 too.
var htmlEntities = [...]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"}

// escapeHTML replaces in s the bytes that htmlEntities name.
func escapeHTML(s string) string {
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if int(c) >= len(htmlEntities) || htmlEntities[c] == "" {
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		b = append(b, htmlEntities[c]...)
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// indirect follows pointers from a to the value they lead to, or to the
// last that is nil.
func indirect(a any) any {
	if a == nil || reflect.TypeOf(a).Kind() != reflect.Pointer {
		return a
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// indirectToStringerOrError follows pointers from a to a Stringer, an
// error, a value that is no pointer or a nil pointer.
func indirectToStringerOrError(a any) any {
	v := reflect.ValueOf(a)
	for !v.Type().Implements(stringerType) && !v.Type().Implements(errorType) && v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// escapeOne replaces, in every template of an escaped HTML set, the calls
// of html/template's escaper of HTML text that give it one argument by
// calls of htmlEscaper.
func escapeOne(h *htmltemplate.Template) {
	h.Funcs(htmltemplate.FuncMap{htmlEscaperFunc: htmlEscaper})
	for _, ht := range h.Templates() {
		if ht.Tree == nil {
			continue
		}
		walkPipes(ht.Tree.Root, func(pipe *parse.PipeNode) {
			for _, cmd := range pipe.Cmds[1:] {
				if identifier(cmd) == "_html_template_htmlescaper" {
					cmd.Args[0] = parse.NewIdentifier(htmlEscaperFunc).SetPos(cmd.Pos)
				}
			}
		})
	}
}

// walkPipes calls f on the pipeline of every action under node.
func walkPipes(node parse.Node, f func(*parse.PipeNode)) {
	walkLists(node, func(list *parse.ListNode) {
		for _, n := range list.Nodes {
			if a, ok := n.(*parse.ActionNode); ok && a.Pipe != nil && len(a.Pipe.Cmds) > 0 {
				f(a.Pipe)
			}
		}
	})
}
