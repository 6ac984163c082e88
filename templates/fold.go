package templates

import (
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
	"unicode/utf8"
)

// Some functions write the same text in every mail of a set and language:
// the names of the bodies the routing table's edition gives (center,
// centerShort, area, escalationBody) and the language itself (lang). Each
// action that writes one of them alone, {{center}}, is replaced once the
// templates are loaded by the text it writes (fold), as if the template
// had that text where it has the action: executing it would cost a call
// of the function through reflection, and in HTML another of the
// escaper. In HTML, only an action whose text the escaper html/template
// put after it leaves as it is (no character that HTML text or a quoted
// attribute escapes) is replaced; the others are executed as written.
var constants = []string{"center", "centerShort", "area", "escalationBody", "lang"}

// folded says whether Load replaces the constants' actions; tests turn it
// off to compare.
var folded = true

// foldText replaces the constants' actions in every template of a
// plain-text set, written with funcs.
func foldText(t *texttemplate.Template, funcs map[string]any) {
	values := constantValues(funcs)
	for _, tt := range t.Templates() {
		foldTree(tt.Tree, values, nil)
	}
}

// foldHTML replaces the constants' actions in every template of an HTML
// set, written with funcs, once it is escaped: those html/template escapes
// for HTML text or a quoted attribute (its escaper after the function),
// when the escaper leaves their text as it is.
func foldHTML(h *htmltemplate.Template, funcs map[string]any) {
	values := constantValues(funcs)
	escapers := map[string]bool{"_html_template_htmlescaper": true, "_html_template_attrescaper": true}
	for _, ht := range h.Templates() {
		foldTree(ht.Tree, values, escapers)
	}
}

// constantValues returns the text each constant writes.
func constantValues(funcs map[string]any) map[string]string {
	values := map[string]string{}
	for _, name := range constants {
		if f, ok := funcs[name].(func() string); ok {
			values[name] = f()
		}
	}
	return values
}

// foldTree replaces, under tree, the actions that write a constant alone,
// then through one of escapers (none: the plain text), when the escaper
// would leave its text as it is.
func foldTree(tree *parse.Tree, values map[string]string, escapers map[string]bool) {
	if tree == nil {
		return
	}
	walkLists(tree.Root, func(list *parse.ListNode) {
		for i, n := range list.Nodes {
			a, ok := n.(*parse.ActionNode)
			if !ok {
				continue
			}
			if text, ok := constantText(a.Pipe, values, escapers); ok {
				list.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(text)}
			}
		}
	})
}

// constantText returns the text a pipeline writes when it is a constant
// alone, then, in HTML (escapers not nil), exactly one of escapers that
// leaves the constant's text as it is.
func constantText(pipe *parse.PipeNode, values map[string]string, escapers map[string]bool) (string, bool) {
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) == 0 {
		return "", false
	}
	text, ok := values[identifier(pipe.Cmds[0])]
	if !ok {
		return "", false
	}
	switch {
	case escapers == nil:
		return text, len(pipe.Cmds) == 1
	case len(pipe.Cmds) != 2 || !escapers[identifier(pipe.Cmds[1])]:
		return "", false
	}
	// html/template's HTML text and quoted-attribute escapers change
	// NUL, the quotes, '&', '+', '<' and '>', and nothing else of valid
	// UTF-8.
	return text, utf8.ValidString(text) && !strings.ContainsAny(text, "\x00\"&'+<>")
}

// identifier returns the name a command is, when it is a function's name
// alone, or "".
func identifier(cmd *parse.CommandNode) string {
	if len(cmd.Args) != 1 {
		return ""
	}
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		return id.Ident
	}
	return ""
}
